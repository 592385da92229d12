/**
 * A fixed pool of scan workers with a per-scan time limit. A scan that runs over the limit has its
 * worker terminated and replaced, and fails with `scan_failed`; the others carry on.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { AgentryError, type ArtifactKind, type Permissions } from '@agentry/core';
import type { ScanJob, ScanOutcome } from './scan-worker.js';

export interface ScanRequest {
  bytes: Uint8Array;
  /** Given by publish; a bare scan may leave it to the archive's manifest (then `skill`). */
  kind?: ArtifactKind | undefined;
  description?: string | undefined;
  permissions?: Permissions | undefined;
  /** Fill what is not given from the manifest inside the archive (tank.json, SKILL.md, …). */
  manifestFromArchive?: boolean;
}

export type ScanResponse = Omit<ScanOutcome, 'id' | 'ok'>;

interface Pending {
  job: ScanJob;
  resolve(outcome: ScanResponse): void;
  reject(error: Error): void;
}

/** The compiled worker; tests run from src/, so they use the build that `npm test` makes first. */
function workerPath(): string {
  const here = fileURLToPath(new URL('./scan-worker.js', import.meta.url));
  if (existsSync(here)) return here;
  const built = here.replace(/([/\\])src([/\\])scanning([/\\])/, '$1dist$2scanning$3');
  if (existsSync(built)) return built;
  throw new Error(`scan worker not found at ${here} or ${built}: run npm run build`);
}

export interface ScanPoolOptions {
  size: number;
  timeoutMs: number;
  knownMalicious: string[];
}

export function createScanPool(options: ScanPoolOptions) {
  const path = workerPath();
  const queue: Pending[] = [];
  const idle: Worker[] = [];
  const busy = new Map<Worker, { pending: Pending; timer: NodeJS.Timeout }>();
  let nextId = 1;
  let closed = false;

  const spawnWorker = () => {
    const worker = new Worker(path);
    worker.on('message', (message: ScanOutcome | { id: number; ok: false; message: string }) => {
      const running = busy.get(worker);
      if (!running || running.pending.job.id !== message.id) return;
      clearTimeout(running.timer);
      busy.delete(worker);
      if (message.ok) {
        const { id, ok, ...rest } = message;
        running.pending.resolve(rest);
      } else {
        running.pending.reject(
          new AgentryError('scan_failed', { message: `The scanner failed: ${message.message}` }),
        );
      }
      idle.push(worker);
      dispatch();
    });
    worker.on('error', () => replace(worker, 'The scanner crashed on this archive.'));
    worker.unref();
    idle.push(worker);
  };

  const replace = (worker: Worker, reason: string) => {
    const running = busy.get(worker);
    busy.delete(worker);
    const at = idle.indexOf(worker);
    if (at >= 0) idle.splice(at, 1);
    void worker.terminate();
    if (running) {
      clearTimeout(running.timer);
      running.pending.reject(new AgentryError('scan_failed', { message: reason }));
    }
    if (!closed) {
      spawnWorker();
      dispatch();
    }
  };

  const dispatch = () => {
    while (idle.length > 0 && queue.length > 0) {
      const worker = idle.pop() as Worker;
      const pending = queue.shift() as Pending;
      const timer = setTimeout(
        () => replace(worker, `The scan took longer than ${options.timeoutMs} ms.`),
        options.timeoutMs,
      );
      busy.set(worker, { pending, timer });
      worker.postMessage(pending.job);
    }
  };

  // Workers start with the first scan, not with the process: a server that only serves reads never
  // pays their start-up time or memory.
  let started = false;
  const start = () => {
    started = true;
    for (let i = 0; i < Math.max(1, options.size); i++) spawnWorker();
  };

  return {
    scan(request: ScanRequest): Promise<ScanResponse> {
      if (closed) return Promise.reject(new AgentryError('service_unavailable'));
      if (!started) start();
      return new Promise((resolve, reject) => {
        const job: ScanJob = {
          id: nextId++,
          bytes: request.bytes,
          knownMalicious: options.knownMalicious,
          ...(request.kind === undefined ? {} : { kind: request.kind }),
          ...(request.manifestFromArchive ? { manifestFromArchive: true } : {}),
          ...(request.description === undefined ? {} : { description: request.description }),
          ...(request.permissions === undefined ? {} : { permissions: request.permissions }),
        };
        queue.push({ job, resolve, reject });
        dispatch();
      });
    },
    async close() {
      closed = true;
      for (const pending of queue.splice(0)) pending.reject(new AgentryError('service_unavailable'));
      await Promise.all([...idle, ...busy.keys()].map((worker) => worker.terminate()));
    },
  };
}
export type ScanPool = ReturnType<typeof createScanPool>;
