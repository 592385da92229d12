/** An artifact registered before its first version (AI Toolkit's `POST /artifacts`). */
import { AgentryError, foldSearchText, parseArtifactName } from '@agentry/core';
import type { Kysely } from 'kysely';
import type { Database, Package } from '../db/schema.js';
import type { Viewer } from './access.js';
import { recordAudit } from './audit.js';
import { assertScopeMembership } from './publish-reserve.js';

export interface ReservePackageInput {
  tenantId: string;
  viewer: Viewer & { userId: string };
  name: string;
  kind: string;
  visibility: 'public' | 'private' | 'team';
  description: string;
  keywords: string[];
  toolTargets: string[];
}

/**
 * Registers an artifact before its first version (AI Toolkit's `POST /artifacts`). Readers see it only
 * once a version is published; its publisher sees it at once. An existing name is a conflict.
 */
export async function reservePackage(db: Kysely<Database>, input: ReservePackageInput): Promise<Package> {
  const name = parseArtifactName(input.name);
  if (!name)
    throw new AgentryError('invalid_name', {
      issues: [{ path: ['name'], message: 'Invalid name.' }],
      details: { name: input.name },
    });
  if (input.visibility === 'team' && !name.scope) {
    throw new AgentryError('team_visibility_needs_org', {
      issues: [{ path: ['visibility'], message: 'Team visibility needs a team: pass "team".' }],
    });
  }
  const org = name.scope
    ? await assertScopeMembership(db, input.tenantId, name.scope, input.viewer.userId)
    : undefined;
  const inserted = await db
    .insertInto('packages')
    .values({
      tenant_id: input.tenantId,
      name: name.full,
      scope: name.scope,
      org_id: org?.id ?? null,
      kind: input.kind,
      visibility: input.visibility,
      description: input.description,
      keywords: input.keywords,
      tool_targets: input.toolTargets,
      tags: [...new Set(input.keywords.map((k) => k.toLowerCase().trim()).filter(Boolean))],
      publisher_id: input.viewer.userId,
      name_norm: foldSearchText(name.full),
      bare_norm: foldSearchText(name.bare),
      description_norm: foldSearchText(input.description),
    })
    .onConflict((oc) => oc.columns(['tenant_id', 'name']).doNothing())
    .returningAll()
    .executeTakeFirst();
  if (!inserted) throw new AgentryError('conflict', { message: `"${name.full}" already exists.` });
  await recordAudit(db, {
    tenantId: input.tenantId,
    action: 'package.create',
    actorUserId: input.viewer.userId,
    targetType: 'package',
    targetId: inserted.id,
    data: { name: name.full },
  });
  return inserted;
}
