/**
 * The tenant admin area, `/admin/…`: server-rendered pages for tenant admins, one file per section,
 * sharing the frame (admin gate, layout, navigation) of frame.tsx. To add a section: write
 * `<section>-page.tsx` exporting `(deps, admin) => Hono`, list it in `adminSections` (frame.tsx) and
 * mount it below.
 */
import { Hono } from 'hono';
import type { AppDeps } from '../../app-deps.js';
import type { AppEnv } from '../../http/context.js';
import { createAdminKit } from './frame.js';
import { membersAdminPage } from './members-page.js';
import { scimAdminPage } from './scim-page.js';

export function adminPages(deps: AppDeps) {
  const app = new Hono<AppEnv>();
  const admin = createAdminKit(deps);
  app.get('/admin', (c) => c.redirect('/admin/members', 302));
  app.route('/', membersAdminPage(deps, admin));
  app.route('/', scimAdminPage(deps, admin));
  return app;
}
