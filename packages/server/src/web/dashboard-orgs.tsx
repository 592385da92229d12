/** The dashboard's orgs: create one, list yours, and (owners and admins) add members and change roles. */
import { AgentryError, type OrgRole, orgRoles } from '@agentry/core';
import { Hono } from 'hono';
import type { AppDeps } from '../app-deps.js';
import type { Org } from '../db/schema.js';
import {
  changeOrgMember,
  createOrg,
  findOrg,
  findOrgRole,
  listOrgMembers,
  listOrgsOfUser,
  type OrgMember,
  orgSlugPattern,
} from '../domain/orgs.js';
import type { AppEnv, Principal } from '../http/context.js';
import { dashboardFrame, type Errors, FieldError, invalid } from './dashboard-kit.js';
import { createPageKit, formatDate, formText, type PageContext } from './page-kit.js';

export function dashboardOrgPages(deps: AppDeps) {
  const app = new Hono<AppEnv>();
  const kit = createPageKit(deps);
  const frame = dashboardFrame(kit);

  const orgsPage = async (
    c: PageContext,
    principal: Principal,
    errors: Errors = {},
    values: Record<string, string> = {},
    status?: 200 | 409 | 422,
  ) => {
    const orgs = await listOrgsOfUser(deps.db, c.get('tenant').id, principal.user.id);
    return frame(
      c,
      principal,
      'Orgs',
      '/dashboard/orgs',
      <>
        <section aria-labelledby="orgs-heading">
          <h2 id="orgs-heading">Your orgs</h2>
          {orgs.length === 0 ? (
            <p class="muted">You are not in any org yet.</p>
          ) : (
            <ul class="org-list">
              {orgs.map((org) => (
                <li>
                  <a href={`/dashboard/orgs/${org.slug}`}>{org.name}</a>{' '}
                  <span class="muted">@{org.slug}</span> <span class="role">{org.role}</span>
                </li>
              ))}
            </ul>
          )}
        </section>
        <section aria-labelledby="new-org-heading" class="card">
          <h2 id="new-org-heading">New org</h2>
          <form method="post" action="/dashboard/orgs" novalidate>
            <input type="hidden" name="csrf" value={kit.csrf(c)} />
            <label for="org-slug">Slug (the @scope of its artifacts)</label>
            <input
              id="org-slug"
              name="slug"
              type="text"
              maxlength={39}
              required
              value={values.slug ?? ''}
              {...invalid(errors.slug, 'org-slug')}
            />
            <FieldError id="org-slug" error={errors.slug} />
            <label for="org-name">Display name</label>
            <input
              id="org-name"
              name="name"
              type="text"
              maxlength={100}
              required
              value={values.name ?? ''}
              {...invalid(errors.name, 'org-name')}
            />
            <FieldError id="org-name" error={errors.name} />
            <button type="submit">Create org</button>
          </form>
        </section>
      </>,
      status,
    );
  };

  app.get('/dashboard/orgs', async (c) => {
    const signed = kit.signedIn(c);
    if ('redirect' in signed) return signed.redirect;
    return orgsPage(c, signed.principal);
  });

  app.post('/dashboard/orgs', async (c) => {
    const form = await kit.readCheckedForm(c);
    const signed = kit.signedIn(c);
    if ('redirect' in signed) return signed.redirect;
    const slug = formText(form, 'slug').trim().toLowerCase();
    const name = formText(form, 'name').trim() || slug;
    const errors: Errors = {};
    if (!orgSlugPattern.test(slug))
      errors.slug = 'Use 1–39 lower-case letters, digits or hyphens, not starting or ending with a hyphen.';
    if (name.length > 100) errors.name = 'Use at most 100 characters.';
    if (Object.keys(errors).length > 0) return orgsPage(c, signed.principal, errors, { slug, name }, 422);
    try {
      await createOrg(deps.db, {
        tenantId: c.get('tenant').id,
        slug,
        name,
        ownerId: signed.principal.user.id,
      });
    } catch (error) {
      if (error instanceof AgentryError && error.code === 'conflict')
        return orgsPage(c, signed.principal, { slug: 'This slug is taken.' }, { slug, name }, 409);
      throw error;
    }
    return c.redirect(`/dashboard/orgs/${slug}`, 303);
  });

  const orgPage = async (
    c: PageContext,
    principal: Principal,
    org: Org,
    errors: Errors = {},
    values: Record<string, string> = {},
    status?: 200 | 404 | 409 | 422,
  ) => {
    const [members, role] = await Promise.all([
      listOrgMembers(deps.db, org.id),
      findOrgRole(deps.db, org.id, principal.user.id),
    ]);
    const manages = role === 'owner' || role === 'admin';
    // The last owner can be neither removed nor leave (the server refuses it), so no such button is offered.
    const soleOwner = (member: OrgMember) =>
      member.role === 'owner' && members.filter((m: OrgMember) => m.role === 'owner').length === 1;
    const csrf = kit.csrf(c);
    const grantable = orgRoles.filter((r) => role === 'owner' || r !== 'owner');
    return frame(
      c,
      principal,
      `${org.name}`,
      '/dashboard/orgs',
      <>
        <p>
          <a href={`/orgs/${org.slug}`}>Public page</a>
          {manages ? (
            <>
              {' · '}
              <a href={`/dashboard/publishers/${org.id}/api-clients`}>API clients for bots</a>
            </>
          ) : null}
        </p>
        {errors.form ? (
          <p class="form-error" role="alert">
            {errors.form}
          </p>
        ) : null}
        <section aria-labelledby="members-heading">
          <h2 id="members-heading">Members</h2>
          <table data-testid="members">
            <thead>
              <tr>
                <th scope="col">User</th>
                <th scope="col">Role</th>
                <th scope="col">Joined</th>
                <th scope="col">
                  <span class="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {members.map((member: OrgMember) => (
                <tr>
                  <td>
                    <a href={`/users/${member.username}`}>{member.username}</a>
                  </td>
                  <td>{member.role}</td>
                  <td>{formatDate(member.joinedAt)}</td>
                  <td>
                    {(manages || member.username === principal.user.username) && !soleOwner(member) ? (
                      <form
                        method="post"
                        action={`/dashboard/orgs/${org.slug}/members/${member.username}/remove`}
                        class="inline"
                      >
                        <input type="hidden" name="csrf" value={csrf} />
                        <button type="submit" aria-label={`Remove ${member.username}`}>
                          {member.username === principal.user.username ? 'Leave' : 'Remove'}
                        </button>
                      </form>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
        {manages ? (
          <section aria-labelledby="invite-heading" class="card">
            <h2 id="invite-heading">Add a member or change a role</h2>
            <form method="post" action={`/dashboard/orgs/${org.slug}/members`} novalidate>
              <input type="hidden" name="csrf" value={csrf} />
              <label for="member-username">Username</label>
              <input
                id="member-username"
                name="username"
                type="text"
                required
                value={values.username ?? ''}
                {...invalid(errors.username, 'member-username')}
              />
              <FieldError id="member-username" error={errors.username} />
              <label for="member-role">Role</label>
              <select id="member-role" name="role" {...invalid(errors.role, 'member-role')}>
                {grantable.map((r) => (
                  <option value={r} selected={r === (values.role ?? 'member')}>
                    {r}
                  </option>
                ))}
              </select>
              <FieldError id="member-role" error={errors.role} />
              <button type="submit">Save member</button>
            </form>
          </section>
        ) : null}
      </>,
      status,
    );
  };

  /** The org, when the signed-in user belongs to it; a 404 otherwise (non-members learn nothing). */
  const memberOrg = async (c: PageContext, principal: Principal) => {
    const org = await findOrg(deps.db, c.get('tenant').id, c.req.param('slug') ?? '');
    if (!org || !(await findOrgRole(deps.db, org.id, principal.user.id)))
      throw new AgentryError('not_found', { message: 'No such org among yours.' });
    return org;
  };

  app.get('/dashboard/orgs/:slug', async (c) => {
    const signed = kit.signedIn(c);
    if ('redirect' in signed) return signed.redirect;
    return orgPage(c, signed.principal, await memberOrg(c, signed.principal));
  });

  const applyMemberChange = async (c: PageContext, username: string, role: OrgRole | undefined) => {
    const signed = kit.signedIn(c);
    if ('redirect' in signed) return signed.redirect;
    const org = await memberOrg(c, signed.principal);
    try {
      await changeOrgMember(deps.db, {
        tenantId: c.get('tenant').id,
        org,
        actorId: signed.principal.user.id,
        username,
        role,
      });
    } catch (error) {
      if (!(error instanceof AgentryError) || error.status >= 500) throw error;
      const field = error.status === 404 ? 'username' : 'form';
      const status = error.status === 404 ? 404 : error.code === 'conflict' ? 409 : 422;
      return orgPage(
        c,
        signed.principal,
        org,
        { [field]: error.message },
        { username, role: role ?? '' },
        status,
      );
    }
    const stillMember = await findOrgRole(deps.db, org.id, signed.principal.user.id);
    return c.redirect(stillMember ? `/dashboard/orgs/${org.slug}` : '/dashboard/orgs', 303);
  };

  app.post('/dashboard/orgs/:slug/members', async (c) => {
    const form = await kit.readCheckedForm(c);
    const username = formText(form, 'username').trim().toLowerCase();
    const role = formText(form, 'role');
    if (!(orgRoles as readonly string[]).includes(role))
      throw new AgentryError('validation_error', {
        issues: [{ path: ['role'], message: 'Choose one of the listed roles.' }],
      });
    return applyMemberChange(c, username, role as OrgRole);
  });

  app.post('/dashboard/orgs/:slug/members/:username/remove', async (c) => {
    await kit.readCheckedForm(c);
    return applyMemberChange(c, c.req.param('username'), undefined);
  });
  return app;
}
