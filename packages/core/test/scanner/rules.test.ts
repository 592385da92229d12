/** Every rule fires on its positive fixture and stays silent on its negative one. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createScanContext, rules, runRules } from '@agentry/core/scanner';
import { describe, expect, it } from 'vitest';
import { fixturesRoot, loadFixture } from './fixtures.js';

function findingsFor(dir: string) {
  const fixture = loadFixture(dir);
  const ctx = createScanContext(fixture.files, fixture.kind, fixture.permissions);
  return { fixture, findings: runRules(ctx).findings };
}

describe.each(rules.map((rule) => [rule.id, rule] as const))('rule %s', (id, rule) => {
  const positive = join(fixturesRoot, id, 'positive');
  const negative = join(fixturesRoot, id, 'negative');

  it('has a positive and a negative fixture', () => {
    expect(existsSync(positive), `missing ${positive}`).toBe(true);
    expect(existsSync(negative), `missing ${negative}`).toBe(true);
  });

  it.runIf(existsSync(positive))('fires on the positive fixture', () => {
    const { fixture, findings } = findingsFor(positive);
    const mine = findings.filter((f) => f.rule === id);
    expect(mine.length).toBeGreaterThan(0);
    expect(mine[0]?.severity).toBe(fixture.severity ?? rule.severity);
  });

  it.runIf(existsSync(negative))('stays silent on the negative fixture', () => {
    const { findings } = findingsFor(negative);
    expect(findings.filter((f) => f.rule === id)).toEqual([]);
  });
});

it('gives every rule a unique id', () => {
  const ids = rules.map((rule) => rule.id);
  expect(new Set(ids).size).toBe(ids.length);
});
