/**
 * The curl walk-through of docs/api.md ("Publishing (two phases)") run as written, against a spawned server:
 * it builds its tarball, captures the ids with jq and publishes. Only its REGISTRY= and TOKEN= lines are
 * replaced by the test's values, so the documentation cannot drift from what works.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir, testDbKind } from '../test-support/db.js';
import { type AdminServer, startAdminServer } from './spawn.js';

const docs = readFileSync(join(import.meta.dirname, '..', 'docs', 'api.md'), 'utf8');

/** The first ```sh block after the heading. */
function shellBlockAfter(heading: string): string {
  const from = docs.indexOf(`\n${heading}\n`);
  expect(from, heading).toBeGreaterThan(-1);
  const block = /```sh\n([\s\S]*?)```/.exec(docs.slice(from))?.[1];
  if (!block) throw new Error(`no sh block after ${heading}`);
  return block;
}

describe(`docs/api.md's curl walk-through (${testDbKind()})`, () => {
  let admin: AdminServer;
  beforeAll(async () => {
    admin = await startAdminServer();
  }, 90_000);
  afterAll(() => admin?.close());

  it('builds the tarball, captures the ids with jq and publishes, as written', async () => {
    const block = shellBlockAfter('## Publishing (two phases)');
    expect(block).toMatch(/^REGISTRY=/m);
    expect(block).toMatch(/^TOKEN=/m);
    expect(block).toMatch(/jq -r/);
    const script = block.replace(/^(REGISTRY|TOKEN)=.*$/gm, '');
    const cwd = makeTempDir('walkthrough');
    const run = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(
        'bash',
        ['-euo', 'pipefail', '-c', script],
        {
          cwd,
          timeout: 60_000,
          env: { PATH: process.env.PATH ?? '', REGISTRY: admin.server.url, TOKEN: admin.token },
        },
        (error, stdout, stderr) =>
          resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }),
      );
    });
    expect(run.code, run.stderr).toBe(0);
    const lines = run.stdout.trim().split('\n');
    const reserved = JSON.parse(lines[0] ?? '{}') as Record<string, string>;
    expect(Object.keys(reserved)).toEqual(expect.arrayContaining(['uploadUrl', 'skillId', 'versionId']));
    expect(JSON.parse(lines[1] ?? '{}')).toHaveProperty('size');
    const confirmed = JSON.parse(lines[2] ?? '{}') as Record<string, unknown>;
    expect(confirmed).toMatchObject({
      success: true,
      name: 'my-skill',
      version: '1.2.0',
      status: 'published',
    });
    const meta = await fetch(`${admin.server.url}/api/v1/skills/my-skill`);
    expect(meta.status).toBe(200);
    expect(((await meta.json()) as { latestVersion: string }).latestVersion).toBe('1.2.0');
  }, 120_000);
});
