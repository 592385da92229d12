/** One version's file viewer: highlighted text with line anchors, an image, or a link to the raw bytes. */
import type { Package, Version } from '../db/schema.js';
import type { readArtifactFile } from '../domain/files.js';
import { formatBytes } from './artifact-sections.js';
import { Layout } from './layout.js';
import { highlightFile } from './markdown.js';
import { artifactPath, filePathSegments, type PageContext, type PageKit } from './page-kit.js';

const maxViewBytes = 1024 * 1024;

export function renderFile(
  kit: PageKit,
  c: PageContext,
  pkg: Package,
  version: Version,
  path: string,
  file: Awaited<ReturnType<typeof readArtifactFile>>,
) {
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
