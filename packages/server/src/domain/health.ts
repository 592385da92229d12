/**
 * Health as skill-pool documents it: each dependency up, down or off with its latency; the whole is
 * `degraded` when any dependency is down. Always answered with HTTP 200 by the route: a monitor pages
 * on `deps.db.status`, a load balancer should not pull a node on a blip.
 */
import type { AppDeps } from '../app-deps.js';
import { pingDatabase } from '../db/open.js';

export type DepStatus =
  | { status: 'up'; latency_ms: number }
  | { status: 'down'; latency_ms: number }
  | { status: 'off' };

export interface Health {
  status: 'ok' | 'degraded';
  version: string;
  deps: { db: DepStatus; storage: DepStatus; embedder: DepStatus };
}

const checkTimeoutMs = 3000;

async function probe(check: () => Promise<unknown>): Promise<DepStatus> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      check(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error('timed out')), checkTimeoutMs);
      }),
    ]);
    return { status: 'up', latency_ms: Math.round(performance.now() - started) };
  } catch {
    return { status: 'down', latency_ms: Math.round(performance.now() - started) };
  } finally {
    clearTimeout(timer);
  }
}

export async function checkHealth(
  deps: Pick<AppDeps, 'db' | 'blobs' | 'embedder'>,
  version: string,
): Promise<Health> {
  const configured = deps.embedder;
  const [db, storage, embedder] = await Promise.all([
    probe(() => pingDatabase(deps.db)),
    probe(() => deps.blobs.ping()),
    // EMBEDDER=off reports `off`; a configured embedder is pinged with one tiny embedding.
    configured ? probe(() => configured.ping()) : Promise.resolve<DepStatus>({ status: 'off' }),
  ]);
  const all = [db, storage, embedder];
  return {
    status: all.some((dep) => dep.status === 'down') ? 'degraded' : 'ok',
    version,
    deps: { db, storage, embedder },
  };
}
