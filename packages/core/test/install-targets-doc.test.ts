import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderTargetsTable } from '@agentry/core';
import { expect, it } from 'vitest';

it('docs/cli.md shows the current install targets (run `npm run build && npm run docs:targets` to refresh)', () => {
  const doc = readFileSync(join(import.meta.dirname, '../../../docs/cli.md'), 'utf8');
  const table = doc.slice(
    doc.indexOf('<!-- targets:start -->') + '<!-- targets:start -->'.length,
    doc.indexOf('<!-- targets:end -->'),
  );
  expect(table.trim()).toBe(renderTargetsTable().trim());
  expect(table).toContain('`.codex/config.toml` → `mcp_servers`');
});
