/**
 * skill-pool's publish, validate and archive over the one publish pipeline. A bundle is checked by
 * skill-pool's rules (core/skill-pool-bundle.ts), then every refusal the client can cause — a bad slug
 * or version, a name taken by another kind, a duplicate version, a `requires` range that conflicts with
 * another skill's — is decided before anything is stored, and only then does `publishArchive` reserve,
 * store, scan and publish like every other surface. (skill-pool's own server stores first and can
 * answer 409 with the version published anyway; we do not.)
 */
import {
  AgentryError,
  isSkillPoolKind,
  type Manifest,
  packageNameOfSlug,
  type SkillPoolBundle,
  type SkillPoolKind,
  type SkillPoolSkill,
  skillPoolKinds,
  slugOfPackageName,
  validateSkillPoolBundle,
} from '@agentry/core';
import type { Kysely } from 'kysely';
import semver from 'semver';
import type { Database } from '../db/schema.js';
import { canWritePackage, type Viewer } from './access.js';
import { setYanked } from './lifecycle.js';
import { publishArchive } from './publish.js';
import type { PublishDeps } from './publish-deps.js';
import { requireSkill } from './skill-pool-catalog.js';

export interface SkillPoolMetadata {
  slug: string;
  version: string;
  tags?: string[] | undefined;
  when_to_use?: string | undefined;
  kind?: string | undefined;
}

function refuse(message: string): never {
  throw new AgentryError('bad_request', { message });
}

/** The `metadata` part: JSON text with at least `slug` and `version`; `description` is ignored. */
export function parseSkillPoolMetadata(text: string | undefined): SkillPoolMetadata {
  if (text === undefined) refuse('missing `metadata` field');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    refuse(`metadata JSON: ${(error as Error).message.slice(0, 200)}`);
  }
  if (!value || typeof value !== 'object' || Array.isArray(value))
    refuse('metadata JSON: expected an object');
  const record = value as Record<string, unknown>;
  const text_ = (key: string) => (typeof record[key] === 'string' ? (record[key] as string) : undefined);
  const slug = text_('slug')?.trim() ?? '';
  const version = text_('version')?.trim() ?? '';
  if (!slug || !version) refuse('slug and version are required');
  const tags = record.tags;
  if (tags !== undefined && (!Array.isArray(tags) || tags.some((tag) => typeof tag !== 'string'))) {
    refuse('metadata JSON: `tags` must be a list of strings');
  }
  return {
    slug,
    version,
    tags: tags as string[] | undefined,
    when_to_use: text_('when_to_use'),
    kind: text_('kind'),
  };
}

function kindOf(value: string | undefined): SkillPoolKind {
  if (value === undefined || value === '') return 'skill';
  if (isSkillPoolKind(value)) return value;
  refuse(`kind must be one of ${JSON.stringify(skillPoolKinds)}, got \`${value.slice(0, 40)}\``);
}

/** Frontmatter tags first, then metadata tags not already present (skill-pool's merge). */
function mergeTags(frontmatter: string[], metadata: string[]): string[] {
  const out: string[] = [];
  for (const tag of [...frontmatter, ...metadata].map((t) => t.trim()).filter(Boolean)) {
    if (!out.some((kept) => kept.toLowerCase() === tag.toLowerCase())) out.push(tag);
  }
  if (out.length > 20) refuse(`at most 20 tags; got ${out.length}`);
  const long = out.find((tag) => tag.length > 50);
  if (long) refuse(`tag \`${long.slice(0, 60)}…\` is longer than 50 characters`);
  return out;
}

/**
 * skill-pool's conflict rule: a non-`*` range on a target that another published skill (another name)
 * already requires with a different non-`*` range is a 409; ranges compare as strings, as there.
 */
async function assertNoRangeConflict(
  db: Kysely<Database>,
  tenantId: string,
  name: string,
  requires: Record<string, string>,
) {
  const constrained = Object.entries(requires).filter(([, range]) => range !== '*');
  if (constrained.length === 0) return;
  const others = await db
    .selectFrom('packages as p')
    .innerJoin('versions as v', 'v.package_id', 'p.id')
    .select(['p.name', 'v.dependencies'])
    .where('p.tenant_id', '=', tenantId)
    .where('p.name', '!=', name)
    .where('v.status', '=', 'published')
    .where((eb) =>
      eb.or(
        constrained.map(([target]) => eb.fn<boolean>('jsonb_exists', ['v.dependencies', eb.val(target)])),
      ),
    )
    .orderBy('p.name')
    .execute();
  for (const [target, range] of constrained) {
    for (const other of others) {
      const theirs = (other.dependencies as Record<string, string>)[target];
      if (theirs !== undefined && theirs !== '*' && theirs !== range) {
        throw new AgentryError('conflict', {
          message: `skill \`${slugOfPackageName(name)}\` requires \`${slugOfPackageName(target)}@${range}\` but skill \`${slugOfPackageName(other.name)}\` already requires \`${slugOfPackageName(target)}@${theirs}\``,
        });
      }
    }
  }
}

export interface PublishSkillInput {
  tenantId: string;
  viewer: Viewer & { userId: string };
  bytes: Buffer;
  metadata: SkillPoolMetadata;
  /** The bundle cap (skill-pool's 5 MiB, or MAX_UPLOAD_BYTES when smaller). */
  maxBytes: number;
}

export interface PublishedSkill {
  skill: SkillPoolSkill;
  bundle: SkillPoolBundle;
  packageId: string;
  versionId: string;
}

/** Everything a client can get wrong, checked without writing; returns the manifest to publish. */
export async function prepareSkillPublish(db: Kysely<Database>, input: PublishSkillInput) {
  const { metadata, tenantId } = input;
  const name = packageNameOfSlug(metadata.slug);
  if (!name)
    refuse(`slug \`${metadata.slug.slice(0, 80)}\` is not valid: lower-case letters, digits and hyphens`);
  if (semver.valid(metadata.version) === null || semver.clean(metadata.version) !== metadata.version) {
    refuse(`version \`${metadata.version.slice(0, 64)}\` is not a semantic version (1.2.3)`);
  }
  const bundle = validateSkillPoolBundle(input.bytes, input.maxBytes);
  const kind = kindOf(metadata.kind);
  if (bundle.requires[name] !== undefined) refuse(`skill \`${metadata.slug}\` cannot require itself`);
  const tags = mergeTags(bundle.tags, metadata.tags ?? []);
  const existing = await db
    .selectFrom('packages')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('name', '=', name)
    .executeTakeFirst();
  // Someone else's name gets the pipeline's answer before anything about it (its kind, its versions) is
  // said, so a publish never reveals that a private name exists.
  if (existing && !(await canWritePackage(db, existing, input.viewer))) {
    throw new AgentryError('name_unavailable', { message: `The name "${metadata.slug}" is not available.` });
  }
  if (existing && existing.kind !== kind) {
    throw new AgentryError('conflict', {
      message: `\`${metadata.slug}\` is already published as a ${existing.kind}, not a ${kind}`,
    });
  }
  if (existing) {
    const taken = await db
      .selectFrom('versions')
      .select('id')
      .where('package_id', '=', existing.id)
      .where('version', '=', metadata.version)
      .where('status', 'in', ['published', 'yanked', 'scanning'])
      .executeTakeFirst();
    if (taken) refuse(`skill ${metadata.slug}@${metadata.version} already exists; pick a different version`);
  }
  await assertNoRangeConflict(db, tenantId, name, bundle.requires);
  const whenToUse = metadata.when_to_use ?? bundle.when_to_use;
  const manifest = {
    name,
    version: metadata.version,
    description: bundle.description,
    // A new artifact is readable by the whole tenant, as skill-pool's catalog is; an existing one keeps its visibility.
    visibility: existing?.visibility ?? 'public',
    kind,
    permissions: {},
    keywords: tags,
    ...(Object.keys(bundle.requires).length > 0 ? { skills: bundle.requires } : {}),
    ...(whenToUse ? { when_to_use: whenToUse } : {}),
    bundle_sha256: bundle.sha256,
  } as Manifest;
  return { manifest, bundle, name };
}

/** Publishes a skill-pool bundle through the shared pipeline (scan, verdict, latest, embedding). */
export async function publishSkillBundle(
  deps: PublishDeps,
  input: PublishSkillInput,
): Promise<PublishedSkill> {
  const { manifest, bundle } = await prepareSkillPublish(deps.db, input);
  let result: Awaited<ReturnType<typeof publishArchive>>;
  try {
    result = await publishArchive(deps, {
      tenantId: input.tenantId,
      viewer: input.viewer,
      manifest,
      bytes: input.bytes,
    });
  } catch (error) {
    // A concurrent publish of the same version: skill-pool answers a duplicate with 400.
    if (error instanceof AgentryError && error.code === 'version_exists') {
      refuse(
        `skill ${input.metadata.slug}@${input.metadata.version} already exists; pick a different version`,
      );
    }
    throw error;
  }
  const version = await deps.db
    .selectFrom('versions')
    .select(['published_at', 'created_at'])
    .where('id', '=', result.versionId)
    .executeTakeFirstOrThrow();
  const tags = await deps.db
    .selectFrom('packages')
    .select('tags')
    .where('id', '=', result.packageId)
    .executeTakeFirstOrThrow();
  const whenToUse = (manifest as { when_to_use?: string }).when_to_use;
  return {
    skill: {
      slug: slugOfPackageName(manifest.name),
      name: manifest.name,
      kind: manifest.kind as SkillPoolKind,
      version: manifest.version,
      description: manifest.description,
      ...(whenToUse ? { when_to_use: whenToUse } : {}),
      tags: tags.tags,
      status: 'published',
      created_at: (version.published_at ?? version.created_at).toISOString(),
    },
    bundle,
    packageId: result.packageId,
    versionId: result.versionId,
  };
}

/**
 * skill-pool's archive: the latest published version of (slug, kind) is yanked with the reason
 * `archived` (its bytes stay downloadable by exact version, as every yank's), so an earlier published
 * version becomes the latest, or the skill leaves the catalog. An admin archives whatever the tenant
 * holds, whoever may read it; `not_found` when nothing is published. The usage page's archive button
 * calls this too.
 */
export async function archiveSkill(
  db: Kysely<Database>,
  input: { tenantId: string; slug: string; kind: SkillPoolKind; actorId: string },
): Promise<{ slug: string; version: string }> {
  const found = await requireSkill(db, input.tenantId, input.slug, input.kind, {
    userId: input.actorId,
    scopes: ['skills:admin'],
  });
  await setYanked(
    db,
    { tenantId: input.tenantId, pkg: found.pkg, version: found.version.version, actorId: input.actorId },
    true,
    'archived',
  );
  return { slug: found.skill.slug, version: found.version.version };
}
