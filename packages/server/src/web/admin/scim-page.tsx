/**
 * Admin area: SCIM. The base URL to give the identity provider, the tenant's SCIM tokens (create shows
 * the raw token once; revoke), and the provisioned groups with the tenant role each maps to.
 */
import { AgentryError, tenantRoles } from '@agentry/core';
import { Hono } from 'hono';
import type { AppDeps } from '../../app-deps.js';
import { listScimGroupRows, setScimGroupRole } from '../../domain/scim.js';
import { createScimToken, listScimTokens, revokeScimToken } from '../../domain/scim-tokens.js';
import type { AppEnv } from '../../http/context.js';
import { formatDate, formText } from '../page-kit.js';
import { type AdminFrame, type AdminKit, AdminNotice, type AdminStatus } from './frame.js';

const href = '/admin/scim';

export function scimAdminPage(deps: AppDeps, admin: AdminKit) {
  const app = new Hono<AppEnv>();

  const render = async (
    frame: AdminFrame,
    baseUrl: string,
    state: { notice?: string; error?: string; token?: string } = {},
    status: AdminStatus = 200,
  ) => {
    const [tokens, groups] = await Promise.all([
      listScimTokens(deps.db, frame.tenant.id),
      listScimGroupRows(deps.db, frame.tenant.id),
    ]);
    return frame.page(
      'SCIM provisioning',
      href,
      <>
        <AdminNotice text={state.notice} />
        <AdminNotice text={state.error} error />
        {state.token ? (
          <section aria-labelledby="new-token-heading" class="card">
            <h2 id="new-token-heading">New SCIM token</h2>
            <p>Copy it into your identity provider now: it is not shown again.</p>
            <code class="secret-once" data-testid="scim-token">
              {state.token}
            </code>
          </section>
        ) : null}
        <section aria-labelledby="scim-base-heading">
          <h2 id="scim-base-heading">Connect your identity provider</h2>
          <dl class="facts">
            <dt>SCIM base URL (Okta: "SCIM connector base URL"; Entra ID: "Tenant URL")</dt>
            <dd>
              <code data-testid="scim-base-url">{baseUrl}</code>
            </dd>
            <dt>Authentication</dt>
            <dd>HTTP header / bearer token: a SCIM token from below</dd>
            <dt>Unique identifier</dt>
            <dd>
              <code>userName</code> (the email address)
            </dd>
          </dl>
        </section>
        <section aria-labelledby="scim-tokens-heading">
          <h2 id="scim-tokens-heading">Tokens</h2>
          {tokens.length === 0 ? (
            <p class="muted">No SCIM tokens yet.</p>
          ) : (
            <table class="stack-table" data-testid="scim-tokens">
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Starts with</th>
                  <th scope="col">Created</th>
                  <th scope="col">Last used</th>
                  <th scope="col">State</th>
                </tr>
              </thead>
              <tbody>
                {tokens.map((token) => (
                  <tr>
                    <td data-label="Name">{token.name}</td>
                    <td data-label="Starts with">
                      <code>{token.prefix}…</code>
                    </td>
                    <td data-label="Created">{formatDate(token.created_at)}</td>
                    <td data-label="Last used">{formatDate(token.last_used_at)}</td>
                    <td data-label="State">
                      {token.revoked_at ? (
                        `revoked ${formatDate(token.revoked_at)}`
                      ) : (
                        <form method="post" action={`${href}/tokens/${token.id}/revoke`} class="row-form">
                          <input type="hidden" name="csrf" value={frame.csrf} />
                          <button type="submit" class="danger">
                            Revoke<span class="visually-hidden"> token {token.name}</span>
                          </button>
                        </form>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <form method="post" action={`${href}/tokens`} class="card">
            <input type="hidden" name="csrf" value={frame.csrf} />
            <label for="scim-token-name">Token name</label>
            <input id="scim-token-name" name="name" type="text" value="okta" maxlength={100} />
            <button type="submit">Create SCIM token</button>
          </form>
        </section>
        <section aria-labelledby="scim-groups-heading">
          <h2 id="scim-groups-heading">Groups and roles</h2>
          <p class="muted">
            A member's role is the highest role of the mapped groups they are in (viewer when none). A new
            group's name sets its role: "…Admins" → admin, "…Curators", "…Publishers", "…Viewers".
          </p>
          {groups.length === 0 ? (
            <p class="muted">No groups pushed yet.</p>
          ) : (
            <table class="stack-table" data-testid="scim-groups">
              <thead>
                <tr>
                  <th scope="col">Group</th>
                  <th scope="col">Members</th>
                  <th scope="col">Role</th>
                </tr>
              </thead>
              <tbody>
                {groups.map((group) => (
                  <tr>
                    <td data-label="Group">{group.display_name}</td>
                    <td data-label="Members">{Number(group.members)}</td>
                    <td data-label="Role">
                      <form method="post" action={`${href}/groups/${group.id}/role`} class="row-form">
                        <input type="hidden" name="csrf" value={frame.csrf} />
                        <label class="visually-hidden" for={`group-role-${group.id}`}>
                          Role of group {group.display_name}
                        </label>
                        <select id={`group-role-${group.id}`} name="role">
                          <option value="none" selected={group.role === null}>
                            none
                          </option>
                          {tenantRoles.map((role) => (
                            <option value={role} selected={group.role === role}>
                              {role}
                            </option>
                          ))}
                        </select>
                        <button type="submit" class="secondary">
                          Save<span class="visually-hidden"> role of group {group.display_name}</span>
                        </button>
                      </form>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      </>,
      status,
    );
  };

  const baseUrlOf = (c: { req: { header(name: string): string | undefined } }) => {
    const url = new URL(deps.config.publicUrl);
    const host = c.req.header('host');
    if (host) url.host = host;
    return `${url.origin}/v1/scim/v2`;
  };

  app.get(href, async (c) => {
    const frame = await admin.admin(c);
    if (frame instanceof Response) return frame;
    return render(frame, baseUrlOf(c));
  });

  app.post(`${href}/tokens`, async (c) => {
    const frame = await admin.admin(c);
    if (frame instanceof Response) return frame;
    const form = await admin.kit.readCheckedForm(c);
    const { token } = await createScimToken(deps.db, {
      tenantId: frame.tenant.id,
      name: formText(form, 'name'),
      createdBy: frame.principal.user.id,
    });
    return render(frame, baseUrlOf(c), { token, notice: 'SCIM token created.' });
  });

  app.post(`${href}/tokens/:id/revoke`, async (c) => {
    const frame = await admin.admin(c);
    if (frame instanceof Response) return frame;
    await admin.kit.readCheckedForm(c);
    const revoked = await revokeScimToken(deps.db, {
      tenantId: frame.tenant.id,
      id: c.req.param('id'),
      actorUserId: frame.principal.user.id,
    });
    return revoked
      ? render(frame, baseUrlOf(c), { notice: 'Token revoked: it no longer authenticates.' })
      : render(frame, baseUrlOf(c), { error: 'No such live token.' }, 404);
  });

  app.post(`${href}/groups/:id/role`, async (c) => {
    const frame = await admin.admin(c);
    if (frame instanceof Response) return frame;
    const form = await admin.kit.readCheckedForm(c);
    try {
      await setScimGroupRole(deps.db, {
        tenantId: frame.tenant.id,
        groupId: c.req.param('id'),
        role: formText(form, 'role'),
        actorUserId: frame.principal.user.id,
      });
    } catch (error) {
      if (!(error instanceof AgentryError) || error.status >= 500) throw error;
      return render(frame, baseUrlOf(c), { error: error.message }, error.status as AdminStatus);
    }
    return render(frame, baseUrlOf(c), { notice: "Group role saved; its members' roles follow." });
  });

  return app;
}
