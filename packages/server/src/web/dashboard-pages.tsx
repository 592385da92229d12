/**
 * The signed-in user's dashboard: their artifacts, API tokens (created with scopes and expiry, the raw
 * value shown once), orgs (create, members, roles, invite by username) and profile. Every form carries
 * the CSRF field; problems are shown next to the field they concern.
 */
import { Hono } from 'hono';
import type { AppDeps } from '../app-deps.js';
import type { Org } from '../db/schema.js';
import { listArtifactsOf } from '../domain/catalog.js';
import { findOrg, listOrgsOfUser } from '../domain/orgs.js';
import type { AppEnv } from '../http/context.js';
import { ArtifactList } from './components.js';
import { dashboardFrame } from './dashboard-kit.js';
import { dashboardOrgPages } from './dashboard-orgs.js';
import { dashboardProfilePages } from './dashboard-profile.js';
import { dashboardTokenPages } from './dashboard-tokens.js';
import { createPageKit } from './page-kit.js';

export function dashboardPages(deps: AppDeps) {
  const app = new Hono<AppEnv>();
  const kit = createPageKit(deps);
  const frame = dashboardFrame(kit);

  app.get('/dashboard', async (c) => {
    const signed = kit.signedIn(c);
    if ('redirect' in signed) return signed.redirect;
    const { user } = signed.principal;
    const tenantId = c.get('tenant').id;
    const orgs = await listOrgsOfUser(deps.db, tenantId, user.id);
    const orgRows = await Promise.all(orgs.map((org) => findOrg(deps.db, tenantId, org.slug)));
    const owners = [
      { userId: user.id },
      ...orgRows.filter((org): org is Org => org !== undefined).map((org) => ({ orgId: org.id })),
    ];
    const artifacts = await listArtifactsOf(deps.db, tenantId, owners, { publicOnly: false, limit: 200 });
    return frame(
      c,
      signed.principal,
      'Dashboard',
      '/dashboard',
      <section aria-labelledby="my-artifacts">
        <h2 id="my-artifacts">My artifacts</h2>
        <p class="muted">
          Yours and your orgs', in every visibility. Publish with{' '}
          <code>agentry publish{kit.registryFlag(c)}</code>.
        </p>
        <ArtifactList hits={artifacts} empty="You have not published anything yet." manage />
      </section>,
    );
  });

  app.route('/', dashboardTokenPages(deps));
  app.route('/', dashboardOrgPages(deps));
  app.route('/', dashboardProfilePages(deps));
  return app;
}
