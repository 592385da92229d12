/**
 * Who may see and change an artifact. Outsiders get `not_found`, never `forbidden`, for anything they
 * may not read: a private artifact must not be provable to exist.
 */
import { AgentryError, scopeAllows, type TenantRole, type TokenScope, tokenScopes } from '@agentry/core';
import type { Kysely } from 'kysely';
import type { Database, Package } from '../db/schema.js';
import { findOrgRole } from './orgs.js';
import { suggestNames } from './search.js';

export interface Viewer {
  userId: string | undefined;
  scopes: readonly TokenScope[];
}

export const anonymous: Viewer = { userId: undefined, scopes: [] };

/** The powers of a tenant role (web sessions, CLI log-in): viewers read, admins do everything, non-members nothing. */
export function scopesOfTenantRole(role: TenantRole | undefined): TokenScope[] {
  if (role === 'admin') return [...tokenScopes];
  if (role === 'viewer') return ['skills:read'];
  return role ? ['skills:read', 'skills:publish'] : [];
}

/** Public artifacts for everyone; private and team ones for their publisher and org members holding skills:read. */
export async function canReadPackage(db: Kysely<Database>, pkg: Package, viewer: Viewer): Promise<boolean> {
  if (pkg.visibility === 'public') return true;
  if (!viewer.userId || !scopeAllows(viewer.scopes, 'skills:read')) return false;
  if (viewer.scopes.includes('skills:admin')) return true;
  if (pkg.publisher_id === viewer.userId) return true;
  return pkg.org_id !== null && (await findOrgRole(db, pkg.org_id, viewer.userId)) !== undefined;
}

/** Publishing new versions, yanking and deprecating: skills:publish plus ownership (org membership when scoped). */
export async function canWritePackage(db: Kysely<Database>, pkg: Package, viewer: Viewer): Promise<boolean> {
  if (!viewer.userId || !scopeAllows(viewer.scopes, 'skills:publish')) return false;
  if (viewer.scopes.includes('skills:admin')) return true;
  if (pkg.org_id !== null) return (await findOrgRole(db, pkg.org_id, viewer.userId)) !== undefined;
  return pkg.publisher_id === viewer.userId;
}

/**
 * A package as readers see it: only once one of its versions has been published. A name reserved by a
 * publish still in progress (or abandoned) does not exist for anyone.
 */
export function findPackage(
  db: Kysely<Database>,
  tenantId: string,
  name: string,
): Promise<Package | undefined> {
  return db
    .selectFrom('packages')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('name', '=', name)
    .where(({ exists, selectFrom }) =>
      exists(
        selectFrom('versions')
          .select('versions.id')
          .whereRef('versions.package_id', '=', 'packages.id')
          .where('versions.status', 'in', ['published', 'yanked']),
      ),
    )
    .executeTakeFirst();
}

/** The package if the viewer may read it; `package_not_found` otherwise (missing and hidden look the same). */
export async function requireReadablePackage(
  db: Kysely<Database>,
  tenantId: string,
  name: string,
  viewer: Viewer,
): Promise<Package> {
  const pkg = await findPackage(db, tenantId, name);
  if (!pkg || !(await canReadPackage(db, pkg, viewer))) {
    // Near names the viewer may see help with typos; hidden artifacts never appear among them.
    const suggestions = await suggestNames(db, tenantId, name, viewer);
    throw new AgentryError('package_not_found', {
      message: `No artifact named "${name.slice(0, 214)}".`,
      details: { name, ...(suggestions.length ? { suggestions } : {}) },
    });
  }
  return pkg;
}

/** The package if the viewer may change it: hidden ones are `not_found`, visible ones without rights `forbidden`. */
export async function requireWritablePackage(
  db: Kysely<Database>,
  tenantId: string,
  name: string,
  viewer: Viewer,
): Promise<Package> {
  const pkg = await requireReadablePackage(db, tenantId, name, viewer);
  if (!(await canWritePackage(db, pkg, viewer))) {
    throw new AgentryError('package_write_denied', {
      message: `You cannot change "${name}".`,
      details: { name },
    });
  }
  return pkg;
}
