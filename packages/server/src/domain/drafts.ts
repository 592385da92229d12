/**
 * skill-pool's drafts inbox. A draft is a validated bundle waiting for a curator: it is stored under its
 * own blob key, compared with the tenant's published skills (a merge proposal when one looks like the
 * same skill), and then either published as a version through the shared publish pipeline or discarded
 * (bundle purged, row kept). Only pending drafts change.
 */
import { randomUUID } from 'node:crypto';
import { AgentryError } from '@agentry/core';
import { readArchive } from '@agentry/core/scanner';
import type { Kysely } from 'kysely';
import type { BlobStore } from '../blobs/blob-store.js';
import type { DraftOrigin, DraftStatus, SkillDraft } from '../db/inbox-schema.js';
import type { Database } from '../db/schema.js';
import type { Embedder } from '../embedders/embedder.js';
import { recordAudit } from './audit.js';
import { findMergeProposal } from './draft-dedup.js';
import { readBlob } from './versions.js';

export const draftOrigins: readonly DraftOrigin[] = ['cli', 'capture-scorer', 'claude-hook', 'web'];
export const draftListLimit = 200;

export interface DraftDeps {
  db: Kysely<Database>;
  blobs: BlobStore;
  embedder?: Embedder | undefined;
  vector?: boolean | undefined;
}

export interface CreateDraftInput {
  tenantId: string;
  userId: string;
  slug: string;
  origin: DraftOrigin;
  notes: string | null;
  description: string;
  whenToUse: string | null;
  tags: string[];
  bytes: Buffer;
  sha256: string;
  /** SKILL.md's body, for the semantic comparison. */
  body?: string | undefined;
}

function draftKey(tenantId: string, draftId: string): string {
  return `drafts/${tenantId}/${draftId}.tgz`;
}

export async function createDraft(deps: DraftDeps, input: CreateDraftInput): Promise<SkillDraft> {
  const id = randomUUID();
  const key = draftKey(input.tenantId, id);
  const proposal = await findMergeProposal(deps, input.tenantId, {
    slug: input.slug,
    description: input.description,
    body: input.body,
  });
  // Bytes first: a row never points at a bundle that is not there.
  await deps.blobs.put(key, input.bytes, { contentType: 'application/gzip' });
  const draft = await deps.db
    .insertInto('skill_drafts')
    .values({
      id,
      tenant_id: input.tenantId,
      slug: input.slug,
      description: input.description,
      when_to_use: input.whenToUse,
      tags: input.tags,
      origin: input.origin,
      notes: input.notes,
      blob_key: key,
      size_bytes: input.bytes.length,
      sha256: input.sha256,
      merge_proposal_slug: proposal?.slug ?? null,
      merge_proposal_similarity: proposal?.similarity ?? null,
      created_by: input.userId,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordAudit(deps.db, {
    tenantId: input.tenantId,
    action: 'draft.create',
    actorUserId: input.userId,
    targetType: 'draft',
    targetId: id,
    data: { slug: input.slug, origin: input.origin, merge_proposal_slug: proposal?.slug ?? null },
  });
  return draft;
}

export type DraftFilter = DraftStatus | 'all';

/** Newest first, at most 200; with `all`, pending drafts come first. */
export function listDrafts(
  db: Kysely<Database>,
  tenantId: string,
  filter: DraftFilter,
): Promise<SkillDraft[]> {
  let query = db.selectFrom('skill_drafts').selectAll().where('tenant_id', '=', tenantId);
  if (filter === 'all') {
    query = query.orderBy((eb) => eb.case().when('status', '=', 'pending').then(0).else(1).end());
  } else {
    query = query.where('status', '=', filter);
  }
  return query.orderBy('created_at', 'desc').orderBy('id').limit(draftListLimit).execute();
}

export function countPendingDrafts(db: Kysely<Database>, tenantId: string): Promise<number> {
  return db
    .selectFrom('skill_drafts')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('tenant_id', '=', tenantId)
    .where('status', '=', 'pending')
    .executeTakeFirstOrThrow()
    .then((row) => Number(row.n));
}

/** Pending drafts proposed as updates of `slug` (the portal's skill detail), most similar first, at most 10. */
export async function listMergeProposals(
  db: Kysely<Database>,
  tenantId: string,
  slug: string,
): Promise<{ draft_id: string; draft_slug: string; similarity: number }[]> {
  const rows = await db
    .selectFrom('skill_drafts')
    .select(['id', 'slug', 'merge_proposal_similarity'])
    .where('tenant_id', '=', tenantId)
    .where('status', '=', 'pending')
    .where('merge_proposal_slug', '=', slug)
    .orderBy('merge_proposal_similarity', 'desc')
    .orderBy('created_at', 'desc')
    .limit(10)
    .execute();
  return rows.map((row) => ({
    draft_id: row.id,
    draft_slug: row.slug,
    similarity: Number(row.merge_proposal_similarity ?? 0),
  }));
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isDraftId(value: string): boolean {
  return uuidPattern.test(value);
}

export function findDraft(
  db: Kysely<Database>,
  tenantId: string,
  id: string,
): Promise<SkillDraft | undefined> {
  if (!isDraftId(id)) return Promise.resolve(undefined);
  return db
    .selectFrom('skill_drafts')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .executeTakeFirst();
}

/** The draft's bundle bytes, or undefined once purged. */
export async function readDraftBundle(deps: DraftDeps, draft: SkillDraft): Promise<Buffer | undefined> {
  if (!draft.blob_key) return undefined;
  return readBlob(deps.blobs, draft.blob_key, 64 * 1024 * 1024);
}

/** SKILL.md as submitted, or undefined when the bundle is gone or has none. */
export async function readDraftSkillMd(deps: DraftDeps, draft: SkillDraft): Promise<string | undefined> {
  const bytes = await readDraftBundle(deps, draft);
  if (!bytes) return undefined;
  return readArchive(bytes).files.get('SKILL.md')?.content.toString('utf8');
}

export interface DraftChanges {
  slug?: string | undefined;
  description?: string | undefined;
  whenToUse?: string | undefined;
  tags?: string[] | undefined;
  notes?: string | undefined;
}

function notPending(draft: SkillDraft, doing: string): AgentryError {
  return new AgentryError('bad_request', { message: `draft is ${draft.status} — ${doing}` });
}

/** Edits a pending draft's metadata (never its bundle); empty `when_to_use` or `notes` clears them. */
export async function updateDraft(
  db: Kysely<Database>,
  input: { tenantId: string; id: string; userId: string; changes: DraftChanges },
): Promise<SkillDraft | undefined> {
  const draft = await findDraft(db, input.tenantId, input.id);
  if (!draft) return undefined;
  if (draft.status !== 'pending') throw notPending(draft, 'only pending drafts are editable');
  const { changes } = input;
  const values: Partial<Pick<SkillDraft, 'slug' | 'description' | 'when_to_use' | 'tags' | 'notes'>> = {};
  if (changes.slug !== undefined) {
    if (!changes.slug.trim()) throw new AgentryError('bad_request', { message: 'slug must not be blank' });
    values.slug = changes.slug.trim();
  }
  if (changes.description !== undefined) {
    if (!changes.description.trim()) {
      throw new AgentryError('bad_request', { message: 'description must not be blank' });
    }
    values.description = changes.description;
  }
  if (changes.whenToUse !== undefined)
    values.when_to_use = changes.whenToUse === '' ? null : changes.whenToUse;
  if (changes.tags !== undefined) values.tags = changes.tags;
  if (changes.notes !== undefined) values.notes = changes.notes === '' ? null : changes.notes;
  if (Object.keys(values).length === 0) return draft;
  const updated = await db
    .updateTable('skill_drafts')
    .set(values)
    .where('id', '=', draft.id)
    .where('status', '=', 'pending')
    .returningAll()
    .executeTakeFirst();
  if (!updated) throw notPending({ ...draft, status: 'published' }, 'only pending drafts are editable');
  await recordAudit(db, {
    tenantId: input.tenantId,
    action: 'draft.update',
    actorUserId: input.userId,
    targetType: 'draft',
    targetId: draft.id,
    data: { fields_changed: Object.keys(values) },
  });
  return updated;
}

/** Marks a pending draft discarded and purges its bundle; undefined when missing or not pending. */
export async function discardDraft(
  deps: DraftDeps,
  input: { tenantId: string; id: string; userId: string },
): Promise<SkillDraft | undefined> {
  if (!isDraftId(input.id)) return undefined;
  const before = await findDraft(deps.db, input.tenantId, input.id);
  const discarded = await deps.db
    .updateTable('skill_drafts')
    .set({ status: 'discarded', reviewed_by: input.userId, reviewed_at: new Date(), blob_key: null })
    .where('tenant_id', '=', input.tenantId)
    .where('id', '=', input.id)
    .where('status', '=', 'pending')
    .where('publishing_at', 'is', null)
    .returningAll()
    .executeTakeFirst();
  if (!discarded) return undefined;
  if (before?.blob_key) await deps.blobs.delete(before.blob_key);
  await recordAudit(deps.db, {
    tenantId: input.tenantId,
    action: 'draft.discard',
    actorUserId: input.userId,
    targetType: 'draft',
    targetId: input.id,
    data: { slug: discarded.slug },
  });
  return discarded;
}

export interface PublishedDraftVersion {
  skillId: string;
  versionId: string;
  slug: string;
  version: string;
}

/** Publishes bundle bytes as slug@version through the shared pipeline (the skill-pool publish). */
export type PublishBundle = (input: {
  bytes: Buffer;
  slug: string;
  version: string;
  tags: string[];
  whenToUse: string | null;
}) => Promise<PublishedDraftVersion>;

/** A claim on a draft being published older than this belongs to a crashed publish. */
const publishClaimMs = 20 * 60_000;

/**
 * Publishes a pending draft as `version` (under `slug`, or its own): the draft is claimed first so two
 * publishes of it cannot both run, the bundle goes through the publish pipeline (which refuses an
 * existing slug@version), and only a published version marks the draft published. Any failure releases
 * the claim and leaves the draft pending.
 */
export async function publishDraft(
  deps: DraftDeps,
  input: { tenantId: string; id: string; userId: string; version: string; slug?: string | undefined },
  publish: PublishBundle,
): Promise<PublishedDraftVersion & { draftId: string }> {
  const draft = await findDraft(deps.db, input.tenantId, input.id);
  if (!draft) throw new AgentryError('draft_not_found', { message: 'not found' });
  if (draft.status !== 'pending') throw notPending(draft, 'cannot publish');
  const version = input.version.trim();
  if (!version) throw new AgentryError('bad_request', { message: 'version is required' });
  const slug = input.slug?.trim() || draft.slug;
  const now = new Date();
  const claimed = await deps.db
    .updateTable('skill_drafts')
    .set({ publishing_at: now })
    .where('id', '=', draft.id)
    .where('status', '=', 'pending')
    .where((eb) =>
      eb.or([
        eb('publishing_at', 'is', null),
        eb('publishing_at', '<', new Date(now.getTime() - publishClaimMs)),
      ]),
    )
    .returningAll()
    .executeTakeFirst();
  if (!claimed) {
    throw new AgentryError('bad_request', { message: 'draft is already being published — cannot publish' });
  }
  let published: PublishedDraftVersion;
  try {
    const bytes = await readDraftBundle(deps, claimed);
    if (!bytes) throw new AgentryError('blob_not_found', { message: 'the draft bundle is missing' });
    published = await publish({ bytes, slug, version, tags: claimed.tags, whenToUse: claimed.when_to_use });
  } catch (error) {
    await deps.db
      .updateTable('skill_drafts')
      .set({ publishing_at: null })
      .where('id', '=', draft.id)
      .execute();
    throw error;
  }
  await deps.db
    .updateTable('skill_drafts')
    .set({
      status: 'published',
      publishing_at: null,
      published_version: published.version,
      published_version_id: published.versionId,
      reviewed_by: input.userId,
      reviewed_at: new Date(),
    })
    .where('id', '=', draft.id)
    .execute();
  await recordAudit(deps.db, {
    tenantId: input.tenantId,
    action: 'draft.publish',
    actorUserId: input.userId,
    targetType: 'draft',
    targetId: draft.id,
    data: { slug: published.slug, version: published.version, version_id: published.versionId },
  });
  return { ...published, draftId: draft.id };
}

/** The documented Draft JSON; the merge keys only when there is a proposal. */
export function draftJson(draft: SkillDraft) {
  return {
    id: draft.id,
    slug: draft.slug,
    description: draft.description,
    when_to_use: draft.when_to_use,
    tags: draft.tags,
    origin: draft.origin,
    notes: draft.notes,
    status: draft.status,
    published_version: draft.published_version,
    created_at: new Date(draft.created_at).toISOString(),
    reviewed_at: draft.reviewed_at ? new Date(draft.reviewed_at).toISOString() : null,
    ...(draft.merge_proposal_slug
      ? {
          merge_proposal_slug: draft.merge_proposal_slug,
          merge_proposal_similarity: Number(draft.merge_proposal_similarity ?? 0),
        }
      : {}),
  };
}
