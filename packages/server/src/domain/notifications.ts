/**
 * A tenant's draft notifications: a webhook URL and an optional signing secret (sealed at rest, never
 * returned). Each new draft enqueues one `webhook.deliver` job; the job worker POSTs it (webhooks.ts),
 * retries transport failures and 5xx with backoff, and records every attempt as `notification.deliver`
 * in the audit log. Nothing is sent from the request that created the draft.
 */
import { isIP } from 'node:net';
import { AgentryError } from '@agentry/core';
import type { Kysely } from 'kysely';
import type { SkillDraft } from '../db/inbox-schema.js';
import type { Database } from '../db/schema.js';
import { recordAudit } from './audit.js';
import { enqueueJob, type JobHandler, PermanentJobError } from './jobs.js';
import { isPublicAddress } from './public-address.js';
import { openSecret, sealSecret } from './secrets.js';
import { postWebhook } from './webhooks.js';

export const webhookJobKind = 'webhook.deliver';
const sealPurpose = 'webhook-secret';

export interface NotificationView {
  webhook_url?: string;
  signing_enabled: boolean;
}

export async function getNotificationSettings(
  db: Kysely<Database>,
  tenantId: string,
): Promise<NotificationView> {
  const row = await db
    .selectFrom('tenant_notifications')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .executeTakeFirst();
  return {
    ...(row?.webhook_url ? { webhook_url: row.webhook_url } : {}),
    signing_enabled: Boolean(row?.webhook_secret_sealed),
  };
}

/** Absent or null: unchanged; empty string: cleared; anything else (trimmed): replaces. */
export type SettingChange = string | null | undefined;

export interface NotificationChange {
  webhookUrl: SettingChange;
  webhookSecret: SettingChange;
}

function checkWebhookUrl(raw: string, allowPrivateHosts: boolean): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new AgentryError('bad_request', { message: 'webhook_url must be an http(s) URL' });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new AgentryError('bad_request', { message: 'webhook_url must be an http(s) URL' });
  }
  // Names are resolved and checked at each delivery (DNS can change); obvious local targets fail now.
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  const local =
    host === 'localhost' || host.endsWith('.localhost') || (isIP(host) !== 0 && !isPublicAddress(host));
  if (local && !allowPrivateHosts) {
    throw new AgentryError('bad_request', {
      message: 'webhook_url must point to a public address (WEBHOOK_ALLOW_PRIVATE_HOSTS allows others)',
    });
  }
  return raw;
}

export async function updateNotificationSettings(
  db: Kysely<Database>,
  serverSecret: string,
  input: { tenantId: string; actorUserId: string; allowPrivateHosts: boolean; change: NotificationChange },
): Promise<NotificationView> {
  const { webhookUrl, webhookSecret } = input.change;
  const values: { webhook_url?: string | null; webhook_secret_sealed?: string | null } = {};
  if (typeof webhookUrl === 'string') {
    const trimmed = webhookUrl.trim();
    values.webhook_url = trimmed === '' ? null : checkWebhookUrl(trimmed, input.allowPrivateHosts);
  }
  if (typeof webhookSecret === 'string') {
    const trimmed = webhookSecret.trim();
    values.webhook_secret_sealed = trimmed === '' ? null : sealSecret(serverSecret, sealPurpose, trimmed);
  }
  await db
    .insertInto('tenant_notifications')
    .values({ tenant_id: input.tenantId, ...values })
    .onConflict((oc) => oc.column('tenant_id').doUpdateSet({ ...values, updated_at: new Date() }))
    .execute();
  await recordAudit(db, {
    tenantId: input.tenantId,
    action: 'tenant.notifications.update',
    actorUserId: input.actorUserId,
    targetType: 'tenant',
    targetId: input.tenantId,
    data: { fields_changed: Object.keys(values) },
  });
  return getNotificationSettings(db, input.tenantId);
}

/** The documented `draft.created` payload. */
export function draftCreatedBody(tenantSlug: string, draft: SkillDraft): string {
  const text = draft.merge_proposal_slug
    ? `New draft \`${draft.slug}\` in \`${tenantSlug}\` — looks like an update to existing skill \`${draft.merge_proposal_slug}\``
    : `New draft \`${draft.slug}\` ready for review in \`${tenantSlug}\``;
  return JSON.stringify({
    text,
    event: 'draft.created',
    tenant: { slug: tenantSlug },
    draft: {
      id: draft.id,
      slug: draft.slug,
      description: draft.description,
      origin: draft.origin,
      merge_proposal_slug: draft.merge_proposal_slug,
    },
  });
}

/** Enqueues the `draft.created` delivery when the tenant has a webhook; returns whether it did. */
export async function notifyDraftCreated(
  db: Kysely<Database>,
  input: { tenantId: string; tenantSlug: string; draft: SkillDraft; maxAttempts: number },
): Promise<boolean> {
  const settings = await getNotificationSettings(db, input.tenantId);
  if (!settings.webhook_url) return false;
  await enqueueJob(db, {
    tenantId: input.tenantId,
    kind: webhookJobKind,
    maxAttempts: input.maxAttempts,
    payload: {
      event: 'draft.created',
      draft_id: input.draft.id,
      body: draftCreatedBody(input.tenantSlug, input.draft),
    },
  });
  return true;
}

export interface WebhookJobDeps {
  db: Kysely<Database>;
  secret: string;
  timeoutMs: number;
  allowPrivateHosts: boolean;
}

/**
 * Delivers with the tenant's current URL and secret (a changed secret signs pending deliveries too).
 * 2xx: done. 4xx: the receiver refused it, not retried. 5xx or no answer: retried by the queue.
 */
export function webhookJobHandler(deps: WebhookJobDeps): JobHandler {
  return async (job) => {
    const payload = job.payload as { event?: string; draft_id?: string; body?: string };
    const tenantId = job.tenant_id;
    if (!tenantId || typeof payload.body !== 'string') throw new PermanentJobError('malformed webhook job');
    const row = await deps.db
      .selectFrom('tenant_notifications')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .executeTakeFirst();
    if (!row?.webhook_url) return; // The webhook was removed since: nothing to deliver.
    const audit = (data: Record<string, unknown>) =>
      recordAudit(deps.db, {
        tenantId,
        action: 'notification.deliver',
        targetType: 'webhook',
        targetId: payload.draft_id ?? job.id,
        data: { url: row.webhook_url, event: payload.event, attempts: job.attempts, job_id: job.id, ...data },
      });
    const willRetry = job.attempts < job.max_attempts;
    let status: number;
    try {
      const secret = row.webhook_secret_sealed
        ? openSecret(deps.secret, sealPurpose, row.webhook_secret_sealed)
        : undefined;
      status = (
        await postWebhook({
          url: row.webhook_url,
          body: payload.body,
          secret,
          timeoutMs: deps.timeoutMs,
          allowPrivateHosts: deps.allowPrivateHosts,
        })
      ).status;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      // A refused host is a configuration problem retrying cannot fix.
      const permanent = error instanceof AgentryError;
      await audit({ result: 'failed', last_error: message, will_retry: willRetry && !permanent });
      throw permanent ? new PermanentJobError(message) : error;
    }
    if (status >= 200 && status < 300) {
      await audit({ result: 'success', status });
      return;
    }
    const retryable = status >= 500 || status === 429 || status === 408;
    await audit({
      result: 'http_error',
      status,
      last_error: `HTTP ${status}`,
      will_retry: willRetry && retryable,
    });
    throw retryable ? new Error(`HTTP ${status}`) : new PermanentJobError(`HTTP ${status}`);
  };
}
