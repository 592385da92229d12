/**
 * The read rules of domain/access.ts as one SQL condition over `packages as p`, for queries that list
 * many artifacts at once (search, skill-pool's catalog): public ones for everyone; private and team
 * ones for their publisher and the owning org's members holding skills:read; all for skills:admin.
 */
import { scopeAllows } from '@agentry/core';
import type { Expression, ExpressionBuilder, SqlBool } from 'kysely';
import type { Database, Package } from '../db/schema.js';
import type { Viewer } from './access.js';

export function visibleTo(eb: ExpressionBuilder<Database & { p: Package }, 'p'>, viewer: Viewer) {
  const visible: Expression<SqlBool>[] = [eb('p.visibility', '=', 'public')];
  if (viewer.userId && scopeAllows(viewer.scopes, 'skills:read')) {
    if (viewer.scopes.includes('skills:admin')) return eb.lit(true);
    visible.push(eb('p.publisher_id', '=', viewer.userId));
    visible.push(
      eb(
        'p.org_id',
        'in',
        eb.selectFrom('org_members').select('org_id').where('user_id', '=', viewer.userId),
      ),
    );
  }
  return eb.or(visible);
}
