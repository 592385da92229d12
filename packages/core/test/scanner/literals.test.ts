/**
 * Regex pre-filtering by required literals (scanner/literals.ts): the analysis of regex sources, the
 * one-pass literal search, and the property the scanner relies on — a gate never closes on a text its
 * regex matches.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LiteralIndex } from '../../src/scanner/literals.js';
import { requiredLiterals } from '../../src/scanner/required-literals.js';
import { authorityClaimPatterns } from '../../src/scanner/rules/injection/authority-claim.js';
import { contextManipulationPatterns } from '../../src/scanner/rules/injection/context-manipulation.js';
import { exfiltrationPatterns } from '../../src/scanner/rules/injection/exfiltration.js';
import { overridePatterns } from '../../src/scanner/rules/injection/override.js';
import { privilegeEscalationPatterns } from '../../src/scanner/rules/injection/privilege-escalation.js';
import { roleHijackPatterns } from '../../src/scanner/rules/injection/role-hijack.js';
import { weakPatterns } from '../../src/scanner/rules/injection/suspicion.js';
import { toolTagPatterns } from '../../src/scanner/rules/injection/tool-tags.js';
import { fixturesRoot } from './fixtures.js';

/** Regexes TypeScript would refuse as literals (legacy syntax the analysis must still read). */
function regex(source: string, flags = ''): RegExp {
  return new RegExp(source, flags);
}

function clauses(re: RegExp): string[][] | undefined {
  return requiredLiterals(re)?.clauses.map((clause) => [...clause].sort());
}

describe('requiredLiterals', () => {
  it('reads alternations, optional parts and character classes', () => {
    expect(clauses(/\b(?:ignore|disregard)\s+(?:all\s+)?previous\s+instructions?\b/i)).toEqual([
      ['disregard', 'ignore'],
      ['previous'],
      ['instruction'],
    ]);
    expect(clauses(/neutrali[sz]e/i)).toEqual([['neutralise', 'neutralize']]);
    expect(clauses(/(?:ab|cd){2}ef/)).toEqual([['ababef', 'abcdef', 'cdabef', 'cdcdef']]);
  });

  it('folds case under i and keeps it otherwise', () => {
    expect(requiredLiterals(/Human:/i)).toEqual({ clauses: [['human:']], ignoreCase: true });
    expect(requiredLiterals(/\[SYSTEM\]/)).toEqual({ clauses: [['[SYSTEM]']], ignoreCase: false });
  });

  it('drops literals that contain another of their clause, and one-character clauses', () => {
    expect(clauses(/\bfrom\s+now\s+on,?\s+you\b/i)).toEqual([['from'], ['now'], ['on'], ['you']]);
    expect(clauses(/a\s+b/)).toBeUndefined();
  });

  it('requires nothing from lookarounds, back-references or escapes it does not know', () => {
    expect(clauses(/(?=abc)abd|xyz/)).toEqual([['abd', 'xyz']]);
    expect(clauses(/ab(?!cd)ef/)).toEqual([['abef']]);
    expect(clauses(/(a)\1bcd/)).toEqual([['bcd']]);
    // \012 is an octal escape (a line feed), not the literal "12".
    expect(clauses(regex(String.raw`xy\012zw`))).toEqual([['xy'], ['zw']]);
    // Without named groups, \k is a literal "k": the alternation is "xk<a" | "b>y".
    expect(clauses(regex(String.raw`x\k<a|b>y`))).toEqual([['<a', 'b>y']]);
    expect(clauses(/\p{L}abc/u)).toEqual([['abc']]);
  });

  it('reads non-u braces that are not quantifiers as text', () => {
    expect(clauses(/ab{,2}cd/)).toEqual([['ab{,2}cd']]);
    expect(clauses(/ab{2}cd/)).toEqual([['abbcd']]);
  });

  it('never lets a cased non-ASCII letter stand for itself under i', () => {
    // /ſ/i does not match "s" without u, but "É" does match "é": such letters require nothing.
    expect(clauses(/émile/i)).toEqual([['mile']]);
    expect(clauses(/\p{L}secret/iu)).toBeUndefined();
  });

  it('gives up on what it does not parse', () => {
    expect(requiredLiterals(regex(String.raw`[\p{L}--[a-z]]x`, 'v'))).toBeUndefined();
    expect(requiredLiterals(/.*/)).toBeUndefined();
  });
});

describe('LiteralIndex', () => {
  it('finds overlapping literals in one pass, ignoring ASCII case when asked', () => {
    const index = new LiteralIndex();
    const ids = ['he', 'she', 'hers', 'his'].map((s) => index.add(s, true));
    expect([...index.scan('uSHErs')]).toEqual(ids.map((_, i) => (i === 3 ? 0 : 1)));
  });

  it('confirms the exact spelling of literals that keep their case', () => {
    const index = new LiteralIndex();
    const exact = index.add('Path', false);
    const folded = index.add('path', true);
    expect(index.scan('const path = 1')[exact]).toBe(0);
    expect(index.scan('const path = 1')[folded]).toBe(1);
    expect(index.scan('import { path, Path }')[exact]).toBe(1);
  });

  it('handles non-ASCII literals and texts', () => {
    const index = new LiteralIndex();
    const id = index.add('’m', true);
    expect(index.scan('I’m here')[id]).toBe(1);
    expect(index.scan("I'm here")[id]).toBe(0);
    expect(index.scan('ＩＧＮＯＲＥ 😀')[id]).toBe(0);
  });

  it('treats literals added after a scan as present', () => {
    const index = new LiteralIndex();
    const before = index.add('alpha', true);
    const hits = index.scan('beta');
    const gate = index.gate(/\bgamma\b/);
    expect(hits[before]).toBe(0);
    expect(gate.open(hits)).toBe(true);
    expect(gate.open(index.scan('beta'))).toBe(false);
  });
});

function walk(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) walk(full, out);
    else out.push(full);
  }
  return out;
}

describe('gates never close on a matching text', () => {
  const patterns = [
    ...overridePatterns,
    ...roleHijackPatterns,
    ...contextManipulationPatterns,
    ...exfiltrationPatterns,
    ...toolTagPatterns,
    ...privilegeEscalationPatterns,
    ...authorityClaimPatterns,
    ...weakPatterns,
  ].map((p) => p.re);
  const syntax = [
    /\bsk-(?:proj|svcacct)-[A-Za-z0-9_-]{8,}/,
    /-----BEGIN|AKIA|ASIA|gh[pousr]_|github_pat_|xox[a-z]-|sk-/,
    /aws.?secret|secret.?access|private_key/i,
    /(?<![\w-])eyJ[A-Za-z0-9_-]{8,}\.eyJ/,
    /(?:^|[;&|])[ \t]*(curl|wget)\b[^|\n]{0,50}\|[ \t]*(?:ba)?sh\b/m,
    /\b(?:eval|exec|compile)\s*\(/,
  ];
  const texts = walk(fixturesRoot)
    .filter((path) => /\.(md|txt|sh|py|js|ts|json|ya?ml)$|\.env$/.test(path))
    .map((path) => readFileSync(path, 'utf8'));
  let seed = 1;
  const random = () => {
    seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff;
    return seed / 0x7fffffff;
  };
  // Word salads of each pattern's own literals with fillers, in mixed case: many of them match.
  const salads = [...patterns, ...syntax].flatMap((re) => {
    const words = (requiredLiterals(re)?.clauses ?? []).flat();
    const fillers = ['the', 'all', 'your', 'a', 'to', '-', ',', ':', '"', 'now', '|', 'sh', '('];
    return Array.from({ length: 30 }, () =>
      Array.from({ length: 4 + Math.floor(random() * 12) }, () => {
        const pool = random() < 0.6 && words.length > 0 ? words : fillers;
        const word = pool[Math.floor(random() * pool.length)] ?? '';
        return random() < 0.3 ? word.toUpperCase() : word;
      }).join(random() < 0.8 ? ' ' : ''),
    );
  });
  const corpus = [...texts, ...texts.map((t) => t.toUpperCase()), ...salads];

  it.each([...patterns, ...syntax].map((re) => [re.source.slice(0, 60), re] as const))('%s', (_, re) => {
    const index = new LiteralIndex();
    const gate = index.gate(re);
    const probe = new RegExp(re.source, re.flags.replace('g', ''));
    for (const text of corpus) {
      if (probe.test(text)) expect(gate.open(index.scan(text)), text.slice(0, 200)).toBe(true);
    }
  });
});
