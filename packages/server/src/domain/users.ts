import { AgentryError, type TenantRole } from '@agentry/core';
import type { Kysely } from 'kysely';
import type { Database, User } from '../db/schema.js';
import { checkPasswordStrength, hashPassword } from './passwords.js';

export const usernamePattern = /^[a-z0-9]([a-z0-9-]{0,37}[a-z0-9])?$/;
const emailPattern = /^[^\s@]{1,64}@[^\s@]{1,255}\.[^\s@]{2,}$/;

export interface NewUser {
  username: string;
  email?: string | undefined;
  password?: string | undefined;
  displayName?: string | undefined;
}

/** Field problems of a sign-up, keyed by field, so forms can show each next to its input. */
export function validateNewUser(input: NewUser): Record<string, string> {
  const problems: Record<string, string> = {};
  if (!usernamePattern.test(input.username)) {
    problems.username =
      'Use 1–39 lower-case letters, digits or hyphens, not starting or ending with a hyphen.';
  }
  if (input.email !== undefined && !emailPattern.test(input.email))
    problems.email = 'Enter a valid email address.';
  if (input.password !== undefined) {
    const weak = checkPasswordStrength(input.password);
    if (weak) problems.password = weak;
  }
  return problems;
}

export async function createUser(db: Kysely<Database>, input: NewUser): Promise<User> {
  const problems = validateNewUser(input);
  if (Object.keys(problems).length > 0) {
    throw new AgentryError('validation_error', {
      issues: Object.entries(problems).map(([field, message]) => ({ path: [field], message })),
    });
  }
  const taken = await db
    .selectFrom('users')
    .select(['username', 'email'])
    .where((eb) =>
      eb.or([
        eb('username', '=', input.username),
        ...(input.email ? [eb(eb.fn('lower', ['email']), '=', input.email.toLowerCase())] : []),
      ]),
    )
    .executeTakeFirst();
  if (taken) {
    const field = taken.username === input.username ? 'username' : 'email';
    throw new AgentryError('conflict', {
      message: `That ${field} is already taken.`,
      issues: [{ path: [field], message: `That ${field} is already taken.` }],
    });
  }
  const passwordHash = input.password === undefined ? null : await hashPassword(input.password);
  // A concurrent sign-up can still win the race; the unique index turns it into a conflict.
  try {
    return await db
      .insertInto('users')
      .values({
        username: input.username,
        email: input.email ?? null,
        display_name: input.displayName ?? null,
        password_hash: passwordHash,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  } catch (error) {
    if ((error as { code?: string }).code === '23505') throw new AgentryError('conflict');
    throw error;
  }
}

export function findUserByUsername(db: Kysely<Database>, username: string): Promise<User | undefined> {
  return db.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst();
}

export function findUserById(db: Kysely<Database>, id: string): Promise<User | undefined> {
  return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Log-in accepts a username or an email address. */
export function findUserByLogin(db: Kysely<Database>, login: string): Promise<User | undefined> {
  const value = login.trim();
  return value.includes('@')
    ? db
        .selectFrom('users')
        .selectAll()
        .where((eb) => eb(eb.fn('lower', ['email']), '=', value.toLowerCase()))
        .executeTakeFirst()
    : findUserByUsername(db, value.toLowerCase());
}

/** Adds or changes a member's role in a tenant. */
export async function setTenantRole(
  db: Kysely<Database>,
  tenantId: string,
  userId: string,
  role: TenantRole,
) {
  await db
    .insertInto('tenant_members')
    .values({ tenant_id: tenantId, user_id: userId, role })
    .onConflict((oc) => oc.columns(['tenant_id', 'user_id']).doUpdateSet({ role }))
    .execute();
}

/** The member's role; undefined for non-members and deactivated members. */
export async function findTenantRole(
  db: Kysely<Database>,
  tenantId: string,
  userId: string,
): Promise<TenantRole | undefined> {
  const row = await db
    .selectFrom('tenant_members')
    .select('role')
    .where('tenant_id', '=', tenantId)
    .where('user_id', '=', userId)
    .where('deactivated_at', 'is', null)
    .executeTakeFirst();
  return row?.role;
}

export interface ProfileChange {
  displayName: string;
  email: string;
}

/**
 * Changes what a user shows others. Returns field problems instead of throwing so a form can show them
 * next to the field; an email already used by someone else is one of them.
 */
export async function updateUserProfile(
  db: Kysely<Database>,
  userId: string,
  change: ProfileChange,
): Promise<Record<string, string>> {
  const displayName = change.displayName.trim();
  const email = change.email.trim();
  const problems: Record<string, string> = {};
  if (displayName.length > 100) problems.displayName = 'Use at most 100 characters.';
  if (email !== '' && !emailPattern.test(email)) problems.email = 'Enter a valid email address.';
  if (Object.keys(problems).length > 0) return problems;
  try {
    await db
      .updateTable('users')
      .set({ display_name: displayName || null, email: email || null })
      .where('id', '=', userId)
      .execute();
  } catch (error) {
    if ((error as { code?: string }).code === '23505')
      return { email: 'This email is used by another account.' };
    throw error;
  }
  return {};
}
