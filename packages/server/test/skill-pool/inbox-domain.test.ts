/**
 * Domain rules of the drafts inbox, projects and bootstrap over a real database and blob store: dedup
 * (lexical fallback), filters, discard purging the bundle, atomic publish through the real publish
 * pipeline, remote normalisation, item order, and the bootstrap tiers.
 */
import { computeSha256, manifestSchema } from '@agentry/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createTestUser, type TestApp, type TestUser } from '../../../../test-support/app.js';
import { makeTarball, publishVersion, skillFiles } from '../../../../test-support/tarball.js';
import { bootstrapSkills, parseStackTags, setStackMapping } from '../../src/domain/bootstrap.js';
import {
  countPendingDrafts,
  createDraft,
  discardDraft,
  findDraft,
  listDrafts,
  type PublishBundle,
  publishDraft,
  readDraftSkillMd,
  updateDraft,
} from '../../src/domain/drafts.js';
import {
  createProject,
  deleteProject,
  findProject,
  listProjectItems,
  listProjects,
  normalizeGitRemote,
  resolveProjectByRemote,
  setProjectItems,
  updateProject,
} from '../../src/domain/projects.js';
import { publishArchive } from '../../src/domain/publish.js';
import { publishDepsOf } from '../../src/domain/publish-deps.js';
import { tarballKey } from '../../src/domain/versions.js';

let t: TestApp;
let curator: TestUser;
let tenantId: string;
const viewer = { userId: undefined, scopes: [] };

beforeAll(async () => {
  t = await createTestApp();
  tenantId = t.defaultTenantId;
  curator = await createTestUser(t.deps, tenantId, { role: 'curator' });
  const published = await publishVersion(
    t,
    curator.token,
    {
      name: 'sql-formatter',
      version: '1.0.0',
      description: 'Formats SQL queries for readability.',
      keywords: ['sql', 'postgres'],
    },
    skillFiles('sql-formatter'),
  );
  expect(published.status).toBe(200);
});
afterAll(() => t.close());

async function draftOf(slug: string, description: string) {
  const bytes = await makeTarball({
    'SKILL.md': `---\nname: ${slug}\ndescription: ${description}\n---\n\n# ${slug}\n\nBody text.\n`,
  });
  return createDraft(t.deps, {
    tenantId,
    userId: curator.id,
    slug,
    origin: 'cli',
    notes: null,
    description,
    whenToUse: null,
    tags: ['sql'],
    bytes,
    sha256: computeSha256(bytes),
  });
}

const publishWith =
  (userId: string): PublishBundle =>
  async (input) => {
    const result = await publishArchive(publishDepsOf(t.deps), {
      tenantId,
      viewer: { userId, scopes: ['skills:read', 'skills:publish'] },
      manifest: manifestSchema.parse({
        name: input.slug,
        version: input.version,
        description: 'from a draft',
        visibility: 'public',
        permissions: {},
      }),
      bytes: input.bytes,
    });
    return {
      skillId: result.packageId,
      versionId: result.versionId,
      slug: input.slug,
      version: input.version,
    };
  };

describe('drafts', () => {
  it('proposes a merge with a near-identical published skill (lexical fallback without an embedder)', async () => {
    const near = await draftOf('sql-formatter', 'Formats SQL queries for readability.');
    expect(near.merge_proposal_slug).toBe('sql-formatter');
    expect(near.merge_proposal_similarity).toBeGreaterThanOrEqual(0.85);
    const different = await draftOf('kube-logs', 'Tails Kubernetes pod logs across namespaces.');
    expect(different.merge_proposal_slug).toBeNull();
  });

  it('lists by status, counts pending, and keeps the bundle readable', async () => {
    const draft = await draftOf('listed-draft', 'A draft that is listed.');
    expect((await listDrafts(t.deps.db, tenantId, 'pending')).map((d) => d.id)).toContain(draft.id);
    expect((await listDrafts(t.deps.db, tenantId, 'discarded')).map((d) => d.id)).not.toContain(draft.id);
    expect(await countPendingDrafts(t.deps.db, tenantId)).toBeGreaterThan(0);
    expect(await readDraftSkillMd(t.deps, draft)).toContain('name: listed-draft');
  });

  it('discards once, purging the bundle', async () => {
    const draft = await draftOf('to-discard', 'A draft to throw away.');
    const key = draft.blob_key as string;
    expect(await t.deps.blobs.head(key)).toBeDefined();
    const discarded = await discardDraft(t.deps, { tenantId, id: draft.id, userId: curator.id });
    expect(discarded).toMatchObject({ status: 'discarded', blob_key: null });
    expect(await t.deps.blobs.head(key)).toBeUndefined();
    expect(await discardDraft(t.deps, { tenantId, id: draft.id, userId: curator.id })).toBeUndefined();
    const all = await listDrafts(t.deps.db, tenantId, 'all');
    expect(all.findIndex((d) => d.id === draft.id)).toBeGreaterThan(
      all.findIndex((d) => d.status === 'pending'),
    );
  });

  it('edits only pending drafts', async () => {
    const draft = await draftOf('editable', 'Editable draft.');
    const edited = await updateDraft(t.deps.db, {
      tenantId,
      id: draft.id,
      userId: curator.id,
      changes: { slug: ' renamed ', notes: 'n', whenToUse: '' },
    });
    expect(edited).toMatchObject({ slug: 'renamed', notes: 'n', when_to_use: null });
    await expect(
      updateDraft(t.deps.db, { tenantId, id: draft.id, userId: curator.id, changes: { slug: ' ' } }),
    ).rejects.toMatchObject({ code: 'bad_request' });
    await discardDraft(t.deps, { tenantId, id: draft.id, userId: curator.id });
    await expect(
      updateDraft(t.deps.db, { tenantId, id: draft.id, userId: curator.id, changes: { notes: 'x' } }),
    ).rejects.toMatchObject({ code: 'bad_request' });
  });

  it('publishes through the pipeline once; a second publish or a reused version is refused', async () => {
    const draft = await draftOf('draft-published', 'A draft that becomes a skill.');
    const result = await publishDraft(
      t.deps,
      { tenantId, id: draft.id, userId: curator.id, version: '1.0.0' },
      publishWith(curator.id),
    );
    expect(result).toMatchObject({ draftId: draft.id, slug: 'draft-published', version: '1.0.0' });
    const version = await t.deps.db
      .selectFrom('versions')
      .selectAll()
      .where('id', '=', result.versionId)
      .executeTakeFirstOrThrow();
    expect(version.status).toBe('published');
    expect(await t.deps.blobs.head(tarballKey(tenantId, result.versionId))).toBeDefined();
    expect(await findDraft(t.deps.db, tenantId, draft.id)).toMatchObject({
      status: 'published',
      published_version: '1.0.0',
      publishing_at: null,
    });
    await expect(
      publishDraft(
        t.deps,
        { tenantId, id: draft.id, userId: curator.id, version: '1.0.1' },
        publishWith(curator.id),
      ),
    ).rejects.toMatchObject({ code: 'bad_request' });

    const second = await draftOf('draft-published', 'Same slug again.');
    await expect(
      publishDraft(
        t.deps,
        { tenantId, id: second.id, userId: curator.id, version: '1.0.0' },
        publishWith(curator.id),
      ),
    ).rejects.toBeDefined();
    // The failed publish released its claim: the draft is still pending and publishable.
    expect(await findDraft(t.deps.db, tenantId, second.id)).toMatchObject({
      status: 'pending',
      publishing_at: null,
    });
    await publishDraft(
      t.deps,
      { tenantId, id: second.id, userId: curator.id, version: '1.1.0' },
      publishWith(curator.id),
    );
  });

  it('is invisible to another tenant', async () => {
    const draft = await draftOf('tenant-a-only', 'Belongs to the default tenant.');
    const other = await t.deps.db
      .insertInto('tenants')
      .values({ slug: 'other-inbox', name: 'Other' })
      .returning('id')
      .executeTakeFirstOrThrow();
    expect(await findDraft(t.deps.db, other.id, draft.id)).toBeUndefined();
    expect(await listDrafts(t.deps.db, other.id, 'all')).toEqual([]);
    expect(
      await discardDraft(t.deps, { tenantId: other.id, id: draft.id, userId: curator.id }),
    ).toBeUndefined();
  });
});

describe('projects', () => {
  it('normalises ssh, https, .git, trailing slash and host case alike', () => {
    const forms = [
      'git@github.com:Acme/web-app.git',
      'https://GitHub.com/Acme/web-app',
      'https://github.com/Acme/web-app.git/',
      'ssh://git@github.com/Acme/web-app.git',
      '  https://github.com/Acme/web-app/  ',
    ];
    expect(new Set(forms.map(normalizeGitRemote))).toEqual(new Set(['https://github.com/Acme/web-app']));
    expect(normalizeGitRemote('Local/Path')).toBe('local/path');
  });

  it('creates, resolves by remote, orders items and deletes', async () => {
    const project = await createProject(t.deps.db, {
      tenantId,
      userId: curator.id,
      slug: 'Web-App',
      name: 'Web app',
      gitRemote: 'git@github.com:acme/web-app.git',
    });
    expect(project.git_remote).toBe('https://github.com/acme/web-app');
    await expect(
      createProject(t.deps.db, { tenantId, userId: curator.id, slug: 'web-app', name: 'dup' }),
    ).rejects.toMatchObject({ code: 'conflict' });
    await expect(
      createProject(t.deps.db, {
        tenantId,
        userId: curator.id,
        slug: 'other',
        name: 'o',
        gitRemote: 'https://github.com/acme/web-app',
      }),
    ).rejects.toMatchObject({ code: 'conflict' });
    expect(
      (await resolveProjectByRemote(t.deps.db, tenantId, 'https://GITHUB.com/acme/web-app.git'))?.id,
    ).toBe(project.id);

    expect(
      await setProjectItems(t.deps.db, {
        tenantId,
        userId: curator.id,
        slug: 'web-app',
        items: [
          { slug: 'zeta', kind: 'skill' },
          { slug: 'alpha', kind: 'agent' },
          { slug: 'zeta', kind: 'skill' },
          { slug: 'beta', kind: 'command' },
        ],
      }),
    ).toBe(true);
    expect(await listProjectItems(t.deps.db, project.id)).toEqual([
      { skill_slug: 'alpha', kind: 'agent', position: 1 },
      { skill_slug: 'zeta', kind: 'skill', position: 2 },
      { skill_slug: 'beta', kind: 'command', position: 3 },
    ]);
    expect((await listProjects(t.deps.db, tenantId)).find((p) => p.id === project.id)?.item_count).toBe(3);

    const updated = await updateProject(t.deps.db, {
      tenantId,
      userId: curator.id,
      slug: 'WEB-APP',
      changes: { description: 'd', gitRemote: null, stackTags: ['ts'] },
    });
    expect(updated).toMatchObject({ description: 'd', git_remote: null, stack_tags: ['ts'] });
    expect(await deleteProject(t.deps.db, { tenantId, userId: curator.id, slug: 'web-app' })).toBe(true);
    expect(await findProject(t.deps.db, tenantId, 'web-app')).toBeUndefined();
    expect(await deleteProject(t.deps.db, { tenantId, userId: curator.id, slug: 'web-app' })).toBe(false);
  });
});

describe('bootstrap', () => {
  it('parses stack tags: trimmed, lower-cased, empties dropped', () => {
    expect(parseStackTags(' Rust, ,AXUM,rust')).toEqual(['rust', 'axum']);
  });

  it('orders tiers project → curated → tagged, dedups, caps at 8, and ignores an unknown project', async () => {
    await createProject(t.deps.db, { tenantId, userId: curator.id, slug: 'boot', name: 'Boot' });
    await setProjectItems(t.deps.db, {
      tenantId,
      userId: curator.id,
      slug: 'boot',
      items: [
        { slug: 'project-first', kind: 'skill' },
        { slug: 'sql-formatter', kind: 'skill' },
        { slug: 'some-plugin', kind: 'plugin' },
      ],
    });
    await setStackMapping(t.deps.db, {
      tenantId,
      userId: curator.id,
      mapping: { stack: 'SQL', skill: 'curated-one' },
    });
    const result = await bootstrapSkills(t.deps, { tenantId, stack: ['sql'], project: 'boot', viewer });
    expect(result.skills).toEqual(['project-first', 'sql-formatter', 'curated-one']);
    expect(result.project).toEqual({ slug: 'boot', name: 'Boot' });
    expect(result.tier_breakdown).toEqual({
      project: ['project-first', 'sql-formatter'],
      curated: ['curated-one'],
      tagged: ['sql-formatter'],
      semantic: [],
    });
    expect(result.project_items?.map((i) => i.slug)).toEqual([
      'project-first',
      'sql-formatter',
      'some-plugin',
    ]);

    const unknown = await bootstrapSkills(t.deps, { tenantId, stack: ['sql'], project: 'nope', viewer });
    expect(unknown.project).toBeUndefined();
    expect(unknown.skills).toEqual(['curated-one', 'sql-formatter']);

    for (let i = 0; i < 10; i++) {
      await setStackMapping(t.deps.db, {
        tenantId,
        userId: curator.id,
        mapping: { stack: 'many', skill: `m${i}` },
      });
    }
    expect((await bootstrapSkills(t.deps, { tenantId, stack: ['many'], viewer })).skills).toHaveLength(8);
    await expect(bootstrapSkills(t.deps, { tenantId, stack: [], viewer })).rejects.toMatchObject({
      code: 'bad_request',
    });
  });
});
