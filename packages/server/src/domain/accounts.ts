/** Local accounts: sign-up and log-in against one tenant, with failed attempts rate limited. */
import { AgentryError } from '@agentry/core';
import type { Kysely } from 'kysely';
import type { Database, User } from '../db/schema.js';
import type { RateLimiter, RateWindow } from '../rate-limits.js';
import { recordAudit } from './audit.js';
import { burnPasswordCheck, verifyPassword } from './passwords.js';
import { passwordSignInRefused } from './sso-config.js';
import { createUser, findTenantRole, findUserByLogin, type NewUser, setTenantRole } from './users.js';

export async function signUp(
  db: Kysely<Database>,
  tenantId: string,
  input: NewUser,
  ip?: string,
): Promise<User> {
  const user = await db.transaction().execute(async (trx) => {
    const created = await createUser(trx, input);
    await setTenantRole(trx, tenantId, created.id, 'publisher');
    await recordAudit(trx, {
      tenantId,
      action: 'user.signup',
      actorUserId: created.id,
      targetType: 'user',
      targetId: created.id,
      ip: ip ?? null,
    });
    return created;
  });
  return user;
}

export interface LogInDeps {
  db: Kysely<Database>;
  limiter: RateLimiter;
  /** Failed attempts allowed per account and per address in 15 minutes. */
  failuresAllowed: number;
}

const windowOf = (name: string, limit: number): RateWindow => ({ name, limit, windowSeconds: 15 * 60 });

/**
 * Checks a username-or-email and password. Only failures count against the limits, and a success
 * clears the account's counter; an unknown account costs the same time as a wrong password.
 */
export async function logIn(
  deps: LogInDeps,
  tenantId: string,
  login: string,
  password: string,
  ip: string,
): Promise<User> {
  const accountWindow = windowOf('login-account', deps.failuresAllowed);
  const ipWindow = windowOf('login-ip', deps.failuresAllowed);
  const accountKey = `${tenantId}:${login.trim().toLowerCase()}`;
  for (const [window, key] of [
    [accountWindow, accountKey],
    [ipWindow, ip],
  ] as const) {
    const state = await deps.limiter.peek(window, key);
    if (!state.allowed) {
      throw new AgentryError('rate_limited', {
        message: 'Too many failed log-in attempts. Try again later.',
        headers: { 'Retry-After': String(state.resetSeconds) },
      });
    }
  }
  if (await passwordSignInRefused(deps.db, tenantId)) throw new AgentryError('sso_required');
  const user = await findUserByLogin(deps.db, login);
  const ok =
    user?.password_hash && !user.disabled_at
      ? (await verifyPassword(password, user.password_hash)) &&
        (await findTenantRole(deps.db, tenantId, user.id)) !== undefined
      : await burnPasswordCheck(password);
  if (!ok || !user) {
    await deps.limiter.hit(accountWindow, accountKey);
    await deps.limiter.hit(ipWindow, ip);
    await recordAudit(deps.db, {
      tenantId,
      action: 'user.login_failed',
      targetType: 'login',
      targetId: login.slice(0, 100),
      ip,
    });
    throw new AgentryError('invalid_credentials');
  }
  await deps.limiter.reset(accountWindow, accountKey);
  await recordAudit(deps.db, {
    tenantId,
    action: 'user.login',
    actorUserId: user.id,
    targetType: 'user',
    targetId: user.id,
    ip,
  });
  return user;
}
