/**
 * The two steps of the inbox that cross into the catalog: submitting a draft (the bundle validated by
 * skill-pool's publish validation, stored, compared, and its webhook queued) and publishing one (the
 * bundle through skill-pool's publish, hence the shared publish pipeline and scanner). The API routes
 * and the web pages both call these.
 */
import { AgentryError, type TokenScope, validateSkillPoolBundle } from '@agentry/core';
import type { AppDeps } from '../app-deps.js';
import type { DraftOrigin, SkillDraft } from '../db/inbox-schema.js';
import { createDraft, draftOrigins, type PublishedDraftVersion, publishDraft } from './drafts.js';
import { notifyDraftCreated } from './notifications.js';
import { publishDepsOf } from './publish-deps.js';
import { publishSkillBundle } from './skill-pool-publish.js';

/** skill-pool's 5 MiB bundle cap, or MAX_UPLOAD_BYTES when that is smaller (as for a publish). */
function bundleLimit(deps: AppDeps): number {
  return Math.min(5 * 1024 * 1024, deps.config.maxUploadBytes);
}

export interface DraftMetadata {
  slug: string;
  origin?: string | undefined;
  notes?: string | undefined;
  tags?: string[] | undefined;
  when_to_use?: string | undefined;
}

function bad(message: string): AgentryError {
  return new AgentryError('bad_request', { message });
}

/** skill-pool's draft metadata, checked as its server checks it. */
export function parseDraftMetadata(raw: string | undefined): DraftMetadata & { origin: DraftOrigin } {
  if (raw === undefined) throw bad('missing `metadata` field');
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (error) {
    throw bad(`metadata JSON: ${(error as Error).message}`);
  }
  if (!value || typeof value !== 'object' || Array.isArray(value))
    throw bad('metadata JSON: expected an object');
  const meta = value as Record<string, unknown>;
  const text = (key: string): string | undefined => {
    const field = meta[key];
    if (field === undefined || field === null) return undefined;
    if (typeof field !== 'string') throw bad(`metadata JSON: \`${key}\` must be a string`);
    return field;
  };
  const slug = text('slug')?.trim() ?? '';
  if (!slug) throw bad('slug is required');
  const origin = text('origin') ?? 'cli';
  if (!(draftOrigins as readonly string[]).includes(origin)) {
    throw bad(`origin must be one of ${draftOrigins.join(', ')}, got \`${origin.slice(0, 40)}\``);
  }
  const tags = meta.tags;
  if (
    tags !== undefined &&
    tags !== null &&
    (!Array.isArray(tags) || tags.some((tag) => typeof tag !== 'string'))
  ) {
    throw bad('metadata JSON: `tags` must be a list of strings');
  }
  return {
    slug,
    origin: origin as DraftOrigin,
    notes: text('notes'),
    tags: (tags as string[] | undefined) ?? [],
    when_to_use: text('when_to_use'),
  };
}

export interface SubmitDraftInput {
  tenantId: string;
  tenantSlug: string;
  userId: string;
  metadata: DraftMetadata & { origin: DraftOrigin };
  bytes: Buffer;
}

export async function submitDraft(deps: AppDeps, input: SubmitDraftInput): Promise<SkillDraft> {
  const bundle = validateSkillPoolBundle(input.bytes, bundleLimit(deps));
  const tags = [...bundle.tags, ...(input.metadata.tags ?? []).filter((tag) => !bundle.tags.includes(tag))];
  const draft = await createDraft(deps, {
    tenantId: input.tenantId,
    userId: input.userId,
    slug: input.metadata.slug,
    origin: input.metadata.origin,
    notes: input.metadata.notes ?? null,
    description: bundle.description,
    whenToUse: input.metadata.when_to_use ?? bundle.when_to_use ?? null,
    tags,
    bytes: input.bytes,
    sha256: bundle.sha256,
    body: bundle.skill_md,
  });
  const queued = await notifyDraftCreated(deps.db, {
    tenantId: input.tenantId,
    tenantSlug: input.tenantSlug,
    draft,
    maxAttempts: deps.config.webhookMaxAttempts,
  });
  if (queued) deps.jobs?.wake();
  return draft;
}

export interface PublishDraftInput {
  tenantId: string;
  principal: { user: { id: string }; scopes: TokenScope[] };
  id: string;
  version: string;
  slug?: string | undefined;
}

export function publishDraftToCatalog(
  deps: AppDeps,
  input: PublishDraftInput,
): Promise<PublishedDraftVersion & { draftId: string }> {
  const viewer = { userId: input.principal.user.id, scopes: input.principal.scopes };
  return publishDraft(
    deps,
    {
      tenantId: input.tenantId,
      id: input.id,
      userId: input.principal.user.id,
      version: input.version,
      slug: input.slug,
    },
    async (bundle) => {
      const published = await publishSkillBundle(publishDepsOf(deps), {
        tenantId: input.tenantId,
        viewer,
        maxBytes: bundleLimit(deps),
        bytes: bundle.bytes,
        metadata: {
          slug: bundle.slug,
          version: bundle.version,
          tags: bundle.tags,
          ...(bundle.whenToUse ? { when_to_use: bundle.whenToUse } : {}),
          kind: 'skill',
        },
      });
      return {
        skillId: published.packageId,
        versionId: published.versionId,
        slug: published.skill.slug,
        version: published.skill.version,
      };
    },
  );
}
