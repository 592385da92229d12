/**
 * Reliability: ten concurrent anonymous 38 MB `POST /api/v1/scan` from one address (within the default
 * limits) against the real server binary. Uploads stream to disk and scans queue for the workers, so the
 * server's peak RSS stays under 600 MiB and its RSS afterwards within 100 MiB of before. Prints the figures.
 * Memory bounds, not timings: the figures are read from /proc (VmHWM after resetting it, VmRSS).
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmptyTestTarget } from '../test-support/db.js';
import { makeTarball, skillFiles } from '../test-support/tarball.js';
import { type SpawnedServer, startServer } from './spawn.js';

const MiB = 1024 * 1024;
let server: SpawnedServer;
let cleanup: () => Promise<void>;
const token = `agt_${randomBytes(32).toString('base64url')}`;
let tarball: Buffer;

beforeAll(async () => {
  const target = await createEmptyTestTarget();
  const env = { DATA_DIR: target.dataDir, DATABASE_URL: target.databaseUrl, AGENTRY_ADMIN_TOKEN: token };
  // Measured on a restarted server, as in production: a first start also runs initdb, whose memory an
  // embedded database keeps for the life of that process.
  await (await startServer(env)).stop();
  server = await startServer(env);
  cleanup = async () => {
    await server.stop('SIGKILL');
    await target.cleanup();
  };
  // Incompressible, so the upload is 38 MB on the wire and about as much unpacked.
  tarball = await makeTarball(
    skillFiles('memory-probe', {
      'assets/blob-1.bin': randomBytes(19 * MiB),
      'assets/blob-2.bin': randomBytes(19 * MiB),
      'scripts/run.sh': 'echo hello\n',
    }),
  );
}, 120_000);
afterAll(() => cleanup?.());

function status(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((entry) => entry.startsWith(`${field}:`));
  return Number(/(\d+)/.exec(line ?? '')?.[1] ?? Number.NaN) * 1024;
}

function scan(token?: string): Promise<Response> {
  const form = new FormData();
  form.append('file', new Blob([tarball], { type: 'application/gzip' }), 'probe.tgz');
  return fetch(`${server.url}/api/v1/scan`, {
    method: 'POST',
    body: form,
    headers: token ? { Authorization: `Bearer ${token}` } : {},
  });
}

describe('memory under concurrent large uploads', () => {
  it('keeps peak RSS ≤ 600 MiB and returns within 100 MiB of where it started', async (ctx) => {
    const pid = server.child.pid as number;
    if (!existsSync(`/proc/${pid}/clear_refs`)) {
      console.warn('SKIPPED: needs Linux /proc to read the server process memory');
      ctx.skip();
    }
    expect(tarball.length).toBeGreaterThan(38 * 1000 * 1000);
    // Warm up (workers started, code paths compiled) with the admin token, so the anonymous budget stays whole.
    expect((await scan(token)).status).toBe(200);
    const before = status(pid, 'VmRSS');
    writeFileSync(`/proc/${pid}/clear_refs`, '5'); // resets VmHWM to the current RSS

    const responses = await Promise.all(Array.from({ length: 10 }, () => scan()));
    const statuses = responses.map((res) => res.status);
    const bodies = (await Promise.all(responses.map((res) => res.json()))) as Record<string, unknown>[];
    const peak = status(pid, 'VmHWM');
    // Give the server a moment to settle (free buffers, let workers idle), then read where it stays.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    // V8 returns freed pages when it next collects, which may be a few seconds later on a busy machine: read
    // the lowest RSS over at most 15 s more (a leak stays high however long we look; the defect kept 1.9 GiB).
    let after = status(pid, 'VmRSS');
    for (let i = 0; i < 30 && after - before > 100 * MiB; i++) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      after = Math.min(after, status(pid, 'VmRSS'));
    }

    console.log(
      `upload-memory: tarball ${(tarball.length / MiB).toFixed(1)} MiB x10, statuses ${statuses.join(',')}, ` +
        `RSS before ${(before / MiB).toFixed(0)} MiB, peak ${(peak / MiB).toFixed(0)} MiB, after ${(after / MiB).toFixed(0)} MiB`,
    );
    for (const [index, code] of statuses.entries()) {
      // A full scan queue is a documented 503 in Tank's envelope; everything else must be scanned.
      if (code === 503) expect(bodies[index]).toMatchObject({ error: 'SERVICE_UNAVAILABLE' });
      else {
        expect(code).toBe(200);
        expect(bodies[index]).toHaveProperty('verdict');
      }
    }
    expect(statuses.filter((code) => code === 200).length).toBeGreaterThanOrEqual(5);
    expect(peak).toBeLessThanOrEqual(600 * MiB);
    expect(after - before).toBeLessThanOrEqual(100 * MiB);
  }, 300_000);
});
