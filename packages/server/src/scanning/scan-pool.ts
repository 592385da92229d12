/**
 * A fixed pool of scan workers with a per-scan time limit. A scan that runs over the limit has its
 * worker terminated and replaced, and fails with `scan_failed`; the others carry on.
 *
 * Archives over 4 MiB are scanned one at a time, each in a worker that is replaced afterwards, so memory
 * stays bounded under a burst of large uploads and returns to where it was.
 *
 * The pool admits at most `size + maxQueued` scans at once (running, waiting, or still uploading when
 * a route reserved a place with `admit()` before reading its body); past that a scan is refused at once
 * with `service_unavailable` and `Retry-After`, so a burst of uploads queues on disk, not in memory.
 */
import { existsSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { AgentryError, type ArtifactKind, type Permissions } from '@agentry/core';
import type { ScanJob, ScanOutcome } from './scan-worker.js';

export interface ScanRequest {
  /** The archive's bytes, or `path`: a file the worker reads itself. */
  bytes?: Uint8Array;
  path?: string;
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
  /** Over `largeArchiveBytes`: the worker is replaced after this job. */
  large: boolean;
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
  /** Scans allowed to wait for a worker (default 16). */
  maxQueued?: number;
}

/** A place in the pool reserved before the upload is read; `scan` uses it, `release` gives it back. */
export interface ScanSlot {
  release(): void;
}

const largeArchiveBytes = 4 * 1024 * 1024;

/** Seconds a refused client is told to wait: about one scan's turn. */
const retryAfterSeconds = 5;

function poolFull(): AgentryError {
  return new AgentryError('service_unavailable', {
    message: 'The scan queue is full. Retry shortly.',
    headers: { 'Retry-After': String(retryAfterSeconds) },
  });
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
      if (running.pending.large && !closed) {
        // A worker that held a large archive keeps its grown heap and buffers for a long time; a fresh
        // one costs a few tens of MiB, so the server's memory returns to where it was after a burst.
        // The new one starts once the old has exited, so the two never hold memory together.
        void worker.terminate().then(() => {
          if (closed) return;
          spawnWorker();
          dispatch();
        });
      } else idle.push(worker);
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
      // One large archive at a time: each holds its packed and unpacked bytes in its worker, so two at
      // once double the peak. Small ones pass it and keep the other workers busy.
      const largeRunning = [...busy.values()].some((running) => running.pending.large);
      const next = queue.findIndex((pending) => !(largeRunning && pending.large));
      if (next < 0) return;
      const worker = idle.pop() as Worker;
      const [pending] = queue.splice(next, 1) as [Pending];
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

  const capacity = Math.max(1, options.size) + Math.max(0, options.maxQueued ?? 16);
  let admitted = 0;
  const admit = (): ScanSlot | undefined => {
    if (closed || admitted >= capacity) return undefined;
    admitted += 1;
    let released = false;
    return {
      release: () => {
        if (released) return;
        released = true;
        admitted -= 1;
      },
    };
  };

  const run = (request: ScanRequest): Promise<ScanResponse> =>
    new Promise((resolve, reject) => {
      if (!started) start();
      const job: ScanJob = {
        id: nextId++,
        ...(request.bytes === undefined ? {} : { bytes: request.bytes }),
        ...(request.path === undefined ? {} : { path: request.path }),
        knownMalicious: options.knownMalicious,
        ...(request.kind === undefined ? {} : { kind: request.kind }),
        ...(request.manifestFromArchive ? { manifestFromArchive: true } : {}),
        ...(request.description === undefined ? {} : { description: request.description }),
        ...(request.permissions === undefined ? {} : { permissions: request.permissions }),
      };
      const size = request.bytes?.length ?? (request.path ? statSync(request.path).size : 0);
      queue.push({ job, large: size > largeArchiveBytes, resolve, reject });
      dispatch();
    });

  return {
    /** Reserves a place before an upload is read; undefined when the pool is full. */
    admit,
    /** Scans within `slot` (released when the scan ends), or takes a place of its own, or refuses with 503. */
    async scan(request: ScanRequest, slot?: ScanSlot): Promise<ScanResponse> {
      if (closed) throw new AgentryError('service_unavailable');
      const place = slot ?? admit();
      if (!place) throw poolFull();
      try {
        return await run(request);
      } finally {
        place.release();
      }
    },
    /** The error a route answers when `admit()` found no place. */
    poolFull,
    async close() {
      closed = true;
      for (const pending of queue.splice(0)) pending.reject(new AgentryError('service_unavailable'));
      await Promise.all([...idle, ...busy.keys()].map((worker) => worker.terminate()));
    },
  };
}
export type ScanPool = ReturnType<typeof createScanPool>;
