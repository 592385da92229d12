/**
 * The skill-pool surface: every `/v1/…` path but the health check (`routes/health.ts`, served before
 * tenant resolution). Tenant resolution and Bearer authentication happen in app.ts's middleware like on
 * every surface; on these paths an unknown or suspended tenant is 401 (http/tenant.ts), bearer values
 * may be any API token or a web-session JWT (http/auth.ts), and errors render as `{error, message}`
 * (http/surfaces.ts). One route file per resource; add new ones to the list below.
 */
import { AgentryError } from '@agentry/core';
import { OpenAPIHono } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import type { AppDeps } from '../../app-deps.js';
import type { AppEnv } from '../../http/context.js';
import { bootstrapRoutes } from './bootstrap.js';
import { skillPoolBundleLimit } from './common.js';
import { draftSubmissionRoutes } from './draft-submissions.js';
import { draftRoutes } from './drafts.js';
import { mcpRoutes } from './mcp.js';
import { memberRoutes } from './members.js';
import { notificationRoutes } from './notifications.js';
import { profileTokenRoutes } from './profile-tokens.js';
import { projectRoutes } from './projects.js';
import { skillFileRoutes } from './skill-files.js';
import { skillPublishRoutes } from './skill-publish.js';
import { skillVersionRoutes } from './skill-versions.js';
import { skillRoutes } from './skills.js';
import { ssoAdminRoutes } from './sso-admin.js';
import { ssoAuthRoutes } from './sso-auth.js';
import { usageRoutes } from './usage.js';

/** Multipart uploads (publish, validate, drafts); every other body is small JSON. */
const uploadPath = /^\/v1\/(?:skills|skills\/validate|drafts)$/;

export function skillPoolRoutes(deps: AppDeps) {
  const app = new OpenAPIHono<AppEnv>();
  const tooLarge = () => {
    throw new AgentryError('payload_too_large');
  };
  // The outer limit is the bundle cap plus 64 KiB for the form, as skill-pool's server has it; a bundle
  // between the two gets the documented 400 from validation instead.
  const uploadLimit = bodyLimit({ maxSize: skillPoolBundleLimit(deps) + 64 * 1024, onError: tooLarge });
  const jsonLimit = bodyLimit({ maxSize: 1024 * 1024, onError: tooLarge });
  app.use('/v1/*', (c, next) => (uploadPath.test(c.req.path) ? uploadLimit(c, next) : jsonLimit(c, next)));

  app.route('/', profileTokenRoutes(deps));
  app.route('/', skillPublishRoutes(deps));
  app.route('/', skillRoutes(deps));
  app.route('/', skillFileRoutes(deps));
  app.route('/', skillVersionRoutes(deps));
  app.route('/', usageRoutes(deps));
  app.route('/', mcpRoutes(deps));
  app.route('/', draftSubmissionRoutes(deps));
  app.route('/', draftRoutes(deps));
  app.route('/', notificationRoutes(deps));
  app.route('/', projectRoutes(deps));
  app.route('/', bootstrapRoutes(deps));
  app.route('/', memberRoutes(deps));
  app.route('/', ssoAdminRoutes(deps));
  app.route('/', ssoAuthRoutes(deps));
  return app;
}
