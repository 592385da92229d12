/** Public pages of an org (publisher) and of a user, with their public artifacts. */
import { AgentryError } from '@agentry/core';
import { Hono } from 'hono';
import type { AppDeps } from '../app-deps.js';
import { listArtifactsOf } from '../domain/catalog.js';
import { findOrg, listOrgMembers } from '../domain/orgs.js';
import { findTenantRole, findUserByUsername } from '../domain/users.js';
import type { AppEnv } from '../http/context.js';
import { ArtifactList } from './components.js';
import { Layout } from './layout.js';
import { createPageKit, formatDate } from './page-kit.js';

const listLimit = 100;

/** Only http(s) URLs become links; anything else an org typed is shown as text. */
function safeHref(url: string | null): string | undefined {
  return url && /^https?:\/\//i.test(url) ? url : undefined;
}

export function profilePages(deps: AppDeps) {
  const app = new Hono<AppEnv>();
  const kit = createPageKit(deps);

  app.get('/orgs/:slug', async (c) => {
    const tenantId = c.get('tenant').id;
    const org = await findOrg(deps.db, tenantId, c.req.param('slug'));
    if (!org) throw new AgentryError('not_found', { message: 'No such org.' });
    const [artifacts, members] = await Promise.all([
      listArtifactsOf(deps.db, tenantId, [{ orgId: org.id }], { publicOnly: true, limit: listLimit }),
      listOrgMembers(deps.db, org.id),
    ]);
    const website = safeHref(org.website_url);
    return kit.send(
      c,
      <Layout title={org.name} user={kit.user(c)} csrf={kit.csrf(c)}>
        <header class="profile-header">
          <h1>
            {org.name} <span class="muted">@{org.slug}</span>
          </h1>
          {org.description ? <p class="lead">{org.description}</p> : null}
          <p class="muted">
            {members.length} member{members.length === 1 ? '' : 's'} · since {formatDate(org.created_at)}
            {website ? (
              <>
                {' · '}
                <a href={website} rel="nofollow ugc noopener noreferrer">
                  {website}
                </a>
              </>
            ) : null}
          </p>
        </header>
        <section aria-labelledby="org-artifacts">
          <h2 id="org-artifacts">Public artifacts</h2>
          <ArtifactList hits={artifacts} empty="No public artifacts yet." />
        </section>
      </Layout>,
    );
  });

  app.get('/users/:username', async (c) => {
    const tenantId = c.get('tenant').id;
    const user = await findUserByUsername(deps.db, c.req.param('username').toLowerCase());
    // Users are global but tenants are isolated: someone outside this tenant does not exist here.
    if (!user || user.disabled_at || !(await findTenantRole(deps.db, tenantId, user.id)))
      throw new AgentryError('not_found', { message: 'No such user.' });
    const artifacts = await listArtifactsOf(deps.db, tenantId, [{ userId: user.id }], {
      publicOnly: true,
      limit: listLimit,
    });
    return kit.send(
      c,
      <Layout title={user.username} user={kit.user(c)} csrf={kit.csrf(c)}>
        <header class="profile-header">
          <h1>
            {user.display_name ?? user.username} <span class="muted">{user.username}</span>
          </h1>
          <p class="muted">Joined {formatDate(user.created_at)}</p>
        </header>
        <section aria-labelledby="user-artifacts">
          <h2 id="user-artifacts">Public artifacts</h2>
          <ArtifactList hits={artifacts} empty="No public artifacts yet." />
        </section>
      </Layout>,
    );
  });
  return app;
}
