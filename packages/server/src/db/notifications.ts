/**
 * LISTEN on one channel of the database, for cache invalidation. PGlite delivers a notification
 * synchronously while the committing query returns, so its listener is always current. PostgreSQL
 * delivers on a dedicated connection; if that connection drops, notifications may be lost, so the
 * listener reports `live: false` (callers stop trusting their caches) until it is back and says so.
 */
import { randomUUID } from 'node:crypto';
import type { PGlite } from '@electric-sql/pglite';
import pg from 'pg';

export interface ListenHandlers {
  message(payload: string): void;
  /** Notifications may have been missed (false) or flow again after a gap (true). */
  live(live: boolean): void;
}

export interface Listener {
  /**
   * Resolves once every notification committed before the call has been handled, so a write answered
   * by this process is never followed by a stale read from it (rejects after `timeoutMs`).
   */
  sync(timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function listenOnPglite(
  pglite: PGlite,
  channel: string,
  handlers: ListenHandlers,
): Promise<Listener> {
  const unlisten = await pglite.listen(channel, (payload) => handlers.message(payload));
  handlers.live(true);
  return { sync: async () => {}, close: () => unlisten() };
}

const syncPrefix = 'sync:';

export async function listenOnPostgres(
  connectionString: string,
  channel: string,
  handlers: ListenHandlers,
  retryMs = 1000,
): Promise<Listener> {
  let client: pg.Client | undefined;
  let closed = false;
  let retry: NodeJS.Timeout | undefined;
  const waiting = new Map<string, () => void>();

  const connect = async () => {
    const next = new pg.Client({ connectionString, connectionTimeoutMillis: 5000 });
    const lost = () => {
      if (client !== next) return;
      client = undefined;
      handlers.live(false);
      next.end().catch(() => {});
      if (!closed) retry = setTimeout(reconnect, retryMs);
    };
    next.on('error', lost);
    next.on('end', lost);
    next.on('notification', (message) => {
      const payload = message.payload ?? '';
      if (payload.startsWith(syncPrefix)) {
        waiting.get(payload)?.();
        waiting.delete(payload);
      } else handlers.message(payload);
    });
    await next.connect();
    await next.query(`LISTEN ${channel}`);
    client = next;
    handlers.live(true);
  };
  const reconnect = () => {
    connect().catch(() => {
      if (!closed) retry = setTimeout(reconnect, retryMs);
    });
  };
  await connect();

  return {
    async sync(timeoutMs = 1000) {
      const current = client;
      if (!current) return;
      const token = `${syncPrefix}${randomUUID()}`;
      let timer: NodeJS.Timeout | undefined;
      const arrived = new Promise<void>((resolve, reject) => {
        waiting.set(token, resolve);
        timer = setTimeout(() => {
          waiting.delete(token);
          reject(new Error('cache invalidation listener did not answer'));
        }, timeoutMs);
      });
      // A failed pg_notify below means `arrived` is never awaited: its timeout must not go unhandled.
      arrived.catch(() => {});
      try {
        // Sent on the listening connection itself: the queue delivers in commit order, so when our own
        // notification arrives, every one committed before it has been handled.
        await current.query('SELECT pg_notify($1, $2)', [channel, token]);
        await arrived;
      } finally {
        clearTimeout(timer);
      }
    },
    async close() {
      closed = true;
      clearTimeout(retry);
      const current = client;
      client = undefined;
      await current?.end().catch(() => {});
    },
  };
}
