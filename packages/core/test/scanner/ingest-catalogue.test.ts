/** The stage-0 catalogue (for SARIF and docs) names exactly the findings archive.ts can produce. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ingestRules } from '@agentry/core/scanner';
import { expect, it } from 'vitest';

it('lists every stage-0 finding with the severity archive.ts gives it', () => {
  const source = readFileSync(join(import.meta.dirname, '../../src/scanner/archive.ts'), 'utf8');
  const emitted = new Map<string, Set<string>>();
  const add = (id: string, severity: string) => emitted.set(id, (emitted.get(id) ?? new Set()).add(severity));
  for (const match of source.matchAll(/finding\(\s*'(\w+)',\s*'(\w+)'/g))
    add(match[2] as string, match[1] as string);
  for (const match of source.matchAll(/fail\(\s*'(\w+)'/g)) add(match[1] as string, 'critical');
  for (const match of source.matchAll(/rule: '(\w+)'/g)) add(match[1] as string, 'critical');
  const catalogue = new Map(ingestRules.map((rule) => [rule.id, rule.severity]));
  expect([...emitted.keys()].sort()).toEqual([...catalogue.keys()].sort());
  for (const [id, severities] of emitted) expect([...severities], id).toEqual([catalogue.get(id)]);
});
