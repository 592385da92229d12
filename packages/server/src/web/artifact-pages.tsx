/**
 * An artifact's page: rendered README, install commands, versions, files, scan report, permissions,
 * dependencies, badge snippet, stars and a 30-day downloads chart; one version's file viewer; the star
 * form. A private artifact is a 404 to anyone who may not read it, exactly like a missing one.
 */
import { AgentryError, installTargets, stageNames as scanStageNames, toolIds } from '@agentry/core';
import { Hono } from 'hono';
import type { AppDeps } from '../app-deps.js';
import type { Package, Version } from '../db/schema.js';
import { canWritePackage, requireReadablePackage } from '../domain/access.js';
import { latestScoreBadge } from '../domain/badge.js';
import { listFindings, listVisibleVersions, publisherName } from '../domain/catalog.js';
import { dailyDownloads } from '../domain/downloads.js';
import { fileSandboxCsp, readArtifactFile } from '../domain/files.js';
import { readStar, setStar } from '../domain/stars.js';
import { findVisibleVersion } from '../domain/versions.js';
import { viewerOf } from '../http/auth.js';
import type { AppEnv } from '../http/context.js';
import {
  aboutOf,
  CopyLine,
  DependenciesSection,
  FilesSection,
  PermissionsSection,
  ScanReport,
  VersionsSection,
} from './artifact-sections.js';
import { DownloadsChart, VerdictBadge } from './components.js';
import { renderFile } from './file-view.js';
import { Layout } from './layout.js';
import { renderMarkdown, splitFrontmatter } from './markdown.js';
import {
  artifactPath,
  createPageKit,
  filePathSegments,
  formatCount,
  formText,
  managePath,
  type PageContext,
} from './page-kit.js';

/**
 * `/artifacts/<name>[/v/<version>[/files/<path>]]`, `/artifacts/<name>/star` or `/artifacts/<name>/badge.svg`,
 * `@org/name` in two segments.
 */
interface ArtifactRoute {
  name: string;
  version?: string;
  file?: string;
  action?: 'star' | 'badge';
}

export function parseArtifactPath(path: string): ArtifactRoute | undefined {
  let segments: string[];
  try {
    segments = path
      .replace(/^\/artifacts\//, '')
      .split('/')
      .map(decodeURIComponent);
  } catch {
    return undefined;
  }
  if (segments.some((segment) => segment === '' || segment.includes('\0'))) return undefined;
  const nameLength = segments[0]?.startsWith('@') ? 2 : 1;
  if (segments.length < nameLength) return undefined;
  const name = segments.slice(0, nameLength).join('/');
  const rest = segments.slice(nameLength);
  if (rest.length === 0) return { name };
  if (rest.length === 1 && rest[0] === 'star') return { name, action: 'star' };
  if (rest.length === 1 && rest[0] === 'badge.svg') return { name, action: 'badge' };
  if (rest[0] !== 'v' || rest[1] === undefined) return undefined;
  if (rest.length === 2) return { name, version: rest[1] };
  if (rest[2] === 'files' && rest.length > 3)
    return { name, version: rest[1], file: rest.slice(3).join('/') };
  return undefined;
}

export function artifactPages(deps: AppDeps) {
  const app = new Hono<AppEnv>();
  const kit = createPageKit(deps);

  const load = async (c: PageContext, route: ArtifactRoute) => {
    const pkg = await requireReadablePackage(deps.db, c.get('tenant').id, route.name, viewerOf(c));
    const wanted = route.version ?? pkg.latest_version;
    const version = wanted ? await findVisibleVersion(deps.db, pkg.id, wanted) : undefined;
    if (!version) throw new AgentryError('not_found', { message: `${route.name}@${wanted} does not exist.` });
    return { pkg, version };
  };

  app.get('/artifacts/*', async (c) => {
    const route = parseArtifactPath(c.req.path);
    if (route?.action === 'badge') return sendBadge(c, route.name);
    if (!route || route.action) throw new AgentryError('not_found');
    const { pkg, version } = await load(c, route);
    if (route.file !== undefined)
      return renderFile(kit, c, pkg, version, route.file, await readArtifactFile(deps, version, route.file));
    return renderArtifact(c, pkg, version);
  });

  app.post('/artifacts/*', async (c) => {
    const route = parseArtifactPath(c.req.path);
    if (route?.action !== 'star') throw new AgentryError('not_found');
    const form = await kit.readCheckedForm(c);
    const signed = kit.signedIn(c);
    if ('redirect' in signed) return signed.redirect;
    const pkg = await requireReadablePackage(deps.db, c.get('tenant').id, route.name, viewerOf(c));
    await setStar(deps.db, pkg.id, signed.principal.user.id, formText(form, 'starred') === 'true');
    return c.redirect(artifactPath(pkg.name), 303);
  });

  // The page's own badge, read with the page's session: a private artifact's page shows its score to those
  // who may see it, where the public badge URL (for READMEs elsewhere) says "not found" to everyone else.
  const sendBadge = async (c: PageContext, name: string) => {
    const pkg = await requireReadablePackage(deps.db, c.get('tenant').id, name, viewerOf(c));
    c.header('Content-Type', 'image/svg+xml; charset=utf-8');
    c.header('Content-Security-Policy', fileSandboxCsp);
    c.header('Cache-Control', 'private, no-store');
    return c.body(await latestScoreBadge(deps.db, pkg));
  };

  const publisherLink = async (pkg: Package) => {
    const name = await publisherName(deps.db, pkg);
    return {
      name,
      href: pkg.scope ? `/orgs/${encodeURIComponent(pkg.scope)}` : `/users/${encodeURIComponent(name)}`,
    };
  };

  async function renderArtifact(c: PageContext, pkg: Package, version: Version) {
    const viewer = c.get('principal');
    const [versions, findings, days, publisher, star, canManage] = await Promise.all([
      listVisibleVersions(deps.db, pkg.id),
      listFindings(deps.db, version.id),
      dailyDownloads(deps.db, pkg.id, 30),
      publisherLink(pkg),
      viewer ? readStar(deps.db, pkg.id, viewer.user.id) : undefined,
      viewer ? canWritePackage(deps.db, pkg, viewerOf(c)) : false,
    ]);
    const csrf = kit.csrf(c);
    const fileUrl = (path: string) =>
      `/api/v1/skills/${encodeURIComponent(pkg.name)}/${encodeURIComponent(version.version)}/files/${filePathSegments(path)}`;
    const readme = version.readme ?? pkg.readme ?? '';
    const { frontmatter } = splitFrontmatter(readme);
    const readmeHtml = readme.trim() ? renderMarkdown(readme, { resolveUrl: fileUrl, headingOffset: 1 }) : '';
    const files = (version.files ?? []).slice().sort((a, b) => a.path.localeCompare(b.path));
    const dependencies = Object.entries(version.dependencies ?? {});
    const permissions = version.permissions ?? {};
    // Statuses are keyed stage0…stage5 (Tank's shape) and findings by stage name: one row per stage.
    const stages = scanStageNames.map((name, index) => ({
      name,
      status: version.scan_stages?.[`stage${index}`],
      findings: findings.filter((f) => f.stage === name),
    }));
    const scanned = stages.some((stage) => stage.status || stage.findings.length > 0);
    const base = deps.config.publicUrl.replace(/\/$/, '');
    const badgeUrl = `${base}/api/v1/badge/${pkg.name}`;
    const isLatest = version.version === pkg.latest_version;
    const registryFlag = kit.registryFlag(c);
    const about = aboutOf(version.manifest as unknown as Record<string, unknown>, pkg.repository);
    const starred = star?.starred ?? false;
    return kit.send(
      c,
      <Layout title={pkg.name} user={kit.user(c)} csrf={csrf}>
        <article class="artifact" aria-labelledby="artifact-title">
          <header class="artifact-header">
            <h1 id="artifact-title">
              {pkg.name} <span class="version">v{version.version}</span>
            </h1>
            <p class="artifact-badges">
              <span class="kind">{pkg.kind}</span>
              {pkg.visibility !== 'public' ? <span class="tag-private">{pkg.visibility}</span> : null}
              <VerdictBadge verdict={version.verdict} score={version.audit_score} />
              {version.status === 'yanked' ? <span class="tag-yanked">yanked</span> : null}
              {version.deprecated_message ? <span class="tag-deprecated">deprecated</span> : null}
              {isLatest ? null : <a href={artifactPath(pkg.name)}>latest is v{pkg.latest_version}</a>}
            </p>
            {version.description ? <p class="lead">{version.description}</p> : null}
            {about.length > 0 ? (
              <ul class="artifact-about" aria-label="About" data-testid="about">
                {about.map((item) => (
                  <li>
                    {item.label}:{' '}
                    {item.href ? (
                      <a href={item.href} rel="nofollow noopener">
                        {item.text}
                      </a>
                    ) : (
                      item.text
                    )}
                  </li>
                ))}
              </ul>
            ) : null}
            {version.deprecated_message ? (
              <p class="warning" role="note">
                Deprecated: {version.deprecated_message}
              </p>
            ) : null}
            {version.status === 'yanked' ? (
              <p class="warning" role="note">
                This version was yanked{version.yank_reason ? `: ${version.yank_reason}` : '.'}
              </p>
            ) : null}
            <div class="artifact-actions">
              <span>
                by <a href={publisher.href}>{publisher.name}</a>
              </span>
              {canManage ? (
                <a href={managePath(pkg.name)} data-testid="manage-link">
                  Manage
                </a>
              ) : null}
              <form method="post" action={artifactPath(pkg.name, 'star')} class="inline star-form">
                <input type="hidden" name="csrf" value={csrf} />
                <input type="hidden" name="starred" value={starred ? 'false' : 'true'} />
                <button type="submit" aria-pressed={starred ? 'true' : 'false'} data-testid="star-button">
                  {starred ? '★ Starred' : '☆ Star'}
                </button>
                <span data-testid="star-count">{formatCount(pkg.stars_count)}</span>
              </form>
              <span>
                {formatCount(pkg.downloads_total)} download{pkg.downloads_total === 1 ? '' : 's'}
              </span>
            </div>
            {pkg.keywords.length > 0 ? (
              <ul class="tags" aria-label="Keywords">
                {pkg.keywords.map((keyword) => (
                  <li>
                    <a href={`/search?q=${encodeURIComponent(keyword)}`}>{keyword}</a>
                  </li>
                ))}
              </ul>
            ) : null}
          </header>
          <nav class="section-nav" aria-label="Sections">
            <a href="#readme">Readme</a> <a href="#install">Install</a> <a href="#versions">Versions</a>{' '}
            <a href="#files">Files</a> <a href="#security">Security</a> <a href="#permissions">Permissions</a>{' '}
            <a href="#dependencies">Dependencies</a> <a href="#badge">Badge</a>
          </nav>
          <div class="artifact-body">
            <section id="readme" class="readme" aria-label="Readme">
              {frontmatter ? (
                <details class="frontmatter">
                  <summary>Frontmatter</summary>
                  <pre>
                    <code>{frontmatter}</code>
                  </pre>
                </details>
              ) : null}
              {readmeHtml ? (
                <div class="markdown" data-testid="readme" dangerouslySetInnerHTML={{ __html: readmeHtml }} />
              ) : (
                <p class="muted">This artifact has no README.</p>
              )}
            </section>
            <aside class="artifact-side">
              <section id="install" aria-labelledby="install-heading">
                <h2 id="install-heading">Install</h2>
                <CopyLine
                  text={`agentry install ${pkg.name}${isLatest ? '' : `@${version.version}`}${registryFlag}`}
                />
                <details>
                  <summary>For one agent tool</summary>
                  <ul class="install-tools">
                    {toolIds.map((id) => (
                      <li>
                        <span class="tool-name">{installTargets[id].name}</span>
                        <CopyLine text={`agentry install ${pkg.name} --tool ${id}${registryFlag}`} />
                      </li>
                    ))}
                  </ul>
                </details>
              </section>
              <section aria-labelledby="downloads-heading">
                <h2 id="downloads-heading">Downloads</h2>
                <DownloadsChart days={days} />
              </section>
              <section id="badge" aria-labelledby="badge-heading">
                <h2 id="badge-heading">Badge</h2>
                <p>
                  <img
                    src={
                      pkg.visibility === 'public'
                        ? `/api/v1/badge/${pkg.name}`
                        : artifactPath(pkg.name, 'badge.svg')
                    }
                    alt={`Agentry score of ${pkg.name}`}
                    data-testid="badge-image"
                  />
                </p>
                {pkg.visibility === 'public' ? null : (
                  <p class="muted">
                    While it is {pkg.visibility}, the badge URL below shows "not found": badges show public
                    artifacts only.
                  </p>
                )}
                <CopyLine text={`[![Agentry](${badgeUrl})](${base}${artifactPath(pkg.name)})`} />
              </section>
            </aside>
          </div>
          <VersionsSection pkg={pkg} version={version} versions={versions} />
          <FilesSection pkg={pkg} version={version} files={files} />
          <ScanReport pkg={pkg} version={version} stages={scanned ? stages : undefined} />
          <PermissionsSection permissions={permissions} />
          <DependenciesSection dependencies={dependencies} />
        </article>
      </Layout>,
    );
  }
  return app;
}
