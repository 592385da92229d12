/** Stars: idempotent per user, with the count kept on the package row for listing and sorting. */
import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/schema.js';

export interface StarState {
  starred: boolean;
  stars: number;
}

export async function setStar(
  db: Kysely<Database>,
  packageId: string,
  userId: string,
  starred: boolean,
): Promise<StarState> {
  return db.transaction().execute(async (trx) => {
    // Lock the package row so concurrent stars and unstars keep the count exact.
    await trx
      .selectFrom('packages')
      .select('id')
      .where('id', '=', packageId)
      .forUpdate()
      .executeTakeFirstOrThrow();
    if (starred) {
      await trx
        .insertInto('stars')
        .values({ package_id: packageId, user_id: userId })
        .onConflict((oc) => oc.doNothing())
        .execute();
    } else {
      await trx
        .deleteFrom('stars')
        .where('package_id', '=', packageId)
        .where('user_id', '=', userId)
        .execute();
    }
    const count = await trx
      .selectFrom('stars')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('package_id', '=', packageId)
      .executeTakeFirstOrThrow();
    await trx
      .updateTable('packages')
      .set({ stars_count: sql`${Number(count.n)}` })
      .where('id', '=', packageId)
      .execute();
    return { starred, stars: Number(count.n) };
  });
}

export async function readStar(db: Kysely<Database>, packageId: string, userId: string): Promise<StarState> {
  const [row, pkg] = await Promise.all([
    db
      .selectFrom('stars')
      .select('user_id')
      .where('package_id', '=', packageId)
      .where('user_id', '=', userId)
      .executeTakeFirst(),
    db.selectFrom('packages').select('stars_count').where('id', '=', packageId).executeTakeFirstOrThrow(),
  ]);
  return { starred: row !== undefined, stars: pkg.stars_count };
}
