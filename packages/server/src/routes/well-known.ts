/**
 * Agent Skills discovery for the tenant the host (or `X-Skill-Pool-Tenant`) names, anonymous and public
 * only: `/.well-known/agent-skills/index.json` (v0.2.0, archives) and `/.well-known/skills/index.json`
 * (v0.1, file lists), each skill's files under both prefixes, and the archives the v0.2.0 index names.
 * The `skills` CLI tries agent-skills first and falls back to skills (docs/api.md, "Discovery").
 */
import { AgentryError } from '@agentry/core';
import { Hono } from 'hono';
import type { AppDeps } from '../app-deps.js';
import { fileSandboxCsp, readArtifactFile } from '../domain/files.js';
import { indexV1, indexV2, listDiscoverableSkills, readSkillArchive } from '../domain/well-known-skills.js';
import type { AppEnv } from '../http/context.js';

/** Indexes change with every publish; a short lifetime keeps clients close to the catalogue. */
const indexCacheControl = 'public, max-age=300';

export function wellKnownRoutes(deps: AppDeps) {
  const app = new Hono<AppEnv>();

  app.get('/.well-known/skills/index.json', async (c) => {
    const skills = await listDiscoverableSkills(deps.db, c.get('tenant').id);
    c.header('Cache-Control', indexCacheControl);
    return c.json(indexV1(skills));
  });

  app.get('/.well-known/agent-skills/index.json', async (c) => {
    const tenantId = c.get('tenant').id;
    const skills = await listDiscoverableSkills(deps.db, tenantId);
    c.header('Cache-Control', indexCacheControl);
    return c.json(await indexV2(deps, tenantId, skills));
  });

  // `name@version.tar.gz` (the index's URL, immutable) or `name.tar.gz` (the latest version).
  app.get('/.well-known/agent-skills/:archive{[a-z0-9-]+(?:@[0-9A-Za-z.+-]+)?\\.tar\\.gz}', async (c) => {
    const [name = '', version] = c.req.param('archive').slice(0, -'.tar.gz'.length).split('@');
    const archive = await readSkillArchive(deps, c.get('tenant').id, name, version);
    if (!archive)
      throw new AgentryError('package_not_found', {
        message: `No skill archive "${name}".`,
        details: { name },
      });
    c.header('Content-Type', 'application/gzip');
    c.header('ETag', `"sha256-${archive.sha256}"`);
    c.header('Cache-Control', version ? 'public, max-age=31536000, immutable' : indexCacheControl);
    return c.body(new Uint8Array(archive.bytes));
  });

  app.get('/.well-known/:prefix{skills|agent-skills}/:name/:path{.+}', async (c) => {
    const { name, path } = c.req.param();
    const [skill] = await listDiscoverableSkills(deps.db, c.get('tenant').id, name);
    // Only the files the index lists: nothing else of the version is reachable through discovery.
    if (!skill?.files.some((f) => f.path === path))
      throw new AgentryError('file_not_found', { message: 'No such skill file.', details: { path } });
    const version = await deps.db
      .selectFrom('versions')
      .selectAll()
      .where('id', '=', skill.versionId)
      .executeTakeFirstOrThrow();
    const file = await readArtifactFile(deps, version, path);
    c.header('Content-Type', path === 'SKILL.md' ? 'text/markdown; charset=utf-8' : file.contentType);
    c.header('Content-Security-Policy', fileSandboxCsp);
    c.header('Cache-Control', indexCacheControl);
    return c.body(new Uint8Array(file.content));
  });

  return app;
}
