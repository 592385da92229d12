/**
 * Phase one of a publish: validate the manifest and reserve name@version as `pending-upload`, replacing an
 * unfinished reservation, refusing a permission escalation, and handing out an upload URL.
 */
import {
  AgentryError,
  findPermissionEscalation,
  type Manifest,
  type Permissions,
  parseArtifactName,
} from '@agentry/core';
import type { Kysely } from 'kysely';
import semver from 'semver';
import type { Database, Version } from '../db/schema.js';
import { canWritePackage, type Viewer } from './access.js';
import { findOrg, findOrgRole } from './orgs.js';
import type { PublishDeps } from './publish-deps.js';
import { semverParts, tarballKey } from './versions.js';

export const uploadWindowSeconds = 3600;

export interface InitiateInput {
  tenantId: string;
  viewer: Viewer & { userId: string };
  manifest: Manifest;
  readme?: string | undefined;
}

export interface InitiateResult {
  packageId: string;
  versionId: string;
  uploadUrl: string;
}

function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: string }).code === '23505';
}

export async function assertScopeMembership(
  db: Kysely<Database>,
  tenantId: string,
  scope: string,
  userId: string,
) {
  const org = await findOrg(db, tenantId, scope);
  if (!org || !(await findOrgRole(db, org.id, userId))) {
    throw new AgentryError('not_org_member', {
      message: `Publishing under @${scope} needs membership of that org.`,
      details: { org: scope },
    });
  }
  return org;
}

export async function initiatePublish(deps: PublishDeps, input: InitiateInput): Promise<InitiateResult> {
  const { manifest, tenantId, viewer } = input;
  const name = parseArtifactName(manifest.name);
  if (!name)
    throw new AgentryError('invalid_name', {
      issues: [{ path: ['name'], message: 'Invalid name.' }],
      details: { name: manifest.name },
    });
  const org = name.scope
    ? await assertScopeMembership(deps.db, tenantId, name.scope, viewer.userId)
    : undefined;
  try {
    const reserved = await deps.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('packages')
        .values({
          tenant_id: tenantId,
          name: name.full,
          scope: name.scope,
          org_id: org?.id ?? null,
          kind: manifest.kind,
          visibility: manifest.visibility,
          description: manifest.description,
          publisher_id: viewer.userId,
        })
        .onConflict((oc) => oc.columns(['tenant_id', 'name']).doNothing())
        .execute();
      // Locking the package row serialises every publish of one name, on PGlite and PostgreSQL alike.
      const pkg = await trx
        .selectFrom('packages')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('name', '=', name.full)
        .forUpdate()
        .executeTakeFirstOrThrow();
      if (!(await canWritePackage(trx, pkg, viewer))) {
        // The same answer whether the name is public or private: a private name must not be revealed.
        throw new AgentryError('name_unavailable', { message: `The name "${name.full}" is not available.` });
      }
      const versions = await trx
        .selectFrom('versions')
        .selectAll()
        .where('package_id', '=', pkg.id)
        .execute();
      const existing = versions.find((v) => v.version === manifest.version);
      if (existing) {
        if (!isReplaceable(existing, viewer.userId)) {
          throw new AgentryError('version_exists', {
            message: `${name.full}@${manifest.version} already exists.`,
          });
        }
        await trx.deleteFrom('versions').where('id', '=', existing.id).execute();
        // A confirm still on its way for the replaced reservation (a racing publish) answers 409, not 404.
        await trx
          .insertInto('superseded_reservations')
          .values({ version_id: existing.id, package_id: pkg.id })
          .onConflict((oc) => oc.doNothing())
          .execute();
      }
      assertNoEscalation(versions, manifest);
      const id = crypto.randomUUID();
      await trx
        .insertInto('versions')
        .values({
          id,
          tenant_id: tenantId,
          package_id: pkg.id,
          version: manifest.version,
          ...semverParts(manifest.version),
          status: 'pending-upload',
          manifest: JSON.stringify(manifest),
          permissions: JSON.stringify(manifest.permissions),
          dependencies: JSON.stringify(manifest.skills ?? {}),
          description: manifest.description,
          readme: input.readme ?? null,
          blob_key: tarballKey(tenantId, id),
          upload_expires_at: new Date(Date.now() + uploadWindowSeconds * 1000),
          published_by: viewer.userId,
        })
        .execute();
      return { packageId: pkg.id, versionId: id, replacedBlob: existing?.blob_key };
    });
    // After the commit, so a rolled-back publish never loses the bytes of the row it would have replaced.
    if (reserved.replacedBlob) await deps.blobs.delete(reserved.replacedBlob).catch(() => {});
    const uploadUrl = await deps.blobs.createUploadUrl(tarballKey(tenantId, reserved.versionId), {
      expiresInSeconds: uploadWindowSeconds,
      maxBytes: deps.maxUploadBytes,
      contentType: 'application/gzip',
    });
    return { packageId: reserved.packageId, versionId: reserved.versionId, uploadUrl };
  } catch (error) {
    // Two publishes of one new name can both miss the package row; the loser sees the unique index.
    if (isUniqueViolation(error)) throw new AgentryError('version_exists');
    throw error;
  }
}

/**
 * Only a published (or yanked) version is immutable. An unpublished row gives way to a failed or
 * expired reservation, and to its own publisher's retry (a crash or failed confirm must not block them);
 * anyone else still gets 409 while the reservation is live.
 */
function isReplaceable(existing: Version, userId: string): boolean {
  if (existing.status === 'published' || existing.status === 'yanked') return false;
  if (existing.status === 'failed' || existing.published_by === userId) return true;
  return existing.status === 'pending-upload' && (existing.upload_expires_at?.getTime() ?? 0) < Date.now();
}

/** Compares with the highest earlier published version (Tank's escalation rule, see core/permissions). */
function assertNoEscalation(versions: Version[], manifest: Manifest) {
  const earlier = versions
    .filter(
      (v) => (v.status === 'published' || v.status === 'yanked') && semver.lt(v.version, manifest.version),
    )
    .map((v) => v.version);
  const previousVersion = semver.rsort(earlier)[0];
  if (!previousVersion) return;
  const previous = versions.find((v) => v.version === previousVersion);
  const escalation = findPermissionEscalation(
    previousVersion,
    (previous?.permissions ?? {}) as Permissions,
    manifest.version,
    manifest.permissions,
  );
  if (!escalation) return;
  const list = escalation.added.map((change) => `${change.kind} ${change.value}`).join(', ');
  throw new AgentryError('permission_escalation', {
    message: `Permission escalation: ${list} needs a ${escalation.required} version bump after ${previousVersion}.`,
    issues: [
      {
        path: ['permissions'],
        message: `A ${escalation.bump} bump cannot add ${list}; publish a ${escalation.required} version.`,
      },
    ],
    details: { previousVersion, required: escalation.required, added: escalation.added },
  });
}
