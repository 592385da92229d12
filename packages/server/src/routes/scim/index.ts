/**
 * SCIM 2.0 at `/v1/scim/v2/…` (skill-pool's document) and `/scim/v2/…` (skill-pool's real server):
 * Users, Groups, ServiceProviderConfig, ResourceTypes, Schemas. These paths skip the app's tenant and
 * session middleware: the credential is a tenant's SCIM token (admin `scim-token-create` or the admin
 * page), which names its tenant, so identity providers need send nothing but the bearer; an
 * `X-Skill-Pool-Tenant` header or BASE_DOMAIN subdomain, when present, must name that same tenant. An
 * API token holding tenant:admin (the real server's form) works too, for the tenant it resolves to.
 * Errors are SCIM Error responses (http/surfaces.ts); bodies are `application/scim+json`.
 */
import { AgentryError, hasTokenPrefix, scopeAllows } from '@agentry/core';
import { type Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { AppDeps } from '../../app-deps.js';
import { authenticateApiToken } from '../../domain/api-tokens.js';
import {
  createScimGroup,
  createScimUser,
  deleteScimGroup,
  deleteScimUser,
  getScimGroup,
  getScimUser,
  listScimGroups,
  listScimUsers,
  patchScimGroup,
  patchScimUser,
  replaceScimGroup,
  replaceScimUser,
  type ScimContext,
} from '../../domain/scim.js';
import { scimError } from '../../domain/scim-filter.js';
import { authenticateScimToken } from '../../domain/scim-tokens.js';
import type { AppEnv } from '../../http/context.js';
import { tenantSlugFromHost } from '../../http/tenant.js';
import { resourceTypes, schemas, serviceProviderConfig } from './discovery.js';

export const scimPathPattern = /^\/(?:v1\/)?scim\/v2(?:\/|$)/;
export const scimContentType = 'application/scim+json';

type Json = Record<string, unknown>;

function scimJson(c: Context<AppEnv>, body: unknown, status: 200 | 201 = 200, location?: string) {
  c.header('Content-Type', scimContentType);
  if (location) c.header('Location', location);
  return c.body(JSON.stringify(body), status);
}

/** The resource's attributes narrowed by `attributes` / `excludedAttributes` (top-level names). */
function project(
  resource: Json,
  query: { attributes?: string | undefined; excluded?: string | undefined },
): Json {
  const names = (value: string | undefined) =>
    (value ?? '')
      .split(',')
      .map((name) => name.trim().split('.')[0]?.toLowerCase() ?? '')
      .filter(Boolean);
  const include = names(query.attributes);
  const exclude = names(query.excluded);
  if (include.length === 0 && exclude.length === 0) return resource;
  const always = new Set(['id', 'schemas', 'meta']);
  return Object.fromEntries(
    Object.entries(resource).filter(([key]) => {
      const name = key.toLowerCase();
      if (always.has(name)) return true;
      if (include.length > 0) return include.includes(name);
      return !exclude.includes(name);
    }),
  );
}

function projectList(
  list: Json,
  query: { attributes?: string | undefined; excluded?: string | undefined },
): Json {
  return { ...list, Resources: (list.Resources as Json[]).map((resource) => project(resource, query)) };
}

async function readBody(c: Context<AppEnv>): Promise<Json> {
  let body: unknown;
  try {
    body = JSON.parse(await c.req.text());
  } catch {
    throw scimError('invalidSyntax', 'The body is not valid JSON.');
  }
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    throw scimError('invalidSyntax', 'The body must be a JSON object.');
  }
  return body as Json;
}

export function scimRoutes(deps: AppDeps) {
  const app = new Hono<AppEnv>();
  const tooLarge = () => {
    throw new AgentryError('payload_too_large');
  };
  // Mounted at '/' beside the other surfaces: the cap must apply to SCIM's paths only (a '*' here would
  // cap skill-pool's bundle uploads at 1 MiB too).
  const scimLimit = bodyLimit({ maxSize: 1024 * 1024, onError: tooLarge });
  app.use('*', (c, next) => (scimPathPattern.test(c.req.path) ? scimLimit(c, next) : next()));

  /** The caller's tenant and credential, or 401 (no, bad or revoked token; another or suspended tenant). */
  const authenticate = async (c: Context<AppEnv>): Promise<ScimContext> => {
    const bearer = /^Bearer\s+(\S+)\s*$/i.exec(c.req.header('authorization') ?? '')?.[1];
    if (!bearer) throw new AgentryError('unauthorized');
    const named =
      c.req.header('x-skill-pool-tenant')?.trim().toLowerCase() ||
      tenantSlugFromHost(c.req.header('host') ?? new URL(c.req.url).host, deps.config.baseDomain);
    let tenantId: string;
    let tokenId: string | null;
    if (hasTokenPrefix(bearer)) {
      // skill-pool's real server: an API token of the resolved tenant holding tenant:admin.
      const tenant = await deps.tenants.get(named || deps.config.defaultTenant);
      if (!tenant || tenant.suspended_at) throw new AgentryError('unauthorized');
      const found = await authenticateApiToken(deps.db, tenant.id, bearer);
      if (!found) throw new AgentryError('unauthorized');
      if (!scopeAllows(found.token.scopes as never, 'tenant:admin')) {
        throw new AgentryError('forbidden', {
          message: 'SCIM needs a SCIM token or the tenant:admin scope.',
        });
      }
      tenantId = tenant.id;
      tokenId = found.token.id;
    } else {
      const token = await authenticateScimToken(deps.db, bearer);
      if (!token) throw new AgentryError('unauthorized');
      const tenant = await deps.db
        .selectFrom('tenants')
        .select(['id', 'slug', 'suspended_at'])
        .where('id', '=', token.tenant_id)
        .executeTakeFirst();
      if (!tenant || tenant.suspended_at || (named && named !== tenant.slug))
        throw new AgentryError('unauthorized');
      tenantId = tenant.id;
      tokenId = token.id;
    }
    const url = new URL(c.req.url);
    const prefix = c.req.path.startsWith('/v1/') ? '/v1/scim/v2' : '/scim/v2';
    const base = `${new URL(deps.config.publicUrl).protocol}//${c.req.header('host') ?? url.host}${prefix}`;
    return { db: deps.db, tenantId, baseUrl: base, tokenId };
  };

  const listQuery = (c: Context<AppEnv>) => ({
    filter: c.req.query('filter'),
    startIndex: c.req.query('startIndex'),
    count: c.req.query('count'),
  });
  const projection = (c: Context<AppEnv>) => ({
    attributes: c.req.query('attributes'),
    excluded: c.req.query('excludedAttributes'),
  });

  for (const prefix of ['/v1/scim/v2', '/scim/v2']) {
    app.get(`${prefix}/ServiceProviderConfig`, (c) => scimJson(c, serviceProviderConfig(prefix)));
    app.get(`${prefix}/ResourceTypes`, (c) => scimJson(c, resourceTypes(prefix)));
    app.get(`${prefix}/ResourceTypes/:name`, (c) => {
      const found = (resourceTypes(prefix).Resources as Json[]).find(
        (type) => type.id === c.req.param('name'),
      );
      if (!found) throw new AgentryError('not_found');
      return scimJson(c, found);
    });
    app.get(`${prefix}/Schemas`, (c) => scimJson(c, schemas()));
    app.get(`${prefix}/Schemas/:id`, (c) => {
      const found = (schemas().Resources as Json[]).find((schema) => schema.id === c.req.param('id'));
      if (!found) throw new AgentryError('not_found');
      return scimJson(c, found);
    });

    app.get(`${prefix}/Users`, async (c) => {
      const ctx = await authenticate(c);
      return scimJson(c, projectList(await listScimUsers(ctx, listQuery(c)), projection(c)));
    });
    app.post(`${prefix}/Users`, async (c) => {
      const ctx = await authenticate(c);
      const user = await createScimUser(ctx, await readBody(c));
      return scimJson(c, user, 201, (user.meta as Json).location as string);
    });
    app.get(`${prefix}/Users/:id`, async (c) => {
      const ctx = await authenticate(c);
      return scimJson(c, project(await getScimUser(ctx, c.req.param('id')), projection(c)));
    });
    app.put(`${prefix}/Users/:id`, async (c) => {
      const ctx = await authenticate(c);
      return scimJson(c, await replaceScimUser(ctx, c.req.param('id'), await readBody(c)));
    });
    app.patch(`${prefix}/Users/:id`, async (c) => {
      const ctx = await authenticate(c);
      return scimJson(c, await patchScimUser(ctx, c.req.param('id'), await readBody(c)));
    });
    app.delete(`${prefix}/Users/:id`, async (c) => {
      const ctx = await authenticate(c);
      await deleteScimUser(ctx, c.req.param('id'));
      return c.body(null, 204);
    });

    app.get(`${prefix}/Groups`, async (c) => {
      const ctx = await authenticate(c);
      return scimJson(c, projectList(await listScimGroups(ctx, listQuery(c)), projection(c)));
    });
    app.post(`${prefix}/Groups`, async (c) => {
      const ctx = await authenticate(c);
      const group = await createScimGroup(ctx, await readBody(c));
      return scimJson(c, group, 201, (group.meta as Json).location as string);
    });
    app.get(`${prefix}/Groups/:id`, async (c) => {
      const ctx = await authenticate(c);
      return scimJson(c, project(await getScimGroup(ctx, c.req.param('id')), projection(c)));
    });
    app.put(`${prefix}/Groups/:id`, async (c) => {
      const ctx = await authenticate(c);
      return scimJson(c, await replaceScimGroup(ctx, c.req.param('id'), await readBody(c)));
    });
    app.patch(`${prefix}/Groups/:id`, async (c) => {
      const ctx = await authenticate(c);
      await patchScimGroup(ctx, c.req.param('id'), await readBody(c));
      // 200 with the group (members as they are now), unless the caller asked to leave members out.
      const group = project(await getScimGroup(ctx, c.req.param('id')), projection(c));
      return scimJson(c, group);
    });
    app.delete(`${prefix}/Groups/:id`, async (c) => {
      const ctx = await authenticate(c);
      await deleteScimGroup(ctx, c.req.param('id'));
      return c.body(null, 204);
    });
  }
  return app;
}
