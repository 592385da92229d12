/** Edge cases of the stage-1 rules: Unicode tricks, encodings, hidden files, home paths, frontmatter. */
import { type ArtifactKind, computeSha256, type Finding } from '@agentry/core';
import { type ArchiveEntry, createScanContext, type Rule, runRules } from '@agentry/core/scanner';
import { describe, expect, it } from 'vitest';
import { absoluteHomePath } from '../../src/scanner/rules/structure/absolute-home-path.js';
import { bidiOverride } from '../../src/scanner/rules/structure/bidi-override.js';
import { hiddenFile } from '../../src/scanner/rules/structure/hidden-file.js';
import { homoglyph, spoofedLetters } from '../../src/scanner/rules/structure/homoglyph.js';
import { firstInvalidUtf8, nonUtf8 } from '../../src/scanner/rules/structure/non-utf8.js';
import { skillFrontmatter } from '../../src/scanner/rules/structure/skill-frontmatter.js';
import { zeroWidthCharacters } from '../../src/scanner/rules/structure/zero-width.js';

function filesOf(files: Record<string, string | Buffer>): Map<string, ArchiveEntry> {
  const map = new Map<string, ArchiveEntry>();
  for (const [path, value] of Object.entries(files)) {
    const content = typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
    map.set(path, { path, content, size: content.length, sha256: computeSha256(content), mode: 0o644 });
  }
  return map;
}

function run(rule: Rule, files: Record<string, string | Buffer>, kind: ArtifactKind = 'skill'): Finding[] {
  return runRules(createScanContext(filesOf(files), kind, undefined), [rule]).findings;
}

const where = (findings: Finding[]) => findings.map((f) => `${f.file}:${f.line}`);

describe('bidi_override', () => {
  it('finds every embedding, override and isolate control, on the right line', () => {
    const controls = [
      '\u202a',
      '\u202b',
      '\u202c',
      '\u202d',
      '\u202e',
      '\u2066',
      '\u2067',
      '\u2068',
      '\u2069',
    ];
    for (const control of controls) {
      const findings = run(bidiOverride, { 'a.md': `line one\nline ${control}two\nthree\n` });
      expect(findings, control.codePointAt(0)?.toString(16)).toHaveLength(1);
      expect(findings[0]).toMatchObject({ severity: 'critical', file: 'a.md', line: 2, stage: 'structure' });
      expect(findings[0]?.evidence).toMatch(/⟨U\+20[62][0-9A-F]⟩/);
    }
  });

  it('leaves direction marks and right-to-left text alone', () => {
    expect(run(bidiOverride, { 'a.md': 'שלום \u200f עולם مرحبا \u200e ok\n' })).toEqual([]);
  });

  it('reports at most five lines per file and says how many more there were', () => {
    const text = Array.from({ length: 8 }, (_, i) => `x${i} \u202e y`).join('\n');
    const findings = run(bidiOverride, { 'a.js': text });
    expect(where(findings)).toEqual(['a.js:1', 'a.js:2', 'a.js:3', 'a.js:4', 'a.js:5']);
    expect(findings[4]?.message).toContain('(3 more in this file)');
  });

  it('reads CRLF files with the same line numbers', () => {
    expect(where(run(bidiOverride, { 'a.md': 'a\r\nb\r\nc \u2067 d\r\n' }))).toEqual(['a.md:3']);
  });
});

describe('zero_width', () => {
  it('finds each invisible character with its line', () => {
    for (const char of ['\u200b', '\u200c', '\u200d', '\u2060', '\ufeff']) {
      const findings = run(zeroWidthCharacters, { 'SKILL.md': `# Title\n\nig${char}nore this\n` });
      expect(findings, char.codePointAt(0)?.toString(16)).toHaveLength(1);
      expect(findings[0]).toMatchObject({ severity: 'medium', line: 3 });
    }
  });

  it('accepts a leading byte-order mark but not one further in', () => {
    expect(run(zeroWidthCharacters, { 'a.md': '\ufeff# Title\n' })).toEqual([]);
    expect(where(run(zeroWidthCharacters, { 'a.md': '\ufeff# Title\n\ufeffagain\n' }))).toEqual(['a.md:2']);
  });

  it('accepts joiners inside emoji sequences and in scripts that need them', () => {
    const text = ['Team: 👩‍💻 👨‍👩‍👧 🏳️‍🌈 👍🏽', 'Persian: می‌خواهم', 'Hindi: क्‍ष', 'Malayalam: ന്‍'].join('\n');
    expect(run(zeroWidthCharacters, { 'a.md': text })).toEqual([]);
  });

  it('still reports a joiner between Latin letters or after an emoji at a word', () => {
    expect(where(run(zeroWidthCharacters, { 'a.md': 'ok\nad\u200dmin\n👍\u200dx\n' }))).toEqual([
      'a.md:2',
      'a.md:3',
    ]);
  });
});

describe('homoglyph', () => {
  it('flags Cyrillic and Greek look-alikes inside Latin words', () => {
    const findings = run(homoglyph, {
      'SKILL.md': 'Visit p\u0430ypal.com\nfine line\n\u0420ayPal and g\u03bfogle\n',
      'src/pay.js': 'const p\u0430ymentKey = 1;\n',
    });
    expect(where(findings)).toEqual(['SKILL.md:1', 'SKILL.md:3', 'SKILL.md:3', 'src/pay.js:1']);
    expect(findings[0]).toMatchObject({ severity: 'high' });
    expect(findings[0]?.message).toContain('U+0430');
    expect(findings[2]?.message).toContain('U+03BF');
  });

  it('leaves Russian and Greek prose alone, including words made only of look-alike letters', () => {
    const text = [
      'Этот навык заполняет PDF-файлы. Скопируйте API-ключ и запустите скрипт.',
      'Сор, рос, сосо, рок — целиком кириллицей.',
      'Η δεξιότητα συμπληρώνει αρχεία PDF. Ο κόμβος είναι ορατός.',
      'Екатерина wrote “Москва” next to Moscow.',
    ].join('\n');
    expect(run(homoglyph, { 'SKILL.md': text })).toEqual([]);
  });

  it('decides per word: look-alike letters only, with at least one Latin letter', () => {
    expect(spoofedLetters('p\u0430ypal')).toEqual(['\u0430']);
    expect(spoofedLetters('\u0441\u043e\u0441\u043e')).toBeUndefined(); // сосо: no Latin letter
    expect(spoofedLetters('p\u0436ypal')).toBeUndefined(); // ж looks like no Latin letter
    expect(spoofedLetters('E\u043a\u0430\u0442\u0435\u0440\u0438\u043d\u0430')).toBeUndefined(); // a Latin E in a Russian word
    expect(spoofedLetters('paypal')).toBeUndefined();
  });
});

describe('non_utf8', () => {
  it('reports Latin-1 text with the line of the first bad byte', () => {
    const findings = run(nonUtf8, {
      'notes.md': Buffer.from([0x61, 0x0a, 0x62, 0x0a, 0x63, 0x61, 0x66, 0xe9, 0x0a]),
    });
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ severity: 'medium', file: 'notes.md', line: 3 });
  });

  it('reports UTF-16 text even though it contains NUL bytes', () => {
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('hello\nworld', 'utf16le')]);
    const findings = run(nonUtf8, { README: utf16 });
    expect(findings[0]?.message).toContain('UTF-16');
  });

  it('ignores binary data and files without a text extension', () => {
    expect(
      run(nonUtf8, {
        'data.txt': Buffer.from([0x00, 0xff, 0x00, 0xfe]),
        'image.png': Buffer.from([0x89, 0x50, 0x4e, 0x47, 0xff]),
        blob: Buffer.from([0xff, 0xfe, 0xfd]),
        'ok.md': 'naïve café ✓ 𝄞\n',
      }),
    ).toEqual([]);
  });

  it('agrees with a strict TextDecoder on valid and invalid byte sequences', () => {
    const decoder = new TextDecoder('utf-8', { fatal: true });
    const samples = [
      [0xc0, 0x80], // overlong NUL
      [0xe0, 0x80, 0x80], // overlong
      [0xed, 0xa0, 0x80], // surrogate
      [0xf4, 0x90, 0x80, 0x80], // above U+10FFFF
      [0xe2, 0x82], // truncated
      [0xf0, 0x9d, 0x84, 0x9e], // 𝄞
      [0x7f],
    ];
    let seed = 7;
    for (let n = 0; n < 300; n++) {
      const length = 1 + (n % 9);
      samples.push(
        Array.from({ length }, () => {
          seed = (seed * 1103515245 + 12345) & 0x7fffffff;
          return seed & 0xff;
        }),
      );
    }
    for (const sample of samples) {
      const bytes = Uint8Array.from(sample);
      let valid = true;
      try {
        decoder.decode(bytes);
      } catch {
        valid = false;
      }
      expect(firstInvalidUtf8(bytes) === -1, sample.join(',')).toBe(valid);
    }
  });
});

describe('hidden_file', () => {
  it('allows the allow-list and reports the rest, folders once with a count', () => {
    const findings = run(hiddenFile, {
      'SKILL.md': 'x',
      '.gitignore': 'x',
      '.prettierrc.yaml': 'x',
      '.eslintrc.json': 'x',
      '.env.example': 'x',
      '.mcp.json': 'x',
      '.claude/settings.json': 'x',
      '.claude-plugin/plugin.json': 'x',
      '.github/workflows/ci.yml': 'x',
      '.cursor/rules/a.mdc': 'x',
      '.env': 'x',
      '.git/HEAD': 'x',
      '.git/config': 'x',
      'src/.cache/a': 'x',
      'docs/.hidden.md': 'x',
    });
    expect(findings.map((f) => f.file).sort()).toEqual([
      '.env',
      '.git/HEAD',
      'docs/.hidden.md',
      'src/.cache/a',
    ]);
    expect(findings.every((f) => f.severity === 'low')).toBe(true);
    expect(findings.find((f) => f.file === '.git/HEAD')?.message).toContain('.git/ (2 files)');
  });
});

describe('absolute_home_path', () => {
  it('finds Linux, macOS and Windows home paths in SKILL.md with their lines', () => {
    const findings = run(absoluteHomePath, {
      'SKILL.md': [
        '# Tool',
        'Run /home/alice/bin/tool',
        'or "/Users/bob/Library/tool"',
        'or C:\\Users\\carol\\tool.exe, "C:\\\\Users\\\\dave\\\\x" and c:/Users/erin/x',
        'cd /home/frank',
      ].join('\n'),
    });
    expect(where(findings)).toEqual(['SKILL.md:2', 'SKILL.md:3', 'SKILL.md:4', 'SKILL.md:5']);
    expect(findings[2]?.message).toContain('carol');
    expect(findings[2]?.message).toContain('dave');
    expect(findings[2]?.message).toContain('erin');
    expect(findings[0]?.severity).toBe('medium');
  });

  it('ignores placeholders, ~ and $HOME, URLs, and non-instruction files of a skill', () => {
    expect(
      run(absoluteHomePath, {
        'SKILL.md': [
          '~/.config/x and $HOME/x and ${HOME}/x',
          '/home/<user>/x and /Users/{name}/x and C:\\Users\\%USERNAME%\\x and /home/$USER/x',
          'https://example.com/home/alice/x and file:///Users/bob/x',
          '/home/ alone, and /Users/',
        ].join('\n'),
        'README.md': 'Built in /home/alice/src.\n',
        'scripts/run.sh': 'cd /home/alice\n',
      }),
    ).toEqual([]);
  });

  it('reads every markdown file of agents and commands, and agents/ or commands/ folders anywhere', () => {
    expect(where(run(absoluteHomePath, { 'reviewer.md': 'see /Users/bob/notes\n' }, 'agent'))).toEqual([
      'reviewer.md:1',
    ]);
    expect(where(run(absoluteHomePath, { 'deploy.md': 'see /home/bob/x\n' }, 'command'))).toEqual([
      'deploy.md:1',
    ]);
    expect(
      where(
        run(absoluteHomePath, { 'plugin/agents/a.md': '/home/bob/x\n', 'notes.md': '/home/bob/x\n' }, 'pack'),
      ),
    ).toEqual(['plugin/agents/a.md:1']);
  });
});

describe('skill_frontmatter', () => {
  const check = (text: string, kind: ArtifactKind = 'skill') =>
    run(skillFrontmatter, { 'SKILL.md': text }, kind);
  const valid = '---\nname: my-skill\ndescription: Does a thing.\n---\n# Body\n';

  it('accepts valid frontmatter, with a BOM, CRLF, `...` as the end marker and extension keys', () => {
    expect(check(valid)).toEqual([]);
    expect(check(`\ufeff${valid.replace(/\n/g, '\r\n')}`)).toEqual([]);
    expect(
      check(
        '---\nname: a1\ndescription: x\nallowed-tools:\n  - Read\n  - Bash\nhooks: {}\nmodel: sonnet\n...\n',
      ),
    ).toEqual([]);
  });

  it('requires frontmatter at the very start, closed, valid and a mapping', () => {
    expect(check('# Title\n---\nname: a\n---\n')[0]).toMatchObject({ severity: 'high', line: 1 });
    expect(check('---\nname: a\ndescription: b\n')[0]?.message).toContain('never closed');
    const invalid = check('---\nname: a\ndescription: [unclosed\n---\n');
    expect(invalid[0]?.severity).toBe('high');
    expect(invalid[0]?.message).toContain('not valid YAML');
    expect(check('---\n- a\n- b\n---\n')[0]?.message).toContain('mapping');
    expect(check('---\n---\n')[0]?.severity).toBe('high');
  });

  it('treats a duplicated key as invalid YAML, reported at the duplicate', () => {
    const findings = check('---\nname: good-name\ndescription: x\nname: Evil Name\n---\n');
    expect(findings[0]).toMatchObject({ severity: 'high', line: 4 });
  });

  it('checks name and description against the specification, at their lines', () => {
    const cases: [string, boolean][] = [
      ['a', true],
      ['a'.repeat(64), true],
      ['a'.repeat(65), false],
      ['pdf-tools-2', true],
      ['PDF', false],
      ['-lead', false],
      ['trail-', false],
      ['double--hyphen', false],
      ['under_score', false],
      ['"123"', true],
      ['', false],
    ];
    for (const [name, ok] of cases) {
      const findings = check(`---\ndescription: Does a thing.\nname: ${name}\n---\n`);
      if (ok) expect(findings, name).toEqual([]);
      else expect(findings[0], name).toMatchObject({ severity: 'high', line: name === '' ? 1 : 3 });
    }
    expect(check('---\nname: a\n---\n')[0]?.message).toContain('no `description`');
    expect(check('---\nname: a\ndescription: "   "\n---\n')[0]?.message).toContain('non-empty');
    expect(check(`---\nname: a\ndescription: ${'d'.repeat(1024)}\n---\n`)).toEqual([]);
    expect(check(`---\nname: a\ndescription: ${'d'.repeat(1025)}\n---\n`)[0]?.message).toContain('1025');
    expect(check('---\ndescription: x\n---\n')[0]?.message).toContain('no `name`');
  });

  it('reports unknown keys and badly shaped optional fields as low, after the required problems', () => {
    const findings = check(
      '---\nname: Bad Name\ndescription: x\nfoo: 1\nmetadata:\n  n: 1\ncompatibility: ""\nlicense: [a]\n---\n',
    );
    expect(findings.map((f) => [f.severity, f.line])).toEqual([
      ['high', 2],
      ['low', 8],
      ['low', 7],
      ['low', 5],
      ['low', 4],
    ]);
  });

  it('only applies to skills', () => {
    expect(check('no frontmatter at all', 'agent')).toEqual([]);
    expect(run(skillFrontmatter, { 'README.md': 'x' })).toEqual([]);
  });
});

describe('large and hostile files', () => {
  it('keeps five findings per file however many lines are bad', () => {
    const text = 'a\u202e b p\u0430ypal \u200b /home/alice/x\n'.repeat(100_000);
    const started = performance.now();
    for (const rule of [bidiOverride, zeroWidthCharacters, homoglyph, absoluteHomePath]) {
      const findings = run(rule, { 'SKILL.md': text });
      expect(findings, rule.id).toHaveLength(5);
      expect(findings[4]?.message, rule.id).toContain('(99995 more in this file)');
    }
    // No timing assertion (benchmarks live in bench/): quadratic work would blow the test timeout.
    console.log(`hostile unicode scanned in ${Math.round(performance.now() - started)} ms`);
  });
});
