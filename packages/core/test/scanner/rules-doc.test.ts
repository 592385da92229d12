import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderRulesTable } from '@agentry/core/scanner';
import { expect, it } from 'vitest';

it('docs/scanner.md lists the current rules (run `npm run build && npm run docs:scanner` to refresh)', () => {
  const doc = readFileSync(join(import.meta.dirname, '../../../../docs/scanner.md'), 'utf8');
  const table = doc.slice(
    doc.indexOf('<!-- rules:start -->') + '<!-- rules:start -->'.length,
    doc.indexOf('<!-- rules:end -->'),
  );
  expect(table.trim()).toBe(renderRulesTable().trim());
});
