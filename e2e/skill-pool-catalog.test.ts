/**
 * skill-pool's catalog commands against a spawned server, replaying what the real skill-pool CLI sends
 * (`olafkfreund/skill_pool` cli/src/client.rs and cli/src/cmd/*.rs, as recovered in
 * shared/reference/skill-pool-wire.md §7.2): `publish DIR --version V`, `search`, `add SLUG`, and `ensure`
 * (deps, latest for a `*` pin, the bundle following any redirect, extraction as a gzip tar, the usage event).
 * Assertions are on the fields the CLI reads and requires, not on our own route shapes.
 */

import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { extract } from 'tar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir } from '../test-support/db.js';
import { makeTarball } from '../test-support/tarball.js';
import { type AdminServer, startAdminServer } from './spawn.js';

let admin: AdminServer;
let base: string;

/** What the CLI puts on every request (§7.1); the token only when one is configured. */
function headers(token: string | undefined, extra: Record<string, string> = {}): Record<string, string> {
  return {
    'x-skill-pool-tenant': 'default',
    'user-agent': 'skill-pool/0.4.0',
    ...(token ? { authorization: `Bearer ${token}` } : {}),
    ...extra,
  };
}

async function get(path: string, token?: string) {
  const res = await fetch(`${base}${path}`, { headers: headers(token) });
  return {
    status: res.status,
    body: Buffer.from(await res.arrayBuffer()),
    type: res.headers.get('content-type'),
  };
}

function skillMd(name: string, description: string, extra = ''): string {
  return `---\nname: ${name}\ndescription: ${description}\ntags: [rust, web]\n${extra}---\n\n# ${name}\n\nUse it.\n`;
}

/** `skill-pool publish DIR --version V`: multipart metadata + bundle "<slug>.tar.gz" (§7.2). */
async function publish(slug: string, version: string, skill: string) {
  const form = new FormData();
  form.append('metadata', JSON.stringify({ slug, version, tags: ['rust', 'web'] }));
  form.append(
    'bundle',
    new Blob([new Uint8Array(await makeTarball({ 'SKILL.md': skill }))], { type: 'application/gzip' }),
    `${slug}.tar.gz`,
  );
  const res = await fetch(`${base}/v1/skills`, { method: 'POST', headers: headers(admin.token), body: form });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

beforeAll(async () => {
  admin = await startAdminServer({});
  base = admin.server.url;
}, 60_000);
afterAll(async () => {
  await admin?.close();
});

describe('skill-pool CLI catalog commands', () => {
  it('publish: answers the slug, version, status and tags the CLI reads (description required)', async () => {
    const base1 = await publish('axum-base', '1.0.0', skillMd('axum-base', 'Axum basics.'));
    expect(base1.status).toBe(201);
    const handler = await publish(
      'axum-handler',
      '1.2.0',
      skillMd('axum-handler', 'Writes axum handlers.', 'requires:\n  - axum-base@^1\n'),
    );
    expect(handler.status).toBe(201);
    expect(handler.json).toMatchObject({ slug: 'axum-handler', version: '1.2.0', status: 'published' });
    expect(handler.json.tags).toEqual(expect.arrayContaining(['rust', 'web']));
    expect(typeof handler.json.description).toBe('string');
    // The same slug@version again is refused, and the CLI prints "<op>: <status> — <body>".
    expect((await publish('axum-handler', '1.2.0', skillMd('axum-handler', 'Again.'))).status).toBe(400);
  });

  it('search: GET /v1/skills with only the given parameters, no token, rows with slug/version/description', async () => {
    const res = await get('/v1/skills?query=axum&tags=rust,web&limit=10');
    expect(res.status).toBe(200);
    const rows = JSON.parse(res.body.toString('utf8')) as Record<string, unknown>[];
    expect(rows.map((row) => row.slug)).toEqual(['axum-base', 'axum-handler']);
    for (const row of rows) {
      expect(typeof row.slug).toBe('string');
      expect(typeof row.version).toBe('string');
      expect(typeof row.description).toBe('string');
    }
  });

  it('add then ensure: latest for a * pin, deps, the bundle extracted as a gzip tar, a view event', async () => {
    // add SLUG: GET /v1/skills/{slug}?kind=skill, reads version; a missing slug is 404.
    const latest = await get('/v1/skills/axum-handler?kind=skill', admin.token);
    expect(latest.status).toBe(200);
    const skill = JSON.parse(latest.body.toString('utf8')) as Record<string, unknown>;
    expect(skill).toMatchObject({ slug: 'axum-handler', version: '1.2.0' });
    expect((await get('/v1/skills/no-such-skill?kind=skill', admin.token)).status).toBe(404);

    // ensure, plan building: GET …/deps reads [{slug, version_range?, depth?}].
    const deps = await get('/v1/skills/axum-handler/deps', admin.token);
    expect(deps.status).toBe(200);
    expect(JSON.parse(deps.body.toString('utf8'))).toEqual([
      { slug: 'axum-base', version_range: '^1', depth: 1 },
    ]);

    // ensure, per target: the bundle (fetch follows a redirect as reqwest does), extracted into the library.
    const library = makeTempDir('skill-pool-library');
    for (const slug of ['axum-base', 'axum-handler']) {
      const bundle = await get(`/v1/skills/${slug}/bundle.tar.gz?kind=skill`, admin.token);
      expect(bundle.status).toBe(200);
      expect(bundle.body.subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));
      const folder = join(library, `${slug}@latest`);
      mkdirSync(folder, { recursive: true });
      const archive = join(library, `${slug}.tar.gz`);
      await import('node:fs/promises').then((fs) => fs.writeFile(archive, bundle.body));
      await extract({ file: archive, cwd: folder });
      expect(readFileSync(join(folder, 'SKILL.md'), 'utf8')).toMatch(new RegExp(`^---\\nname: ${slug}\\n`));
    }

    // ensure, telemetry: POST /v1/usage with the CLI's "view" event and a 16-hex project hash; any 2xx.
    const projectHash = createHash('sha256').update('/home/dev/app').digest('hex').slice(0, 16);
    const usage = await fetch(`${base}/v1/usage`, {
      method: 'POST',
      headers: headers(admin.token, { 'content-type': 'application/json' }),
      body: JSON.stringify({
        skill_id: 'axum-handler',
        kind: 'skill',
        event: 'view',
        project_hash: projectHash,
      }),
    });
    expect(usage.status).toBeGreaterThanOrEqual(200);
    expect(usage.status).toBeLessThan(300);
  });
});
