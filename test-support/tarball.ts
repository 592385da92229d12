/**
 * Builds gzipped tarballs for tests with node-tar (real archives, the way clients make them), and runs
 * Tank's two-phase publish against an in-process app.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { computeIntegrity } from '@agentry/core';
import { create } from 'tar';
import type { TestApp } from './app.js';
import { bearer } from './app.js';

export type TarballFiles = Record<string, string | Buffer>;

export async function makeTarball(files: TarballFiles, options: { prefix?: string } = {}): Promise<Buffer> {
  const dir = mkdtempSync(join(tmpdir(), 'agentry-tgz-'));
  try {
    for (const [path, content] of Object.entries(files)) {
      const full = join(dir, path);
      mkdirSync(dirname(full), { recursive: true });
      writeFileSync(full, content);
    }
    const chunks: Buffer[] = [];
    const stream = create(
      { gzip: true, cwd: dir, portable: true, prefix: options.prefix },
      Object.keys(files).sort(),
    );
    for await (const chunk of stream) chunks.push(Buffer.from(chunk as Uint8Array));
    return Buffer.concat(chunks);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function skillFiles(name: string, extra: TarballFiles = {}): TarballFiles {
  return {
    'SKILL.md': `---\nname: ${name.replace(/^@[^/]+\//, '')}\ndescription: A test skill that does one useful thing well.\n---\n\n# ${name}\n\nUse this skill when you need a test fixture with a readable body.\n`,
    ...extra,
  };
}

export interface TestManifest {
  name: string;
  version: string;
  description?: string;
  visibility?: 'public' | 'private';
  permissions?: Record<string, unknown>;
  kind?: string;
  [key: string]: unknown;
}

export function manifestOf(input: TestManifest) {
  return { description: 'A test artifact.', visibility: 'public', permissions: {}, ...input };
}

/** The path and query of an absolute URL, for app.request. */
export function localPath(url: string): string {
  const parsed = new URL(url);
  return `${parsed.pathname}${parsed.search}`;
}

export interface PublishOutcome {
  status: number;
  body: Record<string, unknown>;
  skillId?: string;
  versionId?: string;
}

/** initiate → PUT → confirm; stops at the first non-2xx and reports it. */
export async function publishVersion(
  t: TestApp,
  token: string,
  manifest: TestManifest,
  files: TarballFiles = skillFiles(manifest.name),
  options: { headers?: Record<string, string>; integrity?: string } = {},
): Promise<PublishOutcome> {
  const headers = { ...bearer(token), 'content-type': 'application/json', ...options.headers };
  const init = await t.request('/api/v1/skills', {
    method: 'POST',
    headers,
    body: JSON.stringify({ manifest: manifestOf(manifest) }),
  });
  const initBody = (await init.json()) as Record<string, unknown>;
  if (init.status !== 201) return { status: init.status, body: initBody };
  const tarball = await makeTarball(files);
  const put = await t.request(localPath(String(initBody.uploadUrl)), {
    method: 'PUT',
    headers: { 'content-type': 'application/gzip' },
    body: new Uint8Array(tarball),
  });
  if (put.status !== 200) return { status: put.status, body: (await put.json()) as Record<string, unknown> };
  const skillId = String(initBody.skillId);
  const versionId = String(initBody.versionId);
  const confirm = await t.request('/api/v1/skills/confirm', {
    method: 'POST',
    headers,
    body: JSON.stringify({ skillId, versionId, integrity: options.integrity ?? computeIntegrity(tarball) }),
  });
  return {
    status: confirm.status,
    body: (await confirm.json()) as Record<string, unknown>,
    skillId,
    versionId,
  };
}
