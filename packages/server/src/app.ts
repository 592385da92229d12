/**
 * createApp wires middleware and route files over the dependencies it is handed; it opens nothing
 * itself, so tests build it over a real database and blob store of their choosing.
 */
import { AgentryError, issuesFromZod, version } from '@agentry/core';
import { OpenAPIHono } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import type { AppDeps } from './app-deps.js';
import { authenticate, rejectFailedAuth } from './http/auth.js';
import type { AppEnv } from './http/context.js';
import { respondWithError } from './http/on-error.js';
import { apiRateLimit } from './http/rate-limit.js';
import { requestContext } from './http/request-context.js';
import { securityHeaders } from './http/security-headers.js';
import { resolveTenant } from './http/tenant.js';
import { aitkArtifactRoutes } from './routes/ai-toolkit/artifacts.js';
import { aitkAuthRoutes } from './routes/ai-toolkit/auth.js';
import { aitkTeamRoutes } from './routes/ai-toolkit/teams.js';
import { aitkVersionRoutes } from './routes/ai-toolkit/versions.js';
import { ayaiayOauthRoutes } from './routes/ayaiay/oauth.js';
import { ayaiayPackRoutes } from './routes/ayaiay/packs.js';
import { ayaiayPublisherRoutes } from './routes/ayaiay/publishers.js';
import { blobRoutes } from './routes/blobs.js';
import { healthRoutes } from './routes/health.js';
import { scimPathPattern, scimRoutes } from './routes/scim/index.js';
import { skillPoolRoutes } from './routes/skill-pool/index.js';
import { tankAuthRoutes } from './routes/tank/auth.js';
import { tankBadgeRoutes } from './routes/tank/badge.js';
import { tankCliAuthRoutes } from './routes/tank/cli-auth.js';
import { tankLifecycleRoutes } from './routes/tank/lifecycle.js';
import { tankOrgRoutes } from './routes/tank/orgs.js';
import { tankPublishRoutes } from './routes/tank/publish.js';
import { tankScanRoutes } from './routes/tank/scan.js';
import { tankSearchRoutes } from './routes/tank/search.js';
import { tankSkillRoutes } from './routes/tank/skills.js';
import { tankStarRoutes } from './routes/tank/stars.js';
import { tankTarballRoutes } from './routes/tank/tarballs.js';
import { tankTokenRoutes } from './routes/tank/tokens.js';
import { wellKnownRoutes } from './routes/well-known.js';
import { accountPages } from './web/accounts.js';
import { adminPages } from './web/admin/index.js';
import { apiClientPages } from './web/api-clients.js';
import { type OpenApiDocument, renderApiDocs } from './web/api-docs.js';
import { artifactManagePages } from './web/artifact-manage.js';
import { artifactPages } from './web/artifact-pages.js';
import { appJs, faviconSvg, stylesheet } from './web/assets.js';
import { dashboardPages } from './web/dashboard-pages.js';
import { inboxPages } from './web/inbox-pages.js';
import { profilePages } from './web/profile-pages.js';
import { searchPages } from './web/search-pages.js';
import { teamPages } from './web/team-pages.js';
import { usagePages } from './web/usage-pages.js';

/** Paths served before tenant resolution: probes and public documents answer on any host name. */
const tenantFree = /^\/(?:(?:health|v1\/healthz|metrics|openapi\.json|docs\/api)$|(?:assets|_blobs)\/)/;

/**
 * Tank documents `@org/name` both percent-encoded and as two path segments. Routing sees one form:
 * `/api/v1/skills/@org/name/…` is routed as `/api/v1/skills/@org%2Fname/…`.
 */
export function routingPath(request: Request): string {
  const url = request.url;
  const start = url.indexOf('/', url.indexOf('://') + 3);
  const end = url.indexOf('?', start);
  const path = end === -1 ? url.slice(start) : url.slice(start, end);
  return path.replace(/^(\/api\/v1\/(?:skills|badge)\/)(?:@|%40)([A-Za-z0-9-]+)\/([^/]+)/, '$1@$2%2F$3');
}

export function createApp(deps: AppDeps) {
  const app = new OpenAPIHono<AppEnv>({
    getPath: routingPath,
    // Every schema failure (body, query, path) becomes the catalogue's 422 with zod-shaped issues.
    defaultHook: (result) => {
      if (!result.success) {
        throw new AgentryError('validation_error', {
          issues: issuesFromZod(result.error.issues),
        });
      }
    },
  });

  app.use(requestContext(deps.logger, deps.metrics, deps.config.trustProxy));
  app.use(securityHeaders());
  // A write answered here is followed by reads that see it: before answering, wait until this process
  // has heard the cache invalidations it caused (immediate on PGlite; one round trip on PostgreSQL).
  app.use('*', async (c, next) => {
    await next();
    if (c.req.method === 'GET' || c.req.method === 'HEAD') return;
    await deps.cacheSync().catch((error: unknown) => {
      deps.cache.clear();
      deps.logger.warn({ err: error }, 'cache invalidations not confirmed: cache cleared');
    });
  });
  const jsonBodyLimit = bodyLimit({
    maxSize: 1024 * 1024,
    onError: () => {
      throw new AgentryError('payload_too_large');
    },
  });
  // JSON API bodies are small; uploads (Tank's scan, AI Toolkit's multipart publish) have their own limits.
  const uploadPath = /^\/api\/v1\/(?:scan|artifacts\/[^/]+\/[^/]+\/versions)$/;
  // GET and HEAD carry no body; skipping them also spares the hot path building a full Request object.
  app.use('/api/*', (c, next) =>
    c.req.method === 'GET' || c.req.method === 'HEAD' || uploadPath.test(c.req.path)
      ? next()
      : jsonBodyLimit(c, next),
  );

  app.route('/', healthRoutes(deps));
  if (deps.blobs.kind === 'fs') app.route('/', blobRoutes(deps));
  app.get('/metrics', async (c) => {
    c.header('Content-Type', deps.metrics.registry.contentType);
    return c.body(await deps.metrics.registry.metrics());
  });
  app.get('/assets/app.css', (c) => {
    c.header('Content-Type', 'text/css; charset=utf-8');
    c.header('Cache-Control', 'public, max-age=3600');
    return c.body(stylesheet);
  });
  app.get('/favicon.svg', (c) => {
    c.header('Content-Type', 'image/svg+xml');
    c.header('Cache-Control', 'public, max-age=86400');
    return c.body(faviconSvg);
  });
  // Browsers ask for /favicon.ico whatever the page says; they follow a redirect to the SVG.
  app.get('/favicon.ico', (c) => c.redirect('/favicon.svg', 301));
  app.get('/assets/app.js', (c) => {
    c.header('Content-Type', 'text/javascript; charset=utf-8');
    c.header('Cache-Control', 'public, max-age=3600');
    return c.body(appJs);
  });

  const tenantMiddleware = resolveTenant(deps.tenants, deps.config.baseDomain, deps.config.defaultTenant);
  const authMiddleware = authenticate(deps.db, deps.secret);
  app.use('*', async (c, next) => {
    // SCIM authenticates with a tenant's SCIM token, which names the tenant (routes/scim).
    if (tenantFree.test(c.req.path) || scimPathPattern.test(c.req.path)) return next();
    return tenantMiddleware(c, async () => {
      await authMiddleware(c, next);
    });
  });

  app.use('/api/*', apiRateLimit(deps.limiter, deps.config));
  app.use('/oauth/*', apiRateLimit(deps.limiter, deps.config));
  const v1RateLimit = apiRateLimit(deps.limiter, deps.config);
  app.use('/v1/*', (c, next) => (scimPathPattern.test(c.req.path) ? next() : v1RateLimit(c, next)));
  app.use('/mcp', apiRateLimit(deps.limiter, deps.config));
  app.use('*', rejectFailedAuth());

  app.route('/', tankAuthRoutes());
  app.route('/', tankTokenRoutes(deps));
  app.route('/', tankOrgRoutes(deps));
  app.route('/', tankCliAuthRoutes(deps));
  app.route('/', tankPublishRoutes(deps));
  app.route('/', tankStarRoutes(deps));
  app.route('/', tankLifecycleRoutes(deps));
  app.route('/', tankSkillRoutes(deps));
  app.route('/', tankTarballRoutes(deps));
  app.route('/', tankBadgeRoutes(deps));
  app.route('/', tankScanRoutes(deps));
  app.route('/', tankSearchRoutes(deps));
  app.route('/', aitkAuthRoutes(deps));
  app.route('/', aitkArtifactRoutes(deps));
  app.route('/', aitkVersionRoutes(deps));
  app.route('/', aitkTeamRoutes(deps));
  // Publishers first: `/api/v1/packs/publishers/me` is not a pack id.
  app.route('/', ayaiayOauthRoutes(deps));
  app.route('/', ayaiayPublisherRoutes(deps));
  app.route('/', ayaiayPackRoutes(deps));
  app.route('/', wellKnownRoutes(deps));
  app.route('/', scimRoutes(deps));
  app.route('/', skillPoolRoutes(deps));
  app.route('/', accountPages(deps));
  app.route('/', apiClientPages(deps));
  app.route('/', searchPages(deps));
  app.route('/', artifactPages(deps));
  app.route('/', profilePages(deps));
  app.route('/', dashboardPages(deps));
  app.route('/', artifactManagePages(deps));
  app.route('/', inboxPages(deps));
  app.route('/', teamPages(deps));
  app.route('/', usagePages(deps));
  app.route('/', adminPages(deps));

  const openApiConfig = {
    openapi: '3.1.0',
    info: {
      title: 'Agentry API',
      version,
      description:
        'Generated from the route schemas. Errors use the envelope of the surface a path belongs to.',
    },
  };
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer' });
  app.doc31('/openapi.json', openApiConfig);
  app.get('/docs/api', (c) =>
    c.html(renderApiDocs(app.getOpenAPI31Document(openApiConfig) as unknown as OpenApiDocument)),
  );

  app.notFound((c) => respondWithError(c, new AgentryError('not_found')));
  app.onError((error, c) => respondWithError(c, error));
  return app;
}
export type App = ReturnType<typeof createApp>;
