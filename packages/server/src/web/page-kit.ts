/**
 * What every server-rendered page handler needs: who is looking, the CSRF field for its forms, reading
 * a posted form (CSRF checked first), and sending a finished page. Pages call domain modules directly.
 */
import { AgentryError, defaultRegistryUrl } from '@agentry/core';
import type { Context } from 'hono';
import type { AppDeps } from '../app-deps.js';
import type { AppEnv, Principal } from '../http/context.js';
import { issueCsrfField, verifyCsrfField } from '../http/csrf.js';
import { tenantSlugFromHost } from '../http/tenant.js';
import type { PageUser } from './layout.js';

export type PageContext = Context<AppEnv>;

/** The posted form. A body that does not parse (say, multipart without its boundary) is a 400, not a 500. */
export async function readForm(c: PageContext) {
  try {
    return await c.req.parseBody({ all: true });
  } catch {
    throw new AgentryError('bad_request', { message: 'The form could not be read.' });
  }
}

/** One value of a posted field as text ('' when missing); repeated fields give their first value. */
export function formText(form: Record<string, unknown>, name: string): string {
  const value = form[name];
  const first = Array.isArray(value) ? value[0] : value;
  return typeof first === 'string' ? first : '';
}

/** Every value of a repeated field (checkboxes), as text. */
export function formList(form: Record<string, unknown>, name: string): string[] {
  const value = form[name];
  const list = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return list.filter((item): item is string => typeof item === 'string');
}

export function createPageKit(deps: AppDeps) {
  const secure = deps.config.publicUrl.startsWith('https:');
  return {
    user(c: PageContext): PageUser | undefined {
      const principal = c.get('principal');
      return principal ? { username: principal.user.username } : undefined;
    },
    csrf: (c: PageContext) => issueCsrfField(c, deps.secret, secure),
    /** The posted form after its CSRF field checked out; a missing or wrong field is a 403. */
    async readCheckedForm(c: PageContext) {
      const form = await readForm(c);
      verifyCsrfField(c, deps.secret, formText(form, 'csrf'));
      return form;
    },
    /** The signed-in user, or a redirect to log-in that comes back here. */
    signedIn(c: PageContext): { principal: Principal } | { redirect: Response } {
      const principal = c.get('principal');
      if (principal) return { principal };
      const next = c.req.method === 'GET' ? c.req.path : '/dashboard';
      return { redirect: c.redirect(`/login?next=${encodeURIComponent(next)}`, 303) };
    },
    /**
     * ` --registry <this server>` for the CLI commands a page shows, or '' when this server is the CLI's
     * default; a tenant reached by its subdomain names that subdomain.
     */
    registryFlag(c: PageContext): string {
      const url = new URL(deps.config.publicUrl);
      const host = c.req.header('host');
      if (host && tenantSlugFromHost(host, deps.config.baseDomain)) url.host = host;
      const registry = url.href.replace(/\/+$/, '');
      return registry === defaultRegistryUrl ? '' : ` --registry ${registry}`;
    },
    send(c: PageContext, page: unknown, status: 200 | 400 | 403 | 404 | 409 | 422 = 200) {
      c.header('Cache-Control', 'no-store');
      return c.html(`<!doctype html>${page}`, status);
    },
  };
}
export type PageKit = ReturnType<typeof createPageKit>;

/** The page URL of an artifact: `@org/name` keeps its two segments, each part encoded. */
export function artifactPath(name: string, ...rest: string[]): string {
  const parts = name.split('/').map((part) => encodeURIComponent(part).replace(/^%40/, '@'));
  return ['/artifacts', ...parts, ...rest.map((part) => encodeURIComponent(part))].join('/');
}

/** The dashboard page where those who may change an artifact yank, deprecate and set its visibility. */
export function managePath(name: string): string {
  return artifactPath(name).replace(/^\/artifacts\//, '/dashboard/artifacts/');
}

/** A file path inside an artifact URL: its slashes stay, each segment is encoded. */
export function filePathSegments(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/');
}

export function formatCount(value: number): string {
  if (value >= 1_000_000) return `${(value / 1_000_000).toFixed(1).replace(/\.0$/, '')}M`;
  if (value >= 10_000) return `${Math.round(value / 1000)}k`;
  return value.toLocaleString('en-US');
}

export function formatDate(value: Date | null | undefined): string {
  return value ? value.toISOString().slice(0, 10) : '—';
}
