/**
 * Admin area: members and roles. Lists the tenant's members (role, SCIM provisioning, active or
 * deactivated), changes a role, removes a member (their tokens and sessions here end at once), and adds
 * an existing account by username or email. The last active admin can be neither demoted nor removed.
 */
import { AgentryError, tenantRoles } from '@agentry/core';
import { Hono } from 'hono';
import type { AppDeps } from '../../app-deps.js';
import {
  addTenantMember,
  changeMemberRole,
  listTenantMembers,
  removeTenantMember,
} from '../../domain/tenant-members.js';
import type { AppEnv } from '../../http/context.js';
import { formatDate, formText } from '../page-kit.js';
import { type AdminFrame, type AdminKit, AdminNotice, type AdminStatus } from './frame.js';

const href = '/admin/members';

export function membersAdminPage(deps: AppDeps, admin: AdminKit) {
  const app = new Hono<AppEnv>();

  const render = async (
    frame: AdminFrame,
    state: { notice?: string; error?: string } = {},
    status: AdminStatus = 200,
  ) => {
    const members = await listTenantMembers(deps.db, frame.tenant.id);
    return frame.page(
      'Members & roles',
      href,
      <>
        <AdminNotice text={state.notice} />
        <AdminNotice text={state.error} error />
        <section aria-labelledby="members-heading">
          <h2 id="members-heading">Members ({members.length})</h2>
          <table class="stack-table" data-testid="tenant-members">
            <thead>
              <tr>
                <th scope="col">Member</th>
                <th scope="col">Email</th>
                <th scope="col">Status</th>
                <th scope="col">Role</th>
                <th scope="col">
                  <span class="visually-hidden">Remove</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {members.map((member) => (
                <tr data-member={member.username}>
                  <td data-label="Member">
                    <a href={`/users/${member.username}`}>{member.username}</a>
                    {member.displayName ? <span class="muted"> ({member.displayName})</span> : null}
                  </td>
                  <td data-label="Email">{member.email ?? '—'}</td>
                  <td data-label="Status">
                    {member.active ? 'active' : 'deactivated'}
                    {member.scim ? ' · SCIM' : ''}
                    <span class="muted"> · since {formatDate(member.joinedAt)}</span>
                  </td>
                  <td data-label="Role">
                    <form method="post" action={`${href}/${member.userId}/role`} class="row-form">
                      <input type="hidden" name="csrf" value={frame.csrf} />
                      <label class="visually-hidden" for={`role-${member.userId}`}>
                        Role of {member.username}
                      </label>
                      <select id={`role-${member.userId}`} name="role">
                        {tenantRoles.map((role) => (
                          <option value={role} selected={role === member.role}>
                            {role}
                          </option>
                        ))}
                      </select>
                      <button type="submit" class="secondary">
                        Save<span class="visually-hidden"> role of {member.username}</span>
                      </button>
                    </form>
                  </td>
                  <td data-label="Remove">
                    <form method="post" action={`${href}/${member.userId}/remove`} class="row-form">
                      <input type="hidden" name="csrf" value={frame.csrf} />
                      <button type="submit" class="danger">
                        Remove<span class="visually-hidden"> {member.username}</span>
                      </button>
                    </form>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <p class="muted">
            Members provisioned over SCIM take their role from their groups' mapping (see SCIM); a change here
            holds until the identity provider next changes their groups.
          </p>
        </section>
        <section aria-labelledby="add-member-heading" class="card">
          <h2 id="add-member-heading">Add a member</h2>
          <form method="post" action={href}>
            <input type="hidden" name="csrf" value={frame.csrf} />
            <label for="member-login">Username or email of an existing account</label>
            <input id="member-login" name="login" type="text" required autocomplete="off" />
            <label for="member-role">Role</label>
            <select id="member-role" name="role">
              {tenantRoles.map((role) => (
                <option value={role} selected={role === 'viewer'}>
                  {role}
                </option>
              ))}
            </select>
            <button type="submit">Add member</button>
          </form>
        </section>
      </>,
      status,
    );
  };

  /** Runs a change; a refusal (4xx) is shown on the page with its status, anything else is thrown. */
  const attempt = async (frame: AdminFrame, change: () => Promise<string>) => {
    try {
      return render(frame, { notice: await change() });
    } catch (error) {
      if (!(error instanceof AgentryError) || error.status >= 500) throw error;
      return render(frame, { error: error.message }, error.status as AdminStatus);
    }
  };

  app.get(href, async (c) => {
    const frame = await admin.admin(c);
    if (frame instanceof Response) return frame;
    return render(frame);
  });

  const actorOf = (frame: AdminFrame) => ({
    tenantId: frame.tenant.id,
    actorUserId: frame.principal.user.id,
  });

  app.post(href, async (c) => {
    const frame = await admin.admin(c);
    if (frame instanceof Response) return frame;
    const form = await admin.kit.readCheckedForm(c);
    return attempt(frame, async () => {
      const member = await addTenantMember(
        deps.db,
        actorOf(frame),
        formText(form, 'login'),
        formText(form, 'role'),
      );
      return `${member.username} is now ${member.role}.`;
    });
  });

  app.post(`${href}/:userId/role`, async (c) => {
    const frame = await admin.admin(c);
    if (frame instanceof Response) return frame;
    const form = await admin.kit.readCheckedForm(c);
    return attempt(frame, async () => {
      const member = await changeMemberRole(
        deps.db,
        actorOf(frame),
        c.req.param('userId'),
        formText(form, 'role'),
      );
      return `${member.username} is now ${member.role}.`;
    });
  });

  app.post(`${href}/:userId/remove`, async (c) => {
    const frame = await admin.admin(c);
    if (frame instanceof Response) return frame;
    await admin.kit.readCheckedForm(c);
    return attempt(frame, async () => {
      await removeTenantMember(deps.db, actorOf(frame), c.req.param('userId'));
      return 'Member removed; their tokens and sessions here have ended.';
    });
  });

  return app;
}
