/**
 * What both SSO protocols do once the IdP has vouched for someone: find the user by the IdP subject
 * (linked on an earlier sign-in), else link an existing account by a verified email, else create one;
 * make them a member with the configured default role; let mapped IdP groups set the role (the highest
 * mapped role wins, as skill-pool does); and mint a 14-day session in skill-pool's `sps_` format.
 */
import { randomBytes } from 'node:crypto';
import { AgentryError, type TenantRole, tenantRoles } from '@agentry/core';
import type { Kysely } from 'kysely';
import type { Database, User } from '../db/schema.js';
import type { SsoProtocol } from '../db/sso-schema.js';
import { recordAudit } from './audit.js';
import { createSession } from './sessions.js';
import { createUser, findTenantRole, setTenantRole, usernamePattern } from './users.js';

/** skill-pool's SSO sessions last a fixed 14 days. */
export const ssoSessionHours = 14 * 24;

export interface SsoIdentity {
  protocol: SsoProtocol;
  /** OIDC issuer or SAML IdP entity id. */
  issuer: string;
  subject: string;
  email: string;
  /** Whether the IdP asserts the email belongs to this person (needed to link an existing account). */
  emailVerified: boolean;
  displayName?: string | undefined;
  groups: string[];
}

export interface SsoSignIn {
  user: User;
  role: TenantRole;
  /** The raw `sps_…` session token (only here). */
  sessionToken: string;
  created: boolean;
}

const emailPattern = /^[^\s@]{1,64}@[^\s@]{1,255}$/;

async function freeUsername(db: Kysely<Database>, email: string): Promise<string> {
  const local = email.split('@')[0] ?? '';
  let base = local
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 30)
    .replace(/-+$/, '');
  if (!usernamePattern.test(base)) base = 'user';
  for (let attempt = 0; attempt < 8; attempt++) {
    const candidate = attempt === 0 ? base : `${base}-${randomBytes(3).toString('hex')}`;
    const taken = await db
      .selectFrom('users')
      .select('id')
      .where('username', '=', candidate)
      .executeTakeFirst();
    if (!taken) return candidate;
  }
  return `user-${randomBytes(8).toString('hex')}`;
}

function highestRole(roles: TenantRole[]): TenantRole | undefined {
  return roles.sort((a, b) => tenantRoles.indexOf(b) - tenantRoles.indexOf(a))[0];
}

export async function completeSsoSignIn(
  db: Kysely<Database>,
  input: {
    tenantId: string;
    defaultRole: TenantRole;
    identity: SsoIdentity;
    ip?: string | undefined;
    userAgent?: string | undefined;
  },
): Promise<SsoSignIn> {
  const { identity, tenantId } = input;
  const email = identity.email.trim().toLowerCase();
  if (!emailPattern.test(email)) {
    throw new AgentryError('sso_login_failed', {
      message: 'The identity provider sent no usable email address.',
    });
  }
  return db.transaction().execute(async (trx) => {
    let created = false;
    const linked = await trx
      .selectFrom('sso_identities as i')
      .innerJoin('users as u', 'u.id', 'i.user_id')
      .selectAll('u')
      .select('i.id as identity_id')
      .where('i.tenant_id', '=', tenantId)
      .where('i.protocol', '=', identity.protocol)
      .where('i.issuer', '=', identity.issuer)
      .where('i.subject', '=', identity.subject)
      .executeTakeFirst();
    let user: User;
    if (linked) {
      const { identity_id, ...rest } = linked;
      user = rest;
      await trx
        .updateTable('sso_identities')
        .set({ last_login_at: new Date() })
        .where('id', '=', identity_id)
        .execute();
    } else {
      const byEmail = await trx
        .selectFrom('users')
        .selectAll()
        .where((eb) => eb(eb.fn('lower', ['email']), '=', email))
        .executeTakeFirst();
      if (byEmail && !identity.emailVerified) {
        throw new AgentryError('sso_account_conflict', {
          message:
            'An account with this email exists, and the identity provider does not say the email is verified.',
        });
      }
      if (byEmail) user = byEmail;
      else {
        user = await createUser(trx, {
          username: await freeUsername(trx, email),
          email,
          displayName: identity.displayName?.slice(0, 100) || undefined,
        });
        created = true;
      }
      await trx
        .insertInto('sso_identities')
        .values({
          tenant_id: tenantId,
          protocol: identity.protocol,
          issuer: identity.issuer,
          subject: identity.subject,
          user_id: user.id,
        })
        .execute();
    }
    if (user.disabled_at) throw new AgentryError('forbidden', { message: 'This account is disabled.' });

    // A membership the IdP deprovisioned (SCIM active: false) stays off until the IdP turns it back on.
    const deactivated = await trx
      .selectFrom('tenant_members')
      .select('deactivated_at')
      .where('tenant_id', '=', tenantId)
      .where('user_id', '=', user.id)
      .where('deactivated_at', 'is not', null)
      .executeTakeFirst();
    if (deactivated) throw new AgentryError('forbidden', { message: 'This membership is deactivated.' });
    const current = await findTenantRole(trx, tenantId, user.id);
    let role = current ?? input.defaultRole;
    if (identity.groups.length > 0) {
      const mapped = await trx
        .selectFrom('sso_role_mappings')
        .select('role')
        .where('tenant_id', '=', tenantId)
        .where('idp_group', 'in', identity.groups.slice(0, 500))
        .execute();
      role = highestRole(mapped.map((row) => row.role)) ?? role;
    }
    if (role !== current) await setTenantRole(trx, tenantId, user.id, role);

    const sessionToken = `sps_${randomBytes(32).toString('hex')}`;
    await createSession(
      trx,
      { tenantId, userId: user.id, ttlHours: ssoSessionHours, userAgent: input.userAgent, ip: input.ip },
      sessionToken,
    );
    await recordAudit(trx, {
      tenantId,
      action: 'user.sso_login',
      actorUserId: user.id,
      targetType: 'user',
      targetId: user.id,
      data: { protocol: identity.protocol, issuer: identity.issuer, created, role },
      ip: input.ip ?? null,
    });
    return { user, role, sessionToken, created };
  });
}
