/**
 * What every skill-pool route file shares: the `{error, message}` envelope for the OpenAPI document,
 * the `kind` parameter, and the scope and role gates. Handlers stay short and call domain modules.
 */
import {
  AgentryError,
  isSkillPoolKind,
  type SkillPoolKind,
  skillPoolBundleMaxBytes,
  skillPoolKinds,
  type TenantRole,
  type TokenScope,
  tenantRoleAtLeast,
} from '@agentry/core';
import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import { findTenantRole } from '../../domain/users.js';
import { requirePrincipal, requireScope } from '../../http/auth.js';
import type { AppEnv, Principal } from '../../http/context.js';

export const tags = ['skill-pool'];

/** skill-pool's documented bundle cap (5 MiB), lowered by MAX_UPLOAD_BYTES when that is smaller. */
export function skillPoolBundleLimit(deps: { config: { maxUploadBytes: number } }): number {
  return Math.min(skillPoolBundleMaxBytes, deps.config.maxUploadBytes);
}

/** skill-pool's error envelope (`http/surfaces.ts` renders every error on /v1 this way). */
export const SpError = z
  .object({
    error: z.string().openapi({ example: 'not_found' }),
    message: z.string(),
  })
  .openapi('SkillPoolError');

type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 413 | 429;

export function spErrors(...statuses: ErrorStatus[]) {
  return Object.fromEntries(
    statuses.map((status) => [
      status,
      { description: 'Error', content: { 'application/json': { schema: SpError } } },
    ]),
  );
}

export function json<T>(schema: T, description: string) {
  return { description, content: { 'application/json': { schema } } };
}

export const KindQuery = z
  .string()
  .optional()
  .openapi({ description: 'skill (default), agent or command', example: 'skill' });

/** The `kind` query parameter: skill by default; anything else is skill-pool's 400. */
export function parseKind(value: string | undefined): SkillPoolKind {
  if (value === undefined || value === '') return 'skill';
  if (isSkillPoolKind(value)) return value;
  throw new AgentryError('bad_request', {
    message: `kind must be one of ${JSON.stringify(skillPoolKinds)}, got \`${value.slice(0, 40)}\``,
  });
}

/** The caller holding `scope` (skills:admin includes every scope), or 401 / 403. */
export function requireSkillPoolScope(c: Context<AppEnv>, scope: TokenScope): Principal {
  return requireScope(c, scope);
}

/**
 * The caller whose tenant role is at least `minimum` (viewer < publisher < curator < admin), or 401
 * without a caller and 403 below the role. Tokens act for their user, so the user's role counts.
 */
export async function requireTenantRole(
  c: Context<AppEnv>,
  db: Kysely<Database>,
  minimum: TenantRole,
): Promise<{ principal: Principal; role: TenantRole }> {
  const principal = requirePrincipal(c);
  const role = await findTenantRole(db, c.get('tenant').id, principal.user.id);
  if (!role || !tenantRoleAtLeast(role, minimum)) {
    throw new AgentryError('tenant_role_required', {
      message: `This needs the ${minimum} role in this tenant.`,
      details: { required: minimum },
    });
  }
  return { principal, role };
}

/** Best-effort side effects (usage events, counters) never fail or delay a client's request beyond a log line. */
export async function bestEffort(c: Context<AppEnv>, what: string, work: () => Promise<unknown>) {
  try {
    await work();
  } catch (error) {
    c.get('log').debug({ err: error }, `skill-pool: ${what} failed`);
  }
}
