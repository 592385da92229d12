/**
 * A persistent job queue in the database (DESIGN: "a job table, polled by the server"). Work that must
 * not run inside a request (webhook deliveries) is enqueued as a row; every server process polls and
 * claims due rows with `FOR UPDATE SKIP LOCKED`, so each job runs once however many processes share the
 * database. A claim is a lease: a worker that dies mid-job leaves a `running` row whose lease runs out,
 * and the next poll takes it again. Failures are retried with exponential backoff up to `max_attempts`.
 */
import { type Kysely, sql } from 'kysely';
import type { Logger } from 'pino';
import type { Job } from '../db/inbox-schema.js';
import type { Database } from '../db/schema.js';

/** A failure that retrying cannot fix (a 4xx from a webhook receiver, a deleted target). */
export class PermanentJobError extends Error {}

export interface JobContext {
  /** The time the run started (the clock tests advance). */
  now: Date;
}

/** Does the work of one job; throws to fail it (PermanentJobError: no retry). */
export type JobHandler = (job: Job, context: JobContext) => Promise<void>;

export interface EnqueueInput {
  tenantId: string | null;
  kind: string;
  payload: Record<string, unknown>;
  maxAttempts?: number;
}

export async function enqueueJob(db: Kysely<Database>, input: EnqueueInput): Promise<Job> {
  return db
    .insertInto('jobs')
    .values({
      tenant_id: input.tenantId,
      kind: input.kind,
      payload: JSON.stringify(input.payload),
      max_attempts: input.maxAttempts ?? 5,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Delay before attempt `attempts + 1`: base, 2×base, 4×base …, at most an hour. */
export function retryDelayMs(attempts: number, baseMs: number): number {
  return Math.min(3_600_000, baseMs * 2 ** Math.max(0, attempts - 1));
}

export interface RunOptions {
  now?: Date;
  /** Jobs claimed per poll. */
  limit?: number;
  /** How long a claim holds before another worker may take the job again. */
  leaseMs?: number;
  /** First retry delay; doubled per further attempt. */
  retryBaseMs?: number;
  logger?: Pick<Logger, 'warn'> | undefined;
}

/** Claims due jobs (queued and due, or running with an expired lease) for this worker. */
export async function claimDueJobs(
  db: Kysely<Database>,
  now: Date,
  limit: number,
  leaseMs: number,
): Promise<Job[]> {
  const leaseEnd = new Date(now.getTime() + leaseMs);
  const result = await sql<Job>`
    UPDATE jobs SET status = 'running', attempts = attempts + 1, locked_until = ${leaseEnd}
    WHERE id IN (
      SELECT id FROM jobs
      WHERE (status = 'queued' AND run_after <= ${now}) OR (status = 'running' AND locked_until < ${now})
      ORDER BY run_after
      LIMIT ${limit}
      FOR UPDATE SKIP LOCKED)
    RETURNING *`.execute(db);
  return result.rows;
}

export interface RunSummary {
  done: number;
  retried: number;
  failed: number;
}

/** Runs every job due at `now` once; returns what became of them. */
export async function runDueJobs(
  db: Kysely<Database>,
  handlers: Record<string, JobHandler>,
  options: RunOptions = {},
): Promise<RunSummary> {
  const now = options.now ?? new Date();
  const jobs = await claimDueJobs(db, now, options.limit ?? 20, options.leaseMs ?? 5 * 60_000);
  const summary: RunSummary = { done: 0, retried: 0, failed: 0 };
  for (const job of jobs) {
    const handler = handlers[job.kind];
    try {
      if (!handler) throw new PermanentJobError(`no handler for job kind ${job.kind}`);
      await handler(job, { now });
      await db
        .updateTable('jobs')
        .set({ status: 'done', finished_at: now, locked_until: null, last_error: null })
        .where('id', '=', job.id)
        .execute();
      summary.done += 1;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const retry = !(error instanceof PermanentJobError) && job.attempts < job.max_attempts;
      if (retry) {
        const delay = retryDelayMs(job.attempts, options.retryBaseMs ?? 10_000);
        await db
          .updateTable('jobs')
          .set({
            status: 'queued',
            run_after: new Date(now.getTime() + delay),
            locked_until: null,
            last_error: message.slice(0, 1000),
          })
          .where('id', '=', job.id)
          .execute();
        summary.retried += 1;
      } else {
        await db
          .updateTable('jobs')
          .set({ status: 'failed', finished_at: now, locked_until: null, last_error: message.slice(0, 1000) })
          .where('id', '=', job.id)
          .execute();
        summary.failed += 1;
      }
      options.logger?.warn({ err: error, jobId: job.id, kind: job.kind, retry }, 'job failed');
    }
  }
  return summary;
}

/** Finished jobs older than `days` are deleted (their outcome stays in the audit log). */
export async function deleteFinishedJobs(db: Kysely<Database>, days = 7): Promise<number> {
  const cutoff = new Date(Date.now() - days * 86_400_000);
  const deleted = await db
    .deleteFrom('jobs')
    .where('status', 'in', ['done', 'failed'])
    .where('finished_at', '<', cutoff)
    .executeTakeFirst();
  return Number(deleted.numDeletedRows);
}

export interface JobWorker {
  /** Runs a poll soon (after an enqueue) instead of waiting for the interval. */
  wake(): void;
  stop(): Promise<void>;
}

/** Polls every `intervalMs`; one poll at a time per process. */
export function startJobWorker(
  db: Kysely<Database>,
  handlers: Record<string, JobHandler>,
  options: RunOptions & { intervalMs: number },
): JobWorker {
  let running: Promise<void> | undefined;
  let again = false;
  let stopped = false;
  const poll = () => {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = (async () => {
      do {
        again = false;
        const summary = await runDueJobs(db, handlers, options);
        // A full batch means more may be waiting.
        if (summary.done + summary.retried + summary.failed >= (options.limit ?? 20)) again = true;
      } while (again && !stopped);
    })()
      .catch((error: unknown) => options.logger?.warn({ err: error }, 'job poll failed'))
      .finally(() => {
        running = undefined;
      });
  };
  const timer = setInterval(poll, options.intervalMs);
  timer.unref();
  return {
    wake: () => setImmediate(poll),
    stop: async () => {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
