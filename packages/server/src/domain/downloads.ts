/** Download counting: one row per version and day, so 7-day and 30-day figures are cheap sums. */
import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/schema.js';

export async function recordDownload(
  db: Kysely<Database>,
  packageId: string,
  versionId: string,
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('downloads_daily')
      .values({ version_id: versionId, package_id: packageId, day: sql<string>`CURRENT_DATE`, count: 1 })
      .onConflict((oc) =>
        oc.columns(['version_id', 'day']).doUpdateSet({ count: sql`downloads_daily.count + 1` }),
      )
      .execute();
    await trx
      .updateTable('packages')
      .set({ downloads_total: sql`downloads_total + 1`, downloads_7d: sql`downloads_7d + 1` })
      .where('id', '=', packageId)
      .execute();
  });
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
