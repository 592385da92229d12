/** Helpers for the skill-pool route tests: JSON calls with a tenant header, and a second tenant. */
import type { TenantRole, TokenScope } from '@agentry/core';
import { createTestUser, type TestApp, type TestUser } from '../../../../test-support/app.js';
import { makeTarball, type TarballFiles } from '../../../../test-support/tarball.js';
import { ensureTenant } from '../../src/domain/tenants.js';

export type Json = Record<string, unknown>;

export interface Call {
  status: number;
  headers: Headers;
  body: Json & { error?: string; message?: string };
  list: Json[];
  text: string;
}

export interface CallOptions {
  token?: string | undefined;
  tenant?: string;
  body?: unknown;
  headers?: Record<string, string>;
}

export async function call(
  t: TestApp,
  method: string,
  path: string,
  options: CallOptions = {},
): Promise<Call> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.tenant) headers['x-skill-pool-tenant'] = options.tenant;
  const isForm = options.body instanceof FormData;
  if (options.body !== undefined && !isForm) headers['content-type'] = 'application/json';
  const res = await t.request(path, {
    method,
    headers,
    ...(options.body === undefined
      ? {}
      : { body: isForm ? (options.body as FormData) : JSON.stringify(options.body) }),
    redirect: 'manual',
  });
  const text = await res.text();
  let parsed: unknown = {};
  try {
    parsed = text ? JSON.parse(text) : {};
  } catch {
    parsed = {};
  }
  return {
    status: res.status,
    headers: res.headers,
    body: (Array.isArray(parsed) ? {} : parsed) as Call['body'],
    list: (Array.isArray(parsed) ? parsed : []) as Json[],
    text,
  };
}

/** A second tenant with one member, to show that nothing crosses tenants. */
export async function secondTenant(
  t: TestApp,
  slug = 'other-shop',
  options: { role?: TenantRole; scopes?: TokenScope[] } = {},
): Promise<{ tenantId: string; slug: string; user: TestUser }> {
  const tenant = await ensureTenant(t.deps.db, slug);
  const user = await createTestUser(t.deps, tenant.id, {
    role: options.role ?? 'admin',
    scopes: options.scopes ?? ['skills:read', 'skills:publish', 'tenant:admin'],
  });
  return { tenantId: tenant.id, slug, user };
}

export interface SpPublish {
  slug: string;
  version: string;
  /** Files of the bundle (default: a SKILL.md naming the slug). */
  files?: TarballFiles;
  /** Raw bundle bytes instead of files. */
  bytes?: Buffer;
  metadata?: Record<string, unknown> | string;
  token: string;
  tenant?: string;
  path?: string;
}

export function skillMdOf(slug: string, extra = '', body = 'Use it when you need it.\n'): string {
  return `---\nname: ${slug}\ndescription: ${slug} does one useful thing well.\n${extra}---\n\n# ${slug}\n\n${body}`;
}

/** A multipart publish (or validate, with `path`) the way skill-pool's CLI sends it. */
export async function spPublish(t: TestApp, input: SpPublish): Promise<Call> {
  const bytes = input.bytes ?? (await makeTarball(input.files ?? { 'SKILL.md': skillMdOf(input.slug) }));
  const form = new FormData();
  form.append(
    'bundle',
    new Blob([new Uint8Array(bytes)], { type: 'application/gzip' }),
    `${input.slug}.tar.gz`,
  );
  const metadata = input.metadata ?? { slug: input.slug, version: input.version };
  form.append('metadata', typeof metadata === 'string' ? metadata : JSON.stringify(metadata));
  return call(t, 'POST', input.path ?? '/v1/skills', {
    token: input.token,
    tenant: input.tenant,
    body: form,
  });
}
