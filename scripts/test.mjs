#!/usr/bin/env node
/**
 * The whole test suite: builds, then runs vitest on PGlite and again (database tests only) on
 * PostgreSQL when AGENTRY_TEST_PG_URL is set. Prints one closing line `N passed, N failed, N skipped`, where
 * skipped counts every pending test: skipped, todo, and those whose service (PostgreSQL, Redis, Chromium) is absent.
 * Extra arguments are passed to vitest (e.g. a file filter).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const out = join(root, '.test-tmp');
mkdirSync(out, { recursive: true });
const extra = process.argv.slice(2);
const required = process.env.AGENTRY_REQUIRE_SERVICES === '1';

const build = spawnSync('npx', ['tsc', '-b', 'packages/core', 'packages/server', 'packages/cli'], {
  cwd: root,
  stdio: 'inherit',
});
if (build.status !== 0) {
  console.log('0 passed, 1 failed, 0 skipped');
  process.exit(1);
}

const totals = { passed: 0, failed: 0, skipped: 0 };

function runPass(name, env, filters) {
  const report = join(out, `vitest-${name}.json`);
  rmSync(report, { force: true });
  console.log(`\n=== test pass: ${name} ===`);
  const result = spawnSync(
    'npx',
    [
      'vitest',
      'run',
      '--reporter=default',
      '--reporter=json',
      `--outputFile.json=${report}`,
      ...filters,
      ...extra,
    ],
    { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } },
  );
  let parsed;
  try {
    parsed = JSON.parse(readFileSync(report, 'utf8'));
  } catch {
    console.log(`pass ${name}: vitest wrote no report (exit ${result.status})`);
    totals.failed += 1;
    return;
  }
  // A file that fails to load has no test results but is a failure all the same.
  const brokenFiles = parsed.testResults.filter(
    (file) => file.status === 'failed' && file.assertionResults.length === 0,
  ).length;
  totals.passed += parsed.numPassedTests;
  totals.failed += parsed.numFailedTests + brokenFiles;
  totals.skipped += parsed.numPendingTests + parsed.numTodoTests;
  if (result.status !== 0 && parsed.numFailedTests + brokenFiles === 0) totals.failed += 1;
  console.log(
    `pass ${name}: ${parsed.numPassedTests} passed, ${parsed.numFailedTests + brokenFiles} failed, ${parsed.numPendingTests + parsed.numTodoTests} skipped`,
  );
}

runPass('pglite', { AGENTRY_TEST_DB: 'pglite' }, []);
if (process.env.AGENTRY_TEST_PG_URL) {
  runPass('postgres', { AGENTRY_TEST_DB: 'postgres' }, ['packages/server', 'e2e']);
} else if (required) {
  console.log('FAILED: the PostgreSQL pass needs AGENTRY_TEST_PG_URL (AGENTRY_REQUIRE_SERVICES=1)');
  totals.failed += 1;
} else {
  console.log('\nSKIPPED: the PostgreSQL pass (set AGENTRY_TEST_PG_URL=postgres://… to run it)');
}

console.log(`\n${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(totals.failed > 0 ? 1 : 0);
