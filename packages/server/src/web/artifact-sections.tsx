/**
 * The lower sections of an artifact's page: versions, files, the scan report by stage, declared
 * permissions and dependencies; and the small pieces the page's header and side column use.
 */
import { describePermissions, type StageName } from '@agentry/core';
import { auditScoreExplanation } from '@agentry/core/scanner';
import type { Package, Version } from '../db/schema.js';
import type { listFindings } from '../domain/catalog.js';
import { VerdictBadge } from './components.js';
import { artifactPath, filePathSegments, formatDate } from './page-kit.js';

type Finding = Awaited<ReturnType<typeof listFindings>>[number];

/** One row per scan stage: its status (Tank's `stageN` keys) and its findings. */
export interface StageReport {
  name: StageName;
  status: string | undefined;
  findings: Finding[];
}

const stageLabels: Record<StageName, string> = {
  ingest: 'Archive and ingest',
  structure: 'Structure and manifest',
  static: 'Static analysis',
  injection: 'Prompt injection',
  secrets: 'Secrets',
  supply_chain: 'Supply chain',
};

export function VersionsSection({
  pkg,
  version,
  versions,
}: {
  pkg: Package;
  version: Version;
  versions: Version[];
}) {
  return (
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
  );
}

export function FilesSection({
  pkg,
  version,
  files,
}: {
  pkg: Package;
  version: Version;
  files: NonNullable<Version['files']>;
}) {
  return (
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
                    artifactPath(pkg.name, 'v', version.version, 'files') + `/${filePathSegments(file.path)}`
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
  );
}

export function ScanReport({
  pkg,
  version,
  stages,
}: {
  pkg: Package;
  version: Version;
  /** Undefined when the version has no scan results. */
  stages: StageReport[] | undefined;
}) {
  return (
    <section id="security" aria-labelledby="security-heading" data-testid="scan-report">
      <h2 id="security-heading">Security scan</h2>
      <p>
        <VerdictBadge verdict={version.verdict} score={version.audit_score} />{' '}
        {version.scanned_at ? `scanned ${formatDate(version.scanned_at)}` : ''}
      </p>
      <p class="muted score-explanation" data-testid="score-explanation">
        {auditScoreExplanation}
      </p>
      {stages ? null : <p class="muted">No scan results.</p>}
      {(stages ?? []).map(({ name, status, findings: stageFindings }, index) => {
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
                    <span class="severity">{finding.severity}</span> <code>{finding.rule.toUpperCase()}</code>{' '}
                    {finding.message}
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
  );
}

export function PermissionsSection({ permissions }: { permissions: NonNullable<Version['permissions']> }) {
  return (
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
  );
}

export function DependenciesSection({ dependencies }: { dependencies: [string, string][] }) {
  return (
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
  );
}

/** License, repository and homepage from the manifest; links only for http(s) URLs. */
export function aboutOf(manifest: Record<string, unknown>, repository: string | null) {
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

export function CopyLine(props: { text: string }) {
  return (
    <div class="copy-line">
      <code>{props.text}</code>
      <button type="button" class="copy" data-copy={props.text} hidden>
        Copy
      </button>
    </div>
  );
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
