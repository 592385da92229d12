/**
 * skill-pool's inbox, projects and bootstrap against the spawned server, replaying the requests the real
 * skill-pool CLI (`olafkfreund/skill_pool` cli/src/client.rs: `capture`, `project list|show|add-plugin`,
 * `bootstrap`) and its web portal (notifications, pending-count, draft publish) send, byte for byte where
 * it matters (headers, multipart part names and file names, JSON keys). Then `agentry draft` and
 * `agentry bootstrap --yes` run as built binaries against the same server. A local receiver checks the
 * `draft.created` webhook's signature, answering 500 once so the job worker retries.
 */

import { spawnSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { readdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir } from '../test-support/db.js';
import { makeTarball } from '../test-support/tarball.js';
import { type AdminServer, cliBin, runBin, startAdminServer } from './spawn.js';

const tenant = 'default';
const secret = 'portal-webhook-secret';
let admin: AdminServer;
let base: string;
let receiver: Server;
let receiverUrl: string;
const deliveries: { body: string; signatureValid: boolean; status: number }[] = [];

/** Headers skill-pool's CLI sends on every request (client.rs `Client::new`). */
function cli(extra: Record<string, string> = {}): Record<string, string> {
  return {
    'x-skill-pool-tenant': tenant,
    authorization: `Bearer ${admin.token}`,
    'user-agent': 'skill-pool/0.4.0',
    ...extra,
  };
}

async function send(method: string, path: string, init: { body?: unknown; form?: FormData } = {}) {
  const headers = cli(init.body !== undefined ? { 'content-type': 'application/json' } : {});
  const res = await fetch(`${base}${path}`, {
    method,
    headers,
    body: init.form ?? (init.body === undefined ? undefined : JSON.stringify(init.body)),
  });
  const text = await res.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, text, json: json as Record<string, unknown> & unknown[] };
}

async function until<T>(probe: () => T | undefined, what: string): Promise<T> {
  for (let i = 0; i < 300; i++) {
    const value = probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`gave up waiting for ${what}`);
}

beforeAll(async () => {
  let calls = 0;
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const expected = `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
      calls += 1;
      const status = calls === 1 ? 500 : 200;
      deliveries.push({ body, signatureValid: req.headers['x-skill-pool-signature'] === expected, status });
      res.statusCode = status;
      res.end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/skill-pool`;
  admin = await startAdminServer({
    WEBHOOK_ALLOW_PRIVATE_HOSTS: 'true',
    JOBS_POLL_INTERVAL_MS: '100',
    JOBS_RETRY_BASE_MS: '100',
  });
  base = admin.server.url;
}, 60_000);
afterAll(async () => {
  await admin?.close();
  await new Promise<void>((resolve) => receiver.close(() => resolve()));
});

describe('skill-pool CLI and portal request sequences', () => {
  let draftId = '';

  it('portal: PUT /v1/tenant/notifications sets the webhook; GET shows it without the secret', async () => {
    const put = await send('PUT', '/v1/tenant/notifications', {
      body: { webhook_url: receiverUrl, webhook_secret: secret },
    });
    expect(put.status).toBe(200);
    expect(put.json).toEqual({ webhook_url: receiverUrl, signing_enabled: true });
    const got = await send('GET', '/v1/tenant/notifications');
    expect(got.text).not.toContain(secret);
  });

  it('skill-pool capture: POST /v1/drafts (metadata + bundle "<slug>.tar.gz") → id, slug, status', async () => {
    const bundle = await makeTarball({
      'SKILL.md':
        '---\nname: sql-style\ndescription: House style for SQL migrations and queries.\ntags: [sql]\n---\n\n# SQL style\n\nUppercase keywords.\n',
    });
    const form = new FormData();
    // CaptureMetadata: slug, origin, notes (when set), tags (always), when_to_use (when set).
    form.append(
      'metadata',
      JSON.stringify({ slug: 'sql-style', origin: 'cli', notes: 'from review', tags: ['db'] }),
    );
    form.append(
      'bundle',
      new Blob([new Uint8Array(bundle)], { type: 'application/gzip' }),
      'sql-style.tar.gz',
    );
    const created = await send('POST', '/v1/drafts', { form });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({
      slug: 'sql-style',
      status: 'pending',
      origin: 'cli',
      tags: ['sql', 'db'],
    });
    draftId = String(created.json.id);
    expect(draftId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('delivers draft.created from the job worker, signed, retrying after a 500', async () => {
    await until(() => (deliveries.length >= 2 ? true : undefined), 'two webhook deliveries');
    expect(deliveries.map((d) => d.status)).toEqual([500, 200]);
    expect(deliveries.every((d) => d.signatureValid)).toBe(true);
    expect(JSON.parse(deliveries[1]?.body ?? '{}')).toMatchObject({
      event: 'draft.created',
      tenant: { slug: tenant },
      draft: { id: draftId, slug: 'sql-style', origin: 'cli' },
    });
  });

  it('portal: pending badge, inbox, SKILL.md, then publish (reads skill_id, slug, version)', async () => {
    expect((await send('GET', '/v1/tenant/notifications/pending-count')).json).toEqual({
      pending: 1,
      count: 1,
    });
    const inbox = await send('GET', '/v1/drafts?status=pending');
    expect((inbox.json as unknown as { id: string }[]).map((d) => d.id)).toEqual([draftId]);
    const md = await send('GET', `/v1/drafts/${draftId}/skill-md`);
    expect(md.text).toContain('Uppercase keywords.');
    const published = await send('POST', `/v1/drafts/${draftId}/publish`, { body: { version: '1.0.0' } });
    expect(published.status).toBe(200);
    expect(published.json).toMatchObject({ draft_id: draftId, slug: 'sql-style', version: '1.0.0' });
    expect(typeof published.json.skill_id).toBe('string');
    const again = await send('POST', `/v1/drafts/${draftId}/publish`, { body: { version: '1.0.1' } });
    expect(again.status).toBe(400);
    expect((await send('GET', '/v1/tenant/notifications/pending-count')).json).toEqual({
      pending: 0,
      count: 0,
    });
  });

  it('skill-pool project list | show | add-plugin, then resolve and bootstrap as `skill-pool bootstrap`', async () => {
    const created = await send('POST', '/v1/tenant/projects', {
      body: { slug: 'web', name: 'Web', git_remote: 'https://github.com/acme/web' },
    });
    expect(created.status).toBe(201);
    await send('PUT', '/v1/tenant/projects/web/items', { body: [{ slug: 'sql-style', kind: 'skill' }] });
    const list = await send('GET', '/v1/tenant/projects');
    expect(list.json).toEqual([expect.objectContaining({ slug: 'web', name: 'Web', item_count: 1 })]);
    // add-plugin: GET the project, PUT its items back (skill_slug → slug) plus the plugin.
    const shown = await send('GET', '/v1/tenant/projects/web');
    const items = (shown.json.items as { skill_slug: string; kind: string }[]).map((i) => ({
      slug: i.skill_slug,
      kind: i.kind,
    }));
    expect(items).toEqual([{ slug: 'sql-style', kind: 'skill' }]);
    const put = await send('PUT', '/v1/tenant/projects/web/items', {
      body: [...items, { slug: 'toolbox', kind: 'plugin' }],
    });
    expect(put.status).toBe(204);

    // bootstrap: the raw `git config --get remote.origin.url`, then project + stack.
    const resolved = await send(
      'GET',
      `/v1/projects/resolve?remote=${encodeURIComponent('git@github.com:acme/web.git')}`,
    );
    expect(resolved.json).toEqual({ slug: 'web', name: 'Web' });
    const boot = await send('GET', '/v1/bootstrap?project=web&stack=rust,axum');
    expect(boot.status).toBe(200);
    expect(boot.json).toMatchObject({
      stack: ['rust', 'axum'],
      skills: ['sql-style'],
      project: { slug: 'web', name: 'Web' },
    });
    const stackOnly = await send('GET', '/v1/bootstrap?stack=sql');
    expect(stackOnly.json).toMatchObject({ stack: ['sql'], skills: ['sql-style'] });
    const missing = await send(
      'GET',
      `/v1/projects/resolve?remote=${encodeURIComponent('https://github.com/acme/none')}`,
    );
    expect(missing.status).toBe(404);
  });
});

describe('agentry draft and agentry bootstrap (built CLI)', () => {
  const env = () => ({
    AGENTRY_REGISTRY: base,
    AGENTRY_TOKEN: admin.token,
    AGENTRY_CONFIG_DIR: makeTempDir('cfg'),
  });

  it('agentry draft submits a folder to the inbox', async () => {
    const dir = makeTempDir('draft');
    writeFileSync(
      join(dir, 'SKILL.md'),
      '---\nname: shell-style\ndescription: Safe shell scripts.\n---\n\n# Shell\n\nQuote variables.\n',
    );
    const result = runBin(cliBin, ['draft', dir, '--note', 'please review', '--json'], env());
    expect(result.code, result.stderr).toBe(0);
    const draft = JSON.parse(result.stdout) as { id: string; slug: string; status: string };
    expect(draft).toMatchObject({ slug: 'shell-style', status: 'pending' });
    const stored = await send('GET', `/v1/drafts/${draft.id}`);
    expect(stored.json).toMatchObject({ notes: 'please review', origin: 'cli' });
  });

  it('agentry bootstrap detects the stack and remote, and installs the recommendations with --yes', async () => {
    const project = makeTempDir('boot');
    for (const args of [
      ['init', '-q'],
      ['remote', 'add', 'origin', 'git@github.com:acme/web.git'],
    ]) {
      expect(spawnSync('git', args, { cwd: project }).status).toBe(0);
    }
    writeFileSync(join(project, 'Cargo.toml'), '[dependencies]\naxum = "0.8"\n');
    // The CLI reads the project from its working folder.
    const run = spawnSync(
      process.execPath,
      [cliBin, 'bootstrap', '--yes', '--tool', 'claude-code', '--json'],
      {
        cwd: project,
        env: { PATH: process.env.PATH, HOME: makeTempDir('home'), ...env() },
        encoding: 'utf8',
        timeout: 60_000,
      },
    );
    expect(run.status, run.stderr).toBe(0);
    const answer = JSON.parse(run.stdout) as {
      stack: string[];
      project: { slug: string } | null;
      recommended: { slug: string; tier: string }[];
      accepted: string[];
    };
    expect(answer.stack).toEqual(['rust', 'axum']);
    expect(answer.project?.slug).toBe('web');
    expect(answer.recommended).toEqual([{ slug: 'sql-style', tier: 'project' }]);
    expect(answer.accepted).toEqual(['sql-style']);
    expect(readdirSync(join(project, '.claude', 'skills'))).toContain('sql-style');
  });
});
