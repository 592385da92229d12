/**
 * Tank's real CLI (`@tankpkg/cli` 0.16.5, tankpkg/tank `packages/cli`) replayed against a spawned server:
 * each command's requests exactly as the client sends them (method, path, headers, body), asserting only
 * on what the client reads. Sources: packages/cli/src/commands/{login,whoami,publish,search,info,install,
 * audit,scan}.ts and reference/real-clients.md §1. Nothing here is shaped after our own routes.
 */
import { execFile } from 'node:child_process';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmptyTestTarget, makeTempDir, testDbKind } from '../test-support/db.js';
import { makeTarball } from '../test-support/tarball.js';
import { Browser } from './browser.js';
import { cliBin, freePort, type SpawnedServer, startServer } from './spawn.js';

const userAgent = 'tank-cli/0.16.5';

/** The fields of Tank's answers that its CLI reads (its own types, packages/cli/src/…). */
interface VersionMeta {
  integrity: string;
  downloadUrl: string;
  permissions: { network?: { outbound?: string[] }; subprocess?: boolean } & Record<string, unknown>;
  auditScore: number | null;
  auditStatus: string;
  verdict: string;
  dependencies: Record<string, string>;
  description: string;
}
interface SkillMeta {
  name: string;
  description: string;
  latestVersion: string | null;
  visibility: string;
  publisher: { displayName?: string };
  createdAt: string;
}
interface ScanFinding {
  severity: string;
  type: string;
  description: string;
  location?: string | null;
  rule?: string;
}
interface ScanAnswer {
  verdict: string;
  audit_score: number;
  auditScore: number;
  duration_ms: number;
  findings: ScanFinding[];
  stage_results: { stage: string; status: string; duration_ms: number }[];
}

/** A tank.json declaring the network use its script has (no visibility: publish defaults it to public). */
const manifest = {
  name: 'weather-tank',
  version: '1.0.0',
  description: 'Looks up the weather for a city through a public API.',
  permissions: { network: { outbound: ['api.weather.example'] }, filesystem: {}, subprocess: false },
  skills: {},
};
const readme =
  '---\nname: weather-tank\ndescription: Looks up the weather for a city.\n---\n\n# Weather\n\nAsk for the weather in a city and this skill fetches it from the public API.\n';
const files = {
  'SKILL.md': readme,
  'tank.json': `${JSON.stringify(manifest, null, 2)}\n`,
  'scripts/fetch.js':
    'export async function weather(city) {\n  const res = await fetch(`https://api.weather.example/v1?q=${city}`);\n  return res.json();\n}\n',
};

const sha512 = (bytes: Uint8Array) => `sha512-${createHash('sha512').update(bytes).digest('base64')}`;

function runAgentry(args: string[], cwd: string) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(process.execPath, [cliBin, ...args], { cwd, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
    });
  });
}

describe(`Tank CLI 0.16.5 against Agentry (${testDbKind()})`, () => {
  let server: SpawnedServer;
  let cleanup: () => Promise<void>;
  let registry: string;
  let token: string;
  let tarball: Buffer;
  const browser = () => new Browser(registry);
  const username = `tanker${randomBytes(3).toString('hex')}`;
  let user: Browser;

  beforeAll(async () => {
    const target = await createEmptyTestTarget();
    cleanup = target.cleanup;
    const port = await freePort();
    registry = `http://127.0.0.1:${port}`;
    server = await startServer({
      DATA_DIR: target.dataDir,
      DATABASE_URL: target.databaseUrl,
      AGENTRY_ADMIN_TOKEN: `agt_${randomBytes(32).toString('base64url')}`,
      PORT: String(port),
      PUBLIC_URL: registry,
    });
    user = browser();
    await user.signUp(username);
    tarball = await makeTarball(files);
  }, 60_000);

  afterAll(async () => {
    await server?.stop('SIGKILL');
    await cleanup?.();
  });

  it('tank login: start {state}, 400 while pending, then {token, user}; a used session stops the poll', async () => {
    const state = randomUUID();
    const startRes = await fetch(`${registry}/api/v1/cli-auth/start`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ state }),
    });
    expect(startRes.ok).toBe(true);
    const { authUrl, sessionCode } = (await startRes.json()) as { authUrl: string; sessionCode: string };
    expect(sessionCode.slice(0, 8)).toHaveLength(8);
    expect(authUrl.startsWith(registry)).toBe(true);

    const exchange = (body: Record<string, string>) =>
      fetch(`${registry}/api/v1/cli-auth/exchange`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });
    // Not yet approved: 400 is the CLI's only "keep polling".
    expect((await exchange({ sessionCode, state })).status).toBe(400);
    // The session code without the CLI's state is worth nothing.
    const wrongState = await exchange({ sessionCode, state: randomUUID() });
    expect(wrongState.status).not.toBe(200);

    await user.approveCliLogin(authUrl);
    const done = await exchange({ sessionCode, state });
    expect(done.ok).toBe(true);
    const body = (await done.json()) as {
      token: string;
      user: { name: string | null; email: string | null };
    };
    expect(typeof body.token).toBe('string');
    expect(body.user.name ?? body.user.email).toBe(username);
    expect(body.user.email).toBe(`${username}@example.test`);
    token = body.token;

    // A consumed session is not "pending": the CLI stops at once and prints body.error.
    const again = await exchange({ sessionCode, state });
    expect(again.ok).toBe(false);
    expect(again.status).not.toBe(400);
    expect(typeof ((await again.json()) as { error: unknown }).error).toBe('string');
  });

  it('tank whoami and publish --dry-run: GET /auth/whoami, only the status matters', async () => {
    const whoami = (bearer: string) =>
      fetch(`${registry}/api/v1/auth/whoami`, {
        method: 'GET',
        headers: { Authorization: `Bearer ${bearer}`, 'User-Agent': userAgent },
      });
    expect((await whoami(token)).status).toBe(200);
    expect((await whoami(`tank_${randomBytes(32).toString('hex')}`)).status).toBe(401);
  });

  it('tank publish: POST /skills, PUT uploadUrl with octet-stream only, confirm', async () => {
    const headers = {
      Authorization: `Bearer ${token}`,
      'Content-Type': 'application/json',
      'User-Agent': userAgent,
    };
    const step1 = await fetch(`${registry}/api/v1/skills`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ manifest, readme, files: Object.keys(files).sort() }),
    });
    expect(step1.ok).toBe(true);
    const { uploadUrl, versionId } = (await step1.json()) as { uploadUrl: string; versionId: string };
    expect(uploadUrl.startsWith('http')).toBe(true);

    const upload = await fetch(uploadUrl, {
      method: 'PUT',
      headers: { 'Content-Type': 'application/octet-stream' },
      body: new Uint8Array(tarball),
    });
    expect(upload.ok).toBe(true);

    const totalSize = Object.values(files).reduce((sum, text) => sum + Buffer.byteLength(text), 0);
    const confirm = await fetch(`${registry}/api/v1/skills/confirm`, {
      method: 'POST',
      headers,
      body: JSON.stringify({
        versionId,
        integrity: sha512(tarball),
        fileCount: Object.keys(files).length,
        tarballSize: totalSize,
        readme,
      }),
    });
    expect(confirm.ok).toBe(true);

    // Re-publishing the same version: 409 is what the CLI turns into "bump the version".
    const again = await fetch(`${registry}/api/v1/skills`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ manifest, readme, files: Object.keys(files).sort() }),
    });
    expect(again.status).toBe(409);
  });

  it('tank search: GET /search?q&limit=20 reads results[].name/latestVersion/auditScore/description', async () => {
    const res = await fetch(`${registry}/api/v1/search?q=${encodeURIComponent('weather')}&limit=20`, {
      headers: { Authorization: `Bearer ${token}`, 'User-Agent': userAgent },
    });
    expect(res.ok).toBe(true);
    const { results } = (await res.json()) as { results: Record<string, unknown>[] };
    const hit = results.find((r) => r.name === manifest.name);
    expect(hit).toMatchObject({ latestVersion: '1.0.0', description: manifest.description });
    expect(typeof hit?.auditScore).toBe('number');
    // The suggestion search after a failed install: User-Agent only.
    const suggest = await fetch(`${registry}/api/v1/search?q=weather-tank&limit=3`, {
      headers: { 'User-Agent': userAgent },
    });
    expect(((await suggest.json()) as { results: { name: string }[] }).results[0]?.name).toBe(manifest.name);
  });

  it('tank info: metadata with publisher.displayName, then the latest version', async () => {
    const enc = encodeURIComponent(manifest.name);
    const headers = { Authorization: `Bearer ${token}`, 'User-Agent': userAgent };
    const meta = (await (await fetch(`${registry}/api/v1/skills/${enc}`, { headers })).json()) as SkillMeta;
    expect(meta).toMatchObject({
      name: manifest.name,
      description: manifest.description,
      latestVersion: '1.0.0',
      visibility: 'public',
      publisher: { displayName: username },
    });
    expect(meta.createdAt.split('T')[0]).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    const version = (await (
      await fetch(`${registry}/api/v1/skills/${enc}/${meta.latestVersion}`, { headers })
    ).json()) as VersionMeta;
    expect(typeof version.auditScore).toBe('number');
    expect(version.permissions.network?.outbound).toEqual(['api.weather.example']);
    expect(version.permissions.subprocess).toBe(false);
    const missing = await fetch(`${registry}/api/v1/skills/${encodeURIComponent('@nobody/none')}`, {
      headers,
    });
    expect(missing.status).toBe(404);
  });

  it('tank install: versions, version metadata, download without headers or redirects, SHA-512', async () => {
    const enc = encodeURIComponent(manifest.name);
    const headers = { Authorization: `Bearer ${token}`, 'User-Agent': userAgent };
    const versions = (await (
      await fetch(`${registry}/api/v1/skills/${enc}/versions`, { headers })
    ).json()) as { versions: { version: string }[] };
    expect(versions.versions.map((v) => v.version)).toEqual(['1.0.0']);
    const meta = (await (
      await fetch(`${registry}/api/v1/skills/${enc}/1.0.0`, { headers })
    ).json()) as VersionMeta;
    expect(meta.integrity).toBe(sha512(tarball));
    expect(meta.dependencies).toEqual({});
    expect(meta.description).toBe(manifest.description);
    // The CLI's strict permission schema: only these four keys.
    expect(
      Object.keys(meta.permissions).every((k) => ['network', 'filesystem', 'subprocess'].includes(k)),
    ).toBe(true);
    const url = new URL(meta.downloadUrl);
    expect(['http:', 'https:']).toContain(url.protocol);
    expect(url.username).toBe('');
    const download = await fetch(meta.downloadUrl, { redirect: 'manual' });
    expect(download.status).toBe(200);
    expect(sha512(new Uint8Array(await download.arrayBuffer()))).toBe(meta.integrity);
    // Lockfile install: the same metadata call, then a default fetch.
    const unknown = await fetch(`${registry}/api/v1/skills/${enc}/9.9.9`, { headers });
    expect(unknown.status).toBe(404);
  });

  it('tank audit: version metadata with the User-Agent only; the score shows when auditStatus is completed', async () => {
    const res = await fetch(`${registry}/api/v1/skills/${encodeURIComponent(manifest.name)}/1.0.0`, {
      headers: { 'User-Agent': userAgent },
    });
    expect(res.ok).toBe(true);
    const body = (await res.json()) as VersionMeta;
    expect(body.auditStatus).toBe('completed');
    expect(typeof body.auditScore).toBe('number');
  });

  it('tank scan: multipart tarball + manifest; lower-case verdict, audit_score, findings and stage_results', async () => {
    const form = new FormData();
    form.append(
      'tarball',
      new Blob([new Uint8Array(tarball)], { type: 'application/gzip' }),
      `${manifest.name}-${manifest.version}.tgz`,
    );
    form.append('manifest', JSON.stringify(manifest));
    const res = await fetch(`${registry}/api/v1/scan`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'User-Agent': userAgent },
      body: form,
    });
    expect(res.ok).toBe(true);
    const result = (await res.json()) as ScanAnswer;
    expect(['pass', 'pass_with_notes', 'flagged', 'fail']).toContain(result.verdict);
    expect(typeof result.audit_score).toBe('number');
    expect(typeof result.duration_ms).toBe('number');
    expect(Array.isArray(result.findings)).toBe(true);
    for (const f of result.findings) {
      expect(['critical', 'high', 'medium', 'low']).toContain(f.severity);
      expect(typeof f.type).toBe('string');
      expect(typeof f.description).toBe('string');
    }
    expect(result.stage_results.length).toBeGreaterThan(0);
    for (const stage of result.stage_results) {
      expect(typeof stage.stage).toBe('string');
      expect(typeof stage.status).toBe('string');
      expect(typeof stage.duration_ms).toBe('number');
    }
    expect(result.stage_results.some((s) => s.status === 'passed')).toBe(true);

    // A finding the CLI must see in its own vocabulary: a hard-coded credential.
    const leaky = await makeTarball({
      ...files,
      'scripts/config.js': `export const key = "AKIA${'Z7QW3RTY5UOP2XKL'}";\n`,
    });
    const leakForm = new FormData();
    leakForm.append('tarball', new Blob([new Uint8Array(leaky)], { type: 'application/gzip' }), 'x.tgz');
    leakForm.append('manifest', JSON.stringify(manifest));
    const leak = (await (
      await fetch(`${registry}/api/v1/scan`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}`, 'User-Agent': userAgent },
        body: leakForm,
      })
    ).json()) as ScanAnswer;
    expect(['flagged', 'fail']).toContain(leak.verdict);
    const finding = leak.findings.find((f) => f.location?.startsWith('scripts/config.js'));
    expect(finding).toMatchObject({ severity: expect.stringMatching(/^(critical|high)$/) });
    expect(finding?.type).toBeTruthy();
  });

  it('one tarball, one verdict and score: publish, POST /scan (file or tarball, no manifest) and agentry scan', async () => {
    const published = (await (
      await fetch(`${registry}/api/v1/skills/${encodeURIComponent(manifest.name)}/1.0.0`)
    ).json()) as VersionMeta & { auditScore: number };
    const scanAs = async (field: 'file' | 'tarball') => {
      const form = new FormData();
      form.append(field, new Blob([new Uint8Array(tarball)], { type: 'application/gzip' }), 'w.tgz');
      return (await (
        await fetch(`${registry}/api/v1/scan`, { method: 'POST', body: form })
      ).json()) as ScanAnswer;
    };
    const documented = await scanAs('file');
    const client = await scanAs('tarball');
    const dir = makeTempDir('agentry-tank-scan-');
    try {
      writeFileSync(join(dir, 'w.tgz'), tarball);
      const local = await runAgentry(['scan', 'w.tgz', '--json', '--fail-on', 'none'], dir);
      expect(local.code).toBe(0);
      const localReport = (JSON.parse(local.stdout) as { report: { verdict: string; auditScore: number } })
        .report;
      const verdicts = [
        published.verdict,
        documented.verdict,
        client.verdict.toUpperCase(),
        localReport.verdict,
      ];
      const scores = [
        published.auditScore,
        documented.auditScore,
        client.audit_score,
        localReport.auditScore,
      ];
      expect(new Set(verdicts).size).toBe(1);
      expect(new Set(scores).size).toBe(1);
      // The declared network use counts as declared everywhere: nothing undeclared, full marks for it.
      expect(documented.findings.some((f) => String(f.rule).startsWith('UNDECLARED_'))).toBe(false);
      expect(documented.auditScore).toBe(10);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
