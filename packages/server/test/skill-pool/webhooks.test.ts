/**
 * The jobs table and webhook delivery, against a real local HTTP receiver that checks the
 * X-Skill-Pool-Signature of every body it gets. Time is advanced by passing `now` to the runner.
 */
import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, createTestUser, type TestApp } from '../../../../test-support/app.js';
import type { SkillDraft } from '../../src/db/inbox-schema.js';
import { claimDueJobs, enqueueJob, type JobHandler, runDueJobs } from '../../src/domain/jobs.js';
import {
  getNotificationSettings,
  notifyDraftCreated,
  updateNotificationSettings,
  webhookJobHandler,
  webhookJobKind,
} from '../../src/domain/notifications.js';
import { signatureOf } from '../../src/domain/webhooks.js';

interface Received {
  body: string;
  signature: string | undefined;
  signatureValid: boolean;
}

const receiverSecret = 'whsec-test-0123456789';
let receiver: Server;
let receiverUrl: string;
const received: Received[] = [];
/** Statuses the receiver answers with, in order; 200 once exhausted. */
let plannedStatuses: number[] = [];

let t: TestApp;
let tenantId: string;
let adminId: string;

beforeAll(async () => {
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const signature = req.headers['x-skill-pool-signature'] as string | undefined;
      const expected = `sha256=${createHmac('sha256', receiverSecret).update(body).digest('hex')}`;
      received.push({ body, signature, signatureValid: signature === expected });
      res.statusCode = plannedStatuses.shift() ?? 200;
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  t = await createTestApp();
  tenantId = t.defaultTenantId;
  adminId = (await createTestUser(t.deps, tenantId, { role: 'admin' })).id;
});
afterAll(async () => {
  await t.close();
  await new Promise<void>((resolve) => receiver.close(() => resolve()));
});
beforeEach(async () => {
  received.length = 0;
  plannedStatuses = [];
  await t.deps.db.deleteFrom('jobs').execute();
});

function handlers(allowPrivateHosts = true): Record<string, JobHandler> {
  return {
    [webhookJobKind]: webhookJobHandler({
      db: t.deps.db,
      secret: t.deps.secret,
      timeoutMs: 2000,
      allowPrivateHosts,
    }),
  };
}

function fakeDraft(slug: string): SkillDraft {
  return {
    id: '00000000-0000-4000-8000-000000000001',
    tenant_id: tenantId,
    slug,
    description: 'Formats SQL.',
    when_to_use: null,
    tags: [],
    origin: 'cli',
    notes: null,
    status: 'pending',
    blob_key: null,
    size_bytes: 1,
    sha256: 'x',
    merge_proposal_slug: null,
    merge_proposal_similarity: null,
    published_version: null,
    published_version_id: null,
    publishing_at: null,
    created_by: null,
    reviewed_by: null,
    reviewed_at: null,
    created_at: new Date(),
  };
}

async function configure(url: string, secret: string | null = receiverSecret) {
  return updateNotificationSettings(t.deps.db, t.deps.secret, {
    tenantId,
    actorUserId: adminId,
    allowPrivateHosts: true,
    change: { webhookUrl: url, webhookSecret: secret ?? '' },
  });
}

async function deliveries() {
  return t.deps.db
    .selectFrom('audit_events')
    .select(['data', 'target_id'])
    .where('action', '=', 'notification.deliver')
    .orderBy('created_at')
    .execute();
}

describe('jobs table', () => {
  it('claims a due job once, even for two claimers at the same instant', async () => {
    await enqueueJob(t.deps.db, { tenantId, kind: 'noop', payload: {} });
    const now = new Date(Date.now() + 1000);
    const [first, second] = await Promise.all([
      claimDueJobs(t.deps.db, now, 10, 60_000),
      claimDueJobs(t.deps.db, now, 10, 60_000),
    ]);
    expect((first?.length ?? 0) + (second?.length ?? 0)).toBe(1);
  });

  it('retries a failing job with growing delays, then marks it failed', async () => {
    const job = await enqueueJob(t.deps.db, { tenantId, kind: 'flaky', payload: {}, maxAttempts: 3 });
    let calls = 0;
    const failing = {
      flaky: async () => {
        calls += 1;
        throw new Error('boom');
      },
    };
    let now = new Date(Date.now() + 1000);
    expect(await runDueJobs(t.deps.db, failing, { now, retryBaseMs: 1000 })).toEqual({
      done: 0,
      retried: 1,
      failed: 0,
    });
    const afterFirst = await t.deps.db
      .selectFrom('jobs')
      .selectAll()
      .where('id', '=', job.id)
      .executeTakeFirstOrThrow();
    expect(new Date(afterFirst.run_after).getTime()).toBe(now.getTime() + 1000);
    // Not due yet: nothing runs.
    expect(await runDueJobs(t.deps.db, failing, { now, retryBaseMs: 1000 })).toEqual({
      done: 0,
      retried: 0,
      failed: 0,
    });
    now = new Date(now.getTime() + 1000);
    await runDueJobs(t.deps.db, failing, { now, retryBaseMs: 1000 });
    const afterSecond = await t.deps.db
      .selectFrom('jobs')
      .selectAll()
      .where('id', '=', job.id)
      .executeTakeFirstOrThrow();
    expect(new Date(afterSecond.run_after).getTime()).toBe(now.getTime() + 2000);
    now = new Date(now.getTime() + 2000);
    expect(await runDueJobs(t.deps.db, failing, { now, retryBaseMs: 1000 })).toEqual({
      done: 0,
      retried: 0,
      failed: 1,
    });
    const final = await t.deps.db
      .selectFrom('jobs')
      .selectAll()
      .where('id', '=', job.id)
      .executeTakeFirstOrThrow();
    expect(final).toMatchObject({ status: 'failed', attempts: 3, last_error: 'boom' });
    expect(calls).toBe(3);
  });

  it('takes a running job back once its lease has run out (a worker that died)', async () => {
    const job = await enqueueJob(t.deps.db, { tenantId, kind: 'noop', payload: {} });
    const now = new Date(Date.now() + 1000);
    expect(await claimDueJobs(t.deps.db, now, 10, 60_000)).toHaveLength(1);
    expect(await claimDueJobs(t.deps.db, new Date(now.getTime() + 30_000), 10, 60_000)).toHaveLength(0);
    const again = await claimDueJobs(t.deps.db, new Date(now.getTime() + 61_000), 10, 60_000);
    expect(again.map((j) => [j.id, j.attempts])).toEqual([[job.id, 2]]);
  });
});

describe('webhook settings', () => {
  it('seals the secret at rest and never returns it', async () => {
    const view = await configure(receiverUrl);
    expect(view).toEqual({ webhook_url: receiverUrl, signing_enabled: true });
    const row = await t.deps.db
      .selectFrom('tenant_notifications')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .executeTakeFirstOrThrow();
    expect(row.webhook_secret_sealed).toBeTruthy();
    expect(row.webhook_secret_sealed).not.toContain(receiverSecret);
    expect(JSON.stringify(view)).not.toContain(receiverSecret);
  });

  it('keeps absent keys, clears empty ones', async () => {
    await configure(receiverUrl);
    await updateNotificationSettings(t.deps.db, t.deps.secret, {
      tenantId,
      actorUserId: adminId,
      allowPrivateHosts: true,
      change: { webhookUrl: undefined, webhookSecret: '' },
    });
    expect(await getNotificationSettings(t.deps.db, tenantId)).toEqual({
      webhook_url: receiverUrl,
      signing_enabled: false,
    });
  });

  it('refuses a non-http URL and a loopback address unless private hosts are allowed', async () => {
    const change = (url: string, allowPrivateHosts: boolean) =>
      updateNotificationSettings(t.deps.db, t.deps.secret, {
        tenantId,
        actorUserId: adminId,
        allowPrivateHosts,
        change: { webhookUrl: url, webhookSecret: undefined },
      });
    await expect(change('ftp://example.com/x', true)).rejects.toMatchObject({ code: 'bad_request' });
    await expect(change('not a url', true)).rejects.toMatchObject({ code: 'bad_request' });
    await expect(change('http://127.0.0.1:9/x', false)).rejects.toMatchObject({ code: 'bad_request' });
    await expect(change('http://localhost/x', false)).rejects.toMatchObject({ code: 'bad_request' });
  });
});

describe('draft.created delivery', () => {
  it('posts the signed body from the job, not before it runs', async () => {
    await configure(receiverUrl);
    expect(
      await notifyDraftCreated(t.deps.db, {
        tenantId,
        tenantSlug: 'default',
        draft: fakeDraft('sql-fmt'),
        maxAttempts: 3,
      }),
    ).toBe(true);
    expect(received).toHaveLength(0);
    const summary = await runDueJobs(t.deps.db, handlers(), { now: new Date(Date.now() + 1000) });
    expect(summary).toEqual({ done: 1, retried: 0, failed: 0 });
    expect(received).toHaveLength(1);
    expect(received[0]?.signatureValid).toBe(true);
    const body = JSON.parse(received[0]?.body ?? '{}');
    expect(body).toMatchObject({
      event: 'draft.created',
      tenant: { slug: 'default' },
      draft: { slug: 'sql-fmt', origin: 'cli', merge_proposal_slug: null },
    });
    expect(body.text).toContain('sql-fmt');
    expect(signatureOf(receiverSecret, received[0]?.body ?? '')).toBe(received[0]?.signature);
  });

  it('retries after a 500 and succeeds, with each attempt in the audit log', async () => {
    await configure(receiverUrl);
    const before = (await deliveries()).length;
    plannedStatuses = [500];
    await notifyDraftCreated(t.deps.db, {
      tenantId,
      tenantSlug: 'default',
      draft: fakeDraft('retry-me'),
      maxAttempts: 3,
    });
    let now = new Date(Date.now() + 1000);
    expect(await runDueJobs(t.deps.db, handlers(), { now, retryBaseMs: 5000 })).toEqual({
      done: 0,
      retried: 1,
      failed: 0,
    });
    now = new Date(now.getTime() + 5000);
    expect(await runDueJobs(t.deps.db, handlers(), { now, retryBaseMs: 5000 })).toEqual({
      done: 1,
      retried: 0,
      failed: 0,
    });
    expect(received).toHaveLength(2);
    expect(received.every((r) => r.signatureValid)).toBe(true);
    expect(received[0]?.body).toBe(received[1]?.body);
    const audit = (await deliveries()).slice(before).map((row) => row.data);
    expect(audit).toMatchObject([
      { result: 'http_error', status: 500, attempts: 1, will_retry: true, event: 'draft.created' },
      { result: 'success', status: 200, attempts: 2 },
    ]);
  });

  it('does not retry a 4xx', async () => {
    await configure(receiverUrl);
    plannedStatuses = [410];
    await notifyDraftCreated(t.deps.db, {
      tenantId,
      tenantSlug: 'default',
      draft: fakeDraft('gone'),
      maxAttempts: 3,
    });
    expect(await runDueJobs(t.deps.db, handlers(), { now: new Date(Date.now() + 1000) })).toEqual({
      done: 0,
      retried: 0,
      failed: 1,
    });
    expect(received).toHaveLength(1);
  });

  it('retries when nothing answers (a transport failure)', async () => {
    // A port nobody listens on: connection refused.
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    await configure(`http://127.0.0.1:${port}/hook`);
    await notifyDraftCreated(t.deps.db, {
      tenantId,
      tenantSlug: 'default',
      draft: fakeDraft('refused'),
      maxAttempts: 2,
    });
    expect(await runDueJobs(t.deps.db, handlers(), { now: new Date(Date.now() + 1000) })).toEqual({
      done: 0,
      retried: 1,
      failed: 0,
    });
    const last = (await deliveries()).at(-1)?.data as Record<string, unknown>;
    expect(last).toMatchObject({ result: 'failed', will_retry: true });
  });

  it('refuses to deliver to a private address when private hosts are not allowed, without retrying', async () => {
    await configure(receiverUrl);
    await notifyDraftCreated(t.deps.db, {
      tenantId,
      tenantSlug: 'default',
      draft: fakeDraft('ssrf'),
      maxAttempts: 3,
    });
    expect(await runDueJobs(t.deps.db, handlers(false), { now: new Date(Date.now() + 1000) })).toEqual({
      done: 0,
      retried: 0,
      failed: 1,
    });
    expect(received).toHaveLength(0);
  });

  it('enqueues nothing when the tenant has no webhook', async () => {
    await updateNotificationSettings(t.deps.db, t.deps.secret, {
      tenantId,
      actorUserId: adminId,
      allowPrivateHosts: true,
      change: { webhookUrl: '', webhookSecret: '' },
    });
    expect(
      await notifyDraftCreated(t.deps.db, {
        tenantId,
        tenantSlug: 'default',
        draft: fakeDraft('quiet'),
        maxAttempts: 3,
      }),
    ).toBe(false);
    expect(await t.deps.db.selectFrom('jobs').selectAll().execute()).toHaveLength(0);
  });
});
