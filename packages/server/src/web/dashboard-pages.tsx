/**
 * The signed-in user's dashboard: their artifacts, API tokens (created with scopes and expiry, the raw
 * value shown once), orgs (create, members, roles, invite by username) and profile. Every form carries
 * the CSRF field; problems are shown next to the field they concern.
 */
import { AgentryError, type OrgRole, orgRoles, tokenScopes } from '@agentry/core';
import { Hono } from 'hono';
import type { Child } from 'hono/jsx';
import type { AppDeps } from '../app-deps.js';
import type { ApiToken, Org } from '../db/schema.js';
import { createApiToken, listApiTokens, revokeApiToken } from '../domain/api-tokens.js';
import { listArtifactsOf } from '../domain/catalog.js';
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
import { updateUserProfile } from '../domain/users.js';
import type { AppEnv, Principal } from '../http/context.js';
import { ArtifactList } from './components.js';
import { Layout } from './layout.js';
import { createPageKit, formatDate, formList, formText, type PageContext } from './page-kit.js';

type Errors = Record<string, string | undefined>;
const expiryChoices = [
  ['30', '30 days'],
  ['7', '7 days'],
  ['90', '90 days'],
  ['365', '1 year'],
  ['', 'Never'],
] as const;
const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function FieldError(props: { id: string; error: string | undefined }) {
  return props.error ? (
    <p class="field-error" id={`${props.id}-error`}>
      {props.error}
    </p>
  ) : null;
}

function invalid(error: string | undefined, id: string) {
  return error ? { 'aria-invalid': 'true', 'aria-describedby': `${id}-error` } : {};
}

function DashboardNav(props: { current: string }) {
  const links = [
    ['/dashboard', 'Artifacts'],
    ['/dashboard/tokens', 'Tokens'],
    ['/dashboard/orgs', 'Orgs'],
    ['/dashboard/profile', 'Profile'],
    // Curators and admins: the drafts inbox and the other team pages (a 403 page for other roles).
    ['/dashboard/drafts', 'Team'],
  ];
  return (
    <nav class="dashboard-nav" aria-label="Dashboard">
      {links.map(([href, label]) => (
        <a href={href} aria-current={props.current === href ? 'page' : undefined}>
          {label}
        </a>
      ))}
    </nav>
  );
}

export function dashboardPages(deps: AppDeps) {
  const app = new Hono<AppEnv>();
  const kit = createPageKit(deps);

  const frame = (
    c: PageContext,
    principal: Principal,
    title: string,
    current: string,
    body: Child,
    status?: 200 | 400 | 404 | 409 | 422,
  ) =>
    kit.send(
      c,
      <Layout title={title} user={{ username: principal.user.username }} csrf={kit.csrf(c)}>
        <h1>{title}</h1>
        <DashboardNav current={current} />
        {body}
      </Layout>,
      status,
    );

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

  // Tokens -------------------------------------------------------------------------------------------

  const tokensPage = async (
    c: PageContext,
    principal: Principal,
    state: {
      created?: { token: string; record: ApiToken };
      errors?: Errors;
      values?: Record<string, string>;
    },
    status?: 200 | 422,
  ) => {
    const tokens = await listApiTokens(deps.db, c.get('tenant').id, principal.user.id);
    const csrf = kit.csrf(c);
    const errors = state.errors ?? {};
    const now = Date.now();
    return frame(
      c,
      principal,
      'API tokens',
      '/dashboard/tokens',
      <>
        {state.created ? (
          <div class="notice" role="status" data-testid="new-token">
            <p>
              Token <strong>{state.created.record.name}</strong> created. Copy it now: it is not shown again.
            </p>
            <p>
              <code class="secret" data-testid="new-token-value">
                {state.created.token}
              </code>{' '}
              <button type="button" class="copy" data-copy={state.created.token} hidden>
                Copy
              </button>
            </p>
          </div>
        ) : null}
        <section aria-labelledby="tokens-heading">
          <h2 id="tokens-heading">Your tokens</h2>
          <table data-testid="tokens" class="stack-table">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Prefix</th>
                <th scope="col">Scopes</th>
                <th scope="col">Expires</th>
                <th scope="col">Last used</th>
                <th scope="col">State</th>
              </tr>
            </thead>
            <tbody>
              {tokens.map((token) => {
                const expired = token.expires_at !== null && token.expires_at.getTime() <= now;
                return (
                  <tr>
                    <td>{token.name}</td>
                    <td data-label="Prefix">
                      <code>{token.prefix}…</code>
                    </td>
                    <td data-label="Scopes">{token.scopes.join(' ')}</td>
                    <td data-label="Expires">{token.expires_at ? formatDate(token.expires_at) : 'never'}</td>
                    <td data-label="Last used">
                      {token.last_used_at ? formatDate(token.last_used_at) : 'never'}
                    </td>
                    <td data-label="State">
                      {token.revoked_at ? (
                        'revoked'
                      ) : expired ? (
                        'expired'
                      ) : (
                        <form method="post" action={`/dashboard/tokens/${token.id}/revoke`} class="inline">
                          <input type="hidden" name="csrf" value={csrf} />
                          <button type="submit" aria-label={`Revoke ${token.name}`}>
                            Revoke
                          </button>
                        </form>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          {tokens.length === 0 ? <p class="muted">No tokens yet.</p> : null}
        </section>
        <section aria-labelledby="new-token-heading" class="card">
          <h2 id="new-token-heading">New token</h2>
          <form method="post" action="/dashboard/tokens" novalidate>
            <input type="hidden" name="csrf" value={csrf} />
            <label for="token-name">Name</label>
            <input
              id="token-name"
              name="name"
              type="text"
              maxlength={100}
              required
              value={state.values?.name ?? ''}
              {...invalid(errors.name, 'token-name')}
            />
            <FieldError id="token-name" error={errors.name} />
            <fieldset {...invalid(errors.scopes, 'token-scopes')}>
              <legend>Scopes</legend>
              {tokenScopes.map((scope) => (
                <label class="check">
                  <input type="checkbox" name="scopes" value={scope} checked={scope === 'skills:read'} />{' '}
                  {scope}
                </label>
              ))}
            </fieldset>
            <FieldError id="token-scopes" error={errors.scopes} />
            <label for="token-expiry">Expires after</label>
            <select id="token-expiry" name="expires" {...invalid(errors.expires, 'token-expiry')}>
              {expiryChoices.map(([value, label]) => (
                <option value={value}>{label}</option>
              ))}
            </select>
            <FieldError id="token-expiry" error={errors.expires} />
            <button type="submit">Create token</button>
          </form>
        </section>
      </>,
      status,
    );
  };

  app.get('/dashboard/tokens', async (c) => {
    const signed = kit.signedIn(c);
    if ('redirect' in signed) return signed.redirect;
    return tokensPage(c, signed.principal, {});
  });

  app.post('/dashboard/tokens', async (c) => {
    const form = await kit.readCheckedForm(c);
    const signed = kit.signedIn(c);
    if ('redirect' in signed) return signed.redirect;
    const name = formText(form, 'name').trim();
    const scopes = formList(form, 'scopes');
    const expires = formText(form, 'expires');
    const errors: Errors = {};
    if (!name || name.length > 100) errors.name = 'Give the token a name of 1–100 characters.';
    if (scopes.length === 0 || scopes.some((s) => !(tokenScopes as readonly string[]).includes(s)))
      errors.scopes = 'Choose at least one of the listed scopes.';
    // A session acts with the user's tenant role; a token never gets more than that.
    else if (scopes.some((s) => !(signed.principal.scopes as readonly string[]).includes(s)))
      errors.scopes = 'Your role in this registry does not hold every scope you chose.';
    if (!expiryChoices.some(([value]) => value === expires))
      errors.expires = 'Choose one of the listed expiries.';
    if (Object.keys(errors).length > 0)
      return tokensPage(c, signed.principal, { errors, values: { name } }, 422);
    const created = await createApiToken(deps.db, {
      tenantId: c.get('tenant').id,
      userId: signed.principal.user.id,
      name,
      scopes,
      expiresAt: expires ? new Date(Date.now() + Number(expires) * 86_400_000) : null,
    });
    return tokensPage(c, signed.principal, { created });
  });

  app.post('/dashboard/tokens/:id/revoke', async (c) => {
    await kit.readCheckedForm(c);
    const signed = kit.signedIn(c);
    if ('redirect' in signed) return signed.redirect;
    const id = c.req.param('id');
    if (
      !uuidPattern.test(id) ||
      !(await revokeApiToken(deps.db, c.get('tenant').id, signed.principal.user.id, id))
    )
      throw new AgentryError('not_found', { message: 'No such live token.' });
    return c.redirect('/dashboard/tokens', 303);
  });

  // Orgs ---------------------------------------------------------------------------------------------

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
      const field = error.code === 'not_found' ? 'username' : 'form';
      const status = error.code === 'not_found' ? 404 : error.code === 'conflict' ? 409 : 422;
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

  // Profile ------------------------------------------------------------------------------------------

  const profilePage = (
    c: PageContext,
    principal: Principal,
    errors: Errors = {},
    saved = false,
    status?: 200 | 422,
  ) => {
    const user = principal.user;
    return frame(
      c,
      principal,
      'Profile',
      '/dashboard/profile',
      <section class="card narrow" aria-label="Profile">
        {saved ? (
          <p class="notice" role="status">
            Saved.
          </p>
        ) : null}
        <form method="post" action="/dashboard/profile" novalidate>
          <input type="hidden" name="csrf" value={kit.csrf(c)} />
          <p>
            Username <strong>{user.username}</strong>
          </p>
          <label for="display-name">Display name</label>
          <input
            id="display-name"
            name="displayName"
            type="text"
            maxlength={100}
            value={user.display_name ?? ''}
            {...invalid(errors.displayName, 'display-name')}
          />
          <FieldError id="display-name" error={errors.displayName} />
          <label for="email">Email</label>
          <input
            id="email"
            name="email"
            type="email"
            value={user.email ?? ''}
            {...invalid(errors.email, 'email')}
          />
          <FieldError id="email" error={errors.email} />
          <button type="submit">Save profile</button>
        </form>
      </section>,
      status,
    );
  };

  app.get('/dashboard/profile', (c) => {
    const signed = kit.signedIn(c);
    if ('redirect' in signed) return signed.redirect;
    return profilePage(c, signed.principal);
  });

  app.post('/dashboard/profile', async (c) => {
    const form = await kit.readCheckedForm(c);
    const signed = kit.signedIn(c);
    if ('redirect' in signed) return signed.redirect;
    const change = { displayName: formText(form, 'displayName'), email: formText(form, 'email') };
    const problems = await updateUserProfile(deps.db, signed.principal.user.id, change);
    const user = {
      ...signed.principal.user,
      display_name: change.displayName.trim() || null,
      email: change.email.trim() || null,
    };
    // Either way the form shows what was sent, so a rejected value can be corrected in place.
    if (Object.keys(problems).length > 0)
      return profilePage(c, { ...signed.principal, user }, problems, false, 422);
    return profilePage(c, { ...signed.principal, user }, {}, true);
  });
  return app;
}
