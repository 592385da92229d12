/** Download counting: one row per version and day, so 7-day and 30-day figures are cheap sums. */
import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/schema.js';

/**
 * Download counting off the request path: a download adds one to a counter in memory, and the counters
 * are written every few seconds in one statement (and at shutdown). Each process writes only its own
 * increments, so several processes on one database add up. A crash loses at most one interval of counts.
 */
export interface DownloadCounter {
  record(packageId: string, versionId: string): void;
  /** Writes what is pending now; on failure the counts stay pending for the next attempt. */
  flush(): Promise<void>;
  /** Stops the timer and writes what is pending (the graceful shutdown calls it). */
  close(): Promise<void>;
  pending(): number;
}

interface Pending {
  packageId: string;
  versionId: string;
  day: string;
  count: number;
}

// Four parameters a row: far below PostgreSQL's 65,535 per statement.
const flushChunk = 5000;

export function createDownloadCounter(
  db: Kysely<Database>,
  options: { flushMs: number; onError?: (error: unknown) => void; now?: () => Date },
): DownloadCounter {
  let pending = new Map<string, Pending>();
  const now = options.now ?? (() => new Date());

  const write = async (rows: Pending[]) => {
    const values = sql.join(
      rows.map(
        (row) =>
          sql`(${row.versionId}::uuid, ${row.packageId}::uuid, ${row.day}::date, ${row.count}::bigint)`,
      ),
    );
    // One statement: the daily buckets and the package totals move together. A version deleted since
    // its download is skipped rather than failing the whole batch.
    await sql`
      WITH batch (version_id, package_id, day, n) AS (VALUES ${values}),
      kept AS (SELECT b.* FROM batch b JOIN versions v ON v.id = b.version_id),
      daily AS (
        INSERT INTO downloads_daily (version_id, package_id, day, count)
        SELECT version_id, package_id, day, n FROM kept
        ON CONFLICT (version_id, day) DO UPDATE SET count = downloads_daily.count + EXCLUDED.count
      )
      UPDATE packages p SET downloads_total = p.downloads_total + s.n, downloads_7d = p.downloads_7d + s.n
      FROM (SELECT package_id, sum(n) AS n FROM kept GROUP BY package_id) s
      WHERE p.id = s.package_id`.execute(db);
  };

  const flushNow = async () => {
    if (pending.size === 0) return;
    const batch = pending;
    pending = new Map();
    const rows = [...batch.values()];
    for (let i = 0; i < rows.length; i += flushChunk) {
      const chunk = rows.slice(i, i + flushChunk);
      try {
        await write(chunk);
      } catch (error) {
        // Put the unwritten counts back (merged with any that arrived meanwhile) for the next attempt.
        for (const row of rows.slice(i)) add(row.packageId, row.versionId, row.day, row.count);
        throw error;
      }
    }
  };

  const add = (packageId: string, versionId: string, day: string, count: number) => {
    const key = `${versionId}|${day}`;
    const row = pending.get(key);
    if (row) row.count += count;
    else pending.set(key, { packageId, versionId, day, count });
  };

  // One flush at a time: a call during a flush runs after it, writing what arrived since.
  let chain = Promise.resolve();
  const flush = () => {
    const run = chain.then(flushNow);
    chain = run.catch(() => {});
    return run;
  };

  const timer = setInterval(() => {
    flush().catch((error: unknown) => options.onError?.(error));
  }, options.flushMs);
  timer.unref();

  return {
    record(packageId, versionId) {
      add(packageId, versionId, now().toISOString().slice(0, 10), 1);
    },
    flush,
    async close() {
      clearInterval(timer);
      await flush();
    },
    pending: () => [...pending.values()].reduce((sum, row) => sum + row.count, 0),
  };
}

/** Downloads in the last `days` days (today included), for a version or a whole package. */
export async function countRecentDownloads(
  db: Kysely<Database>,
  target: { versionId: string } | { packageId: string },
  days = 7,
): Promise<number> {
  const row = await db
    .selectFrom('downloads_daily')
    .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('count'), sql<number>`0`).as('n'))
    .where(
      'versionId' in target ? 'version_id' : 'package_id',
      '=',
      'versionId' in target ? target.versionId : target.packageId,
    )
    .where('day', '>', sql<string>`CURRENT_DATE - ${days}::int`)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** All-time downloads of each of a package's versions (versions never downloaded are absent). */
export async function downloadsByVersion(
  db: Kysely<Database>,
  packageId: string,
): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom('downloads_daily')
    .select(['version_id', (eb) => eb.fn.sum<number>('count').as('n')])
    .where('package_id', '=', packageId)
    .groupBy('version_id')
    .execute();
  return new Map(rows.map((row) => [row.version_id, Number(row.n)]));
}

/**
 * The 7-day download figure search sorts by is incremented on each download; this recomputes it from the
 * daily buckets so days that leave the window drop out (run hourly by the housekeeping loop).
 */
export async function refreshWeeklyDownloads(db: Kysely<Database>): Promise<void> {
  await sql`
    UPDATE packages p SET downloads_7d = coalesce(w.n, 0)
    FROM packages q
    LEFT JOIN (
      SELECT package_id, sum(count) AS n FROM downloads_daily WHERE day > CURRENT_DATE - 7 GROUP BY package_id
    ) w ON w.package_id = q.id
    WHERE p.id = q.id AND p.downloads_7d IS DISTINCT FROM coalesce(w.n, 0)`.execute(db);
}

/** Downloads per ISO week (weeks start on Monday) over the last `weeks` weeks, oldest first, zeros kept. */
export async function weeklyDownloads(
  db: Kysely<Database>,
  packageId: string,
  weeks = 12,
): Promise<{ week_start: string; downloads: number }[]> {
  const monday = new Date();
  monday.setUTCHours(0, 0, 0, 0);
  monday.setUTCDate(monday.getUTCDate() - ((monday.getUTCDay() + 6) % 7));
  const starts = Array.from({ length: weeks }, (_, i) =>
    new Date(monday.getTime() - (weeks - 1 - i) * 7 * 86_400_000).toISOString().slice(0, 10),
  );
  const rows = await db
    .selectFrom('downloads_daily')
    .select([sql<string>`to_char(day, 'YYYY-MM-DD')`.as('day'), (eb) => eb.fn.sum<number>('count').as('n')])
    .where('package_id', '=', packageId)
    .where('day', '>=', sql<string>`${starts[0]}::date`)
    .groupBy('day')
    .execute();
  const counts = new Map(starts.map((start) => [start, 0]));
  for (const row of rows) {
    // The week a day belongs to is the last week start on or before it.
    const week = starts.filter((start) => start <= row.day).at(-1);
    if (week) counts.set(week, (counts.get(week) ?? 0) + Number(row.n));
  }
  return starts.map((start) => ({ week_start: start, downloads: counts.get(start) ?? 0 }));
}

/** Downloads per day over the last `days` days (today included), oldest first, zeros kept: the page chart. */
export async function dailyDownloads(
  db: Kysely<Database>,
  packageId: string,
  days = 30,
): Promise<{ day: string; downloads: number }[]> {
  const today = new Date();
  today.setUTCHours(0, 0, 0, 0);
  const dayList = Array.from({ length: days }, (_, i) =>
    new Date(today.getTime() - (days - 1 - i) * 86_400_000).toISOString().slice(0, 10),
  );
  const rows = await db
    .selectFrom('downloads_daily')
    .select([sql<string>`to_char(day, 'YYYY-MM-DD')`.as('day'), (eb) => eb.fn.sum<number>('count').as('n')])
    .where('package_id', '=', packageId)
    .where('day', '>=', sql<string>`${dayList[0]}::date`)
    .groupBy('day')
    .execute();
  const counts = new Map(rows.map((row) => [row.day, Number(row.n)]));
  return dayList.map((day) => ({ day, downloads: counts.get(day) ?? 0 }));
}
