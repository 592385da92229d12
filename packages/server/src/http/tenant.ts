/**
 * Tenant resolution, as skill-pool documents it: the `X-Skill-Pool-Tenant` header, then the subdomain
 * of BASE_DOMAIN, then (on the SSO paths `/v1/auth/oidc|saml/<tenant>/…`) the path, then the default tenant. A tenant that is named but does not exist (or is suspended)
 * is an error, never a silent fall-back to the default (that would leak one tenant's requests into
 * another). On skill-pool's paths that error is 401 `unauthorized`, as its server answers, so that a
 * caller cannot tell a missing tenant from a bad token; elsewhere it is `tenant_resolution_failed`.
 */
import { AgentryError } from '@agentry/core';
import type { MiddlewareHandler } from 'hono';
import type { TenantCache } from '../domain/tenants.js';
import type { AppEnv } from './context.js';
import { surfaceOf } from './surfaces.js';

const slugPattern = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

export function tenantSlugFromHost(
  host: string | undefined,
  baseDomain: string | undefined,
): string | undefined {
  if (!host || !baseDomain) return undefined;
  const bare = (value: string) => value.toLowerCase().replace(/:\d+$/, '').replace(/\.$/, '');
  const hostname = bare(host);
  const base = bare(baseDomain);
  if (hostname === base || !hostname.endsWith(`.${base}`)) return undefined;
  return hostname.slice(0, -base.length - 1);
}

export function resolveTenant(
  tenants: TenantCache,
  baseDomain: string | undefined,
  defaultSlug: string,
): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const header = c.req.header('x-skill-pool-tenant')?.trim().toLowerCase();
    // Without a Host header (HTTP/2 carries :authority, app.request carries none) the URL still names
    // the host; ignoring it would silently answer a subdomain's request as the default tenant.
    const host = c.req.header('host') ?? new URL(c.req.url).host;
    // A browser coming back from an identity provider names its tenant only in the path
    // (/v1/auth/oidc/<tenant>/callback); the header and subdomain still win when present.
    const ssoPath = /^\/v1\/auth\/(?:oidc|saml)\/([^/]+)\//.exec(c.req.path)?.[1]?.toLowerCase();
    const slug = header || tenantSlugFromHost(host, baseDomain) || ssoPath || defaultSlug;
    const skillPool = surfaceOf(c.req.path) === 'skill-pool';
    if (!slugPattern.test(slug)) {
      if (skillPool) throw new AgentryError('unauthorized');
      throw new AgentryError('tenant_resolution_failed', {
        message: `"${slug.slice(0, 64)}" is not a tenant name.`,
      });
    }
    const tenant = await tenants.get(slug);
    if (!tenant || tenant.suspended_at) {
      if (skillPool) throw new AgentryError('unauthorized');
      throw new AgentryError('tenant_resolution_failed', { message: `Unknown tenant "${slug}".` });
    }
    c.set('tenant', tenant);
    await next();
  };
}
