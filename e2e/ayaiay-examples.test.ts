/**
 * The code examples of ayaiay-catalog-api.txt — cURL and JavaScript, as printed there, with only the
 * host, ids, token and repository put in — run against a spawned server.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir, testDbKind } from '../test-support/db.js';
import { type AdminServer, startAdminServer } from './spawn.js';

describe(`ayaiay's documented examples (${testDbKind()})`, () => {
  let admin: AdminServer;
  let dir: string;
  let repo: string;
  let publisherId: string;

  beforeAll(async () => {
    admin = await startAdminServer({ IMPORT_ALLOW_FILE_URLS: 'true' });
    dir = makeTempDir('ayaiay-examples');
    repo = join(dir, 'pack');
    mkdirSync(repo);
    writeFileSync(
      join(repo, 'ayaiay.yaml'),
      'name: pack\nversion: 1.0.0\ndescription: A code review pack\nagents:\n  - name: reviewer\n    description: Reviews code\n    system_prompt: You review code carefully.\n',
    );
    const git = (...args: string[]) =>
      execFileSync('git', ['-c', 'user.name=T', '-c', 'user.email=t@example.test', ...args], { cwd: repo });
    git('init', '-q');
    git('add', '-A');
    git('commit', '-qm', 'pack');
    git('tag', 'v1.0.0');
    const res = await fetch(`${admin.server.url}/api/v1/packs/publishers`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'user', display_name: 'User' }),
    });
    expect(res.status).toBe(201);
    publisherId = ((await res.json()) as { id: string }).id;
  }, 60_000);
  afterAll(async () => {
    await admin?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const fill = (text: string) =>
    text
      .replaceAll('https://ayaiay.org', admin.server.url)
      .replaceAll('YOUR_ACCESS_TOKEN', admin.token)
      .replaceAll('https://github.com/user/pack', `file://${repo}`)
      .replaceAll('pub-uuid', publisherId);

  it('runs the cURL examples', () => {
    // Import first (the document lists it last), so the search and details calls find the pack.
    const importing = spawnSync(
      'bash',
      [
        '-c',
        fill(`curl -s -X POST "https://ayaiay.org/api/v1/packs/import" \\
-H "Authorization: Bearer YOUR_ACCESS_TOKEN" \\
-H "Content-Type: application/json" \\
-d '{
"repo_url": "https://github.com/user/pack",
"publisher_id": "pub-uuid",
"git_tag": "v1.0.0"
}'`),
      ],
      { encoding: 'utf8' },
    );
    const imported = JSON.parse(importing.stdout);
    expect(imported).toMatchObject({ status: 'imported', pack_id: expect.any(String) });
    // As printed, curl itself refuses the URL (a raw space: "URL using bad/illegal format", exit 3) before
    // any request is made; with the space encoded, the example runs.
    const raw = spawnSync(
      'bash',
      ['-c', fill('curl -s "https://ayaiay.org/api/v1/packs?query=code review&limit=10"')],
      { encoding: 'utf8' },
    );
    expect(raw.status).toBe(3);
    const search = spawnSync(
      'bash',
      ['-c', fill('curl -s "https://ayaiay.org/api/v1/packs?query=code%20review&limit=10"')],
      { encoding: 'utf8' },
    );
    expect(JSON.parse(search.stdout).packs.map((p: { id: string }) => p.id)).toEqual([imported.pack_id]);
    const details = spawnSync(
      'bash',
      ['-c', fill(`curl -s "https://ayaiay.org/api/v1/packs/${imported.pack_id}"`)],
      { encoding: 'utf8' },
    );
    expect(JSON.parse(details.stdout)).toMatchObject({
      id: imported.pack_id,
      name: 'pack',
      publisher: { id: publisherId },
    });
  });

  it('runs the JavaScript example', () => {
    const script = join(dir, 'example.mjs');
    writeFileSync(
      script,
      fill(`// Search for packs
const response = await fetch(
'https://ayaiay.org/api/v1/packs?query=code review&limit=10'
);
const packs = await response.json();
// Get pack details
const packId = packs.packs[0].id;
const packResponse = await fetch(
\`https://ayaiay.org/api/v1/packs/\${packId}\`
);
const pack = await packResponse.json();
// Import pack (requires authentication)
const accessToken = 'YOUR_ACCESS_TOKEN';
const importResponse = await fetch(
'https://ayaiay.org/api/v1/packs/import',
{
method: 'POST',
headers: {
'Authorization': \`Bearer \${accessToken}\`,
'Content-Type': 'application/json'
},
body: JSON.stringify({
repo_url: 'https://github.com/user/pack',
publisher_id: 'pub-uuid',
git_tag: 'v1.0.0'
})
}
);
console.log(JSON.stringify({ packs, pack, importStatus: importResponse.status, imported: await importResponse.json() }));
`),
    );
    const run = spawnSync(process.execPath, [script], { encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    const out = JSON.parse(run.stdout);
    expect(out.packs.packs[0]).toMatchObject({ name: 'pack', display_name: 'pack' });
    expect(out.pack).toMatchObject({
      id: out.packs.packs[0].id,
      visibility: 'PUBLIC',
      published_version: '1.0.0',
    });
    // The pack at v1.0.0 was imported by the cURL example already: the documented envelope says so.
    expect(out.importStatus).toBe(409);
    expect(out.imported).toEqual({
      error: { code: 'VERSION_EXISTS', message: expect.any(String), details: {} },
    });
  });
});
