import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';

export interface AuditEvent {
  tenantId: string | null;
  action: string;
  actorUserId?: string | null;
  actorTokenId?: string | null;
  targetType?: string;
  targetId?: string;
  data?: Record<string, unknown>;
  ip?: string | null;
}

/** Appends an audit event; the table refuses updates and deletes (see migration 0001). */
export async function recordAudit(db: Kysely<Database>, event: AuditEvent): Promise<void> {
  await db
    .insertInto('audit_events')
    .values({
      tenant_id: event.tenantId,
      action: event.action,
      actor_user_id: event.actorUserId ?? null,
      actor_token_id: event.actorTokenId ?? null,
      target_type: event.targetType ?? null,
      target_id: event.targetId ?? null,
      data: JSON.stringify(event.data ?? {}),
      ip: event.ip ?? null,
    })
    .execute();
}
