/**
 * An artifact's page: rendered README, install commands, versions, files, scan report, permissions,
 * dependencies, badge snippet, stars and a 30-day downloads chart; one version's file viewer; the star
 * form. A private artifact is a 404 to anyone who may not read it, exactly like a missing one.
 */
import {
  AgentryError,
  auditScoreExplanation,
  describePermissions,
  installTargets,
  type StageName,
  stageNames as scanStageNames,
  toolIds,
} from '@agentry/core';
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
import { DownloadsChart, VerdictBadge } from './components.js';
import { Layout } from './layout.js';
import { highlightFile, renderMarkdown, splitFrontmatter } from './markdown.js';
import {
  artifactPath,
  createPageKit,
  filePathSegments,
  formatCount,
  formatDate,
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

const maxViewBytes = 1024 * 1024;

const stageLabels: Record<StageName, string> = {
  ingest: 'Archive and ingest',
  structure: 'Structure and manifest',
  static: 'Static analysis',
  injection: 'Prompt injection',
  secrets: 'Secrets',
  supply_chain: 'Supply chain',
};

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
    if (route.file !== undefined) return renderFile(c, pkg, version, route.file);
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
          <section id="versions" aria-labelledby="versions-heading">
            <h2 id="versions-heading">Versions</h2>
            <table data-testid="versions" class="stack-table">
              <thead>
                <tr>
                  <th scope="col">Version</th>
                  <th scope="col">Published</th>
                  <th scope="col">Verdict</th>
                  <th scope="col">State</th>
                </tr>
              </thead>
              <tbody>
                {versions.map((v) => (
                  <tr class={v.id === version.id ? 'current' : undefined}>
                    <td>
                      <a href={artifactPath(pkg.name, 'v', v.version)}>{v.version}</a>
                    </td>
                    <td data-label="Published">{formatDate(v.published_at)}</td>
                    <td data-label="Verdict">
                      <VerdictBadge verdict={v.verdict} score={v.audit_score} />
                    </td>
                    <td data-label="State">
                      {v.status === 'yanked' ? <span class="tag-yanked">yanked</span> : null}
                      {v.deprecated_message ? (
                        <span class="tag-deprecated" title={v.deprecated_message}>
                          deprecated
                        </span>
                      ) : null}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
          <section id="files" aria-labelledby="files-heading">
            <h2 id="files-heading">
              Files <span class="muted">({files.length})</span>
            </h2>
            <table data-testid="files">
              <thead>
                <tr>
                  <th scope="col">Path</th>
                  <th scope="col">Size</th>
                </tr>
              </thead>
              <tbody>
                {files.map((file) => (
                  <tr>
                    <td>
                      <a
                        href={
                          artifactPath(pkg.name, 'v', version.version, 'files') +
                          `/${filePathSegments(file.path)}`
                        }
                      >
                        {file.path}
                      </a>
                    </td>
                    <td>{formatBytes(file.size)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <p class="muted">
              Integrity <code class="integrity">{version.integrity ?? '—'}</code>
            </p>
          </section>
          <section id="security" aria-labelledby="security-heading" data-testid="scan-report">
            <h2 id="security-heading">Security scan</h2>
            <p>
              <VerdictBadge verdict={version.verdict} score={version.audit_score} />{' '}
              {version.scanned_at ? `scanned ${formatDate(version.scanned_at)}` : ''}
            </p>
            <p class="muted score-explanation" data-testid="score-explanation">
              {auditScoreExplanation}
            </p>
            {scanned ? null : <p class="muted">No scan results.</p>}
            {(scanned ? stages : []).map(({ name, status, findings: stageFindings }, index) => {
              return (
                <section class="scan-stage" aria-label={`Stage ${index}: ${stageLabels[name]}`}>
                  <h3>
                    {index}. {stageLabels[name]}{' '}
                    <span class={`stage-status stage-${status ?? 'none'}`}>{status ?? 'not run'}</span>
                  </h3>
                  {stageFindings.length === 0 ? (
                    <p class="muted">No findings.</p>
                  ) : (
                    <ul class="findings">
                      {stageFindings.map((finding) => (
                        <li class={`finding severity-${finding.severity}`}>
                          <span class="severity">{finding.severity}</span>{' '}
                          <code>{finding.rule.toUpperCase()}</code> {finding.message}
                          {finding.file ? (
                            <>
                              {' '}
                              <a
                                href={`${artifactPath(pkg.name, 'v', version.version, 'files')}/${filePathSegments(finding.file)}${finding.line ? `#L${finding.line}` : ''}`}
                              >
                                {finding.file}
                                {finding.line ? `:${finding.line}` : ''}
                              </a>
                            </>
                          ) : null}
                        </li>
                      ))}
                    </ul>
                  )}
                </section>
              );
            })}
          </section>
          <section id="permissions" aria-labelledby="permissions-heading">
            <h2 id="permissions-heading">Declared permissions</h2>
            {describePermissions(permissions).length === 0 ? (
              <p class="muted">None declared: it says it needs no network, files or subprocess.</p>
            ) : (
              <ul class="permissions" data-testid="permissions">
                {describePermissions(permissions).map((line) => (
                  <li>{line}</li>
                ))}
              </ul>
            )}
          </section>
          <section id="dependencies" aria-labelledby="dependencies-heading">
            <h2 id="dependencies-heading">Dependencies</h2>
            {dependencies.length === 0 ? (
              <p class="muted">None.</p>
            ) : (
              <ul>
                {dependencies.map(([name, range]) => (
                  <li>
                    <a href={artifactPath(name)}>{name}</a> <code>{range}</code>
                  </li>
                ))}
              </ul>
            )}
          </section>
        </article>
      </Layout>,
    );
  }

  async function renderFile(c: PageContext, pkg: Package, version: Version, path: string) {
    const file = await readArtifactFile(deps, version, path);
    const raw = `/api/v1/skills/${encodeURIComponent(pkg.name)}/${encodeURIComponent(version.version)}/files/${filePathSegments(path)}`;
    // An SVG is shown as its source here (what it would draw is one click away, under "Raw").
    const svg = file.contentType.startsWith('image/svg+xml');
    const text =
      !file.attachment &&
      (svg || !file.contentType.startsWith('image/')) &&
      file.content.length <= maxViewBytes;
    const highlighted = text ? highlightFile(path, file.content.toString('utf8')) : undefined;
    const lineCount = highlighted ? file.content.toString('utf8').split('\n').length : 0;
    return kit.send(
      c,
      <Layout title={`${path} · ${pkg.name}`} user={kit.user(c)} csrf={kit.csrf(c)}>
        <nav class="breadcrumbs" aria-label="Breadcrumbs">
          <a href={artifactPath(pkg.name, 'v', version.version)}>
            {pkg.name}@{version.version}
          </a>{' '}
          / <span>{path}</span>
        </nav>
        <section class="file-view" aria-label={`File ${path}`}>
          <header class="file-header">
            <h1>{path}</h1>
            <span class="muted">
              {formatBytes(file.content.length)}
              {highlighted?.language ? ` · ${highlighted.language}` : ''}
            </span>
            <a href={raw}>Raw</a>
          </header>
          {highlighted ? (
            <div class="code">
              <pre class="gutter" aria-hidden="true">
                {Array.from({ length: lineCount }, (_, i) => (
                  <a id={`L${i + 1}`} href={`#L${i + 1}`}>
                    {`${i + 1}\n`}
                  </a>
                ))}
              </pre>
              <pre class="source" data-testid="file-source">
                <code class="hljs" dangerouslySetInnerHTML={{ __html: highlighted.html }} />
              </pre>
            </div>
          ) : file.contentType.startsWith('image/') ? (
            <p>
              <img src={raw} alt={path} />
            </p>
          ) : (
            <p class="muted">
              This file is binary or too large to show here. <a href={raw}>Download it</a>.
            </p>
          )}
        </section>
      </Layout>,
    );
  }
  return app;
}

/** License, repository and homepage from the manifest; links only for http(s) URLs. */
function aboutOf(manifest: Record<string, unknown>, repository: string | null) {
  const text = (value: unknown) =>
    typeof value === 'string' && value.trim() ? value.trim().slice(0, 300) : undefined;
  const urlOf = (value: unknown) => {
    const raw = text(typeof value === 'object' && value ? (value as { url?: unknown }).url : value);
    if (!raw) return undefined;
    const url = raw.replace(/^git\+/, '').replace(/\.git$/, '');
    return /^https?:\/\//i.test(url) ? url : undefined;
  };
  const items: { label: string; text: string; href?: string | undefined }[] = [];
  const license = text(manifest.license);
  if (license) items.push({ label: 'License', text: license });
  const repo = urlOf(manifest.repository) ?? urlOf(repository);
  if (repo) items.push({ label: 'Repository', text: repo.replace(/^https?:\/\//i, ''), href: repo });
  const homepage = urlOf(manifest.homepage);
  if (homepage && homepage !== repo)
    items.push({ label: 'Homepage', text: homepage.replace(/^https?:\/\//i, ''), href: homepage });
  return items;
}

function CopyLine(props: { text: string }) {
  return (
    <div class="copy-line">
      <code>{props.text}</code>
      <button type="button" class="copy" data-copy={props.text} hidden>
        Copy
      </button>
    </div>
  );
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
