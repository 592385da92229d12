/** `agentry scan` as a user runs it: exit codes, formats, and agreement with the server's scan. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmptyTestTarget } from '../test-support/db.js';
import { makeTarball, skillFiles } from '../test-support/tarball.js';
import { cliBin, runBin, type SpawnedServer, startServer } from './spawn.js';

let dir: string;
let server: SpawnedServer;
let cleanup: () => Promise<void>;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'agentry-cli-scan-'));
  const target = await createEmptyTestTarget();
  cleanup = target.cleanup;
  server = await startServer({ DATA_DIR: target.dataDir, DATABASE_URL: target.databaseUrl });
});
afterAll(async () => {
  await server.stop();
  await cleanup();
  rmSync(dir, { recursive: true, force: true });
});

describe('agentry scan', () => {
  it('exits 0 on a clean skill and 4 when the verdict reaches --fail-on', async () => {
    const clean = join(dir, 'clean.tgz');
    writeFileSync(clean, await makeTarball(skillFiles('clean')));
    expect(runBin(cliBin, ['scan', clean], {}).code).toBe(0);
    const bad = join(dir, 'bad.tgz');
    writeFileSync(bad, await makeTarball(skillFiles('bad', { 'payload.exe': 'MZ' })));
    const run = runBin(cliBin, ['scan', bad], {});
    expect(run.code).toBe(4);
    expect(run.stdout).toContain('payload.exe');
    expect(runBin(cliBin, ['scan', bad, '--fail-on', 'none'], {}).code).toBe(0);
    // Any case, as verdicts are printed.
    expect(runBin(cliBin, ['scan', bad, '--fail-on', 'FAIL'], {}).code).toBe(4);
    expect(runBin(cliBin, ['scan', bad, '--fail-on', 'None'], {}).code).toBe(0);
    expect(runBin(cliBin, ['scan', bad, '--fail-on', 'sometimes'], {}).code).toBe(2);
    const sarif = JSON.parse(runBin(cliBin, ['scan', bad, '--format', 'sarif'], {}).stdout);
    expect(sarif.runs[0].results[0].ruleId).toBe('blocked_file_type');
  });

  it('agrees with the server scan of the same tarball', async () => {
    const bytes = await makeTarball({ 'README.md': '# no SKILL.md\n', 'tool.dll': 'x' });
    const path = join(dir, 'same.tgz');
    writeFileSync(path, bytes);
    const local = JSON.parse(runBin(cliBin, ['scan', path, '--json', '--fail-on', 'none'], {}).stdout);
    const form = new FormData();
    form.set('file', new Blob([new Uint8Array(bytes)]), 'same.tgz');
    const remote = (await (
      await fetch(`${server.url}/api/v1/scan`, { method: 'POST', body: form })
    ).json()) as {
      verdict: string;
      auditScore: number;
      findings: { rule: string }[];
    };
    expect(remote.verdict).toBe(local.report.verdict);
    expect(remote.auditScore).toBe(local.report.auditScore);
    expect(remote.findings.map((f) => f.rule.toLowerCase())).toEqual(
      local.report.findings.map((f: { rule: string }) => f.rule),
    );
  });
});
