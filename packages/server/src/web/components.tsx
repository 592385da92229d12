/** Pieces several pages share: artifact lists, verdict badges, pagination and the downloads chart. */
import type { SearchHit } from '../domain/search.js';
import { artifactPath, formatCount, formatDate, managePath } from './page-kit.js';

const verdictClass: Record<string, string> = {
  PASS: 'pass',
  PASS_WITH_NOTES: 'notes',
  FLAGGED: 'flagged',
  FAIL: 'fail',
};

export function VerdictBadge(props: { verdict: string | null; score?: number | null }) {
  if (!props.verdict) return <span class="verdict verdict-none">not scanned</span>;
  return (
    <span class={`verdict verdict-${verdictClass[props.verdict] ?? 'none'}`}>
      {props.verdict.replace(/_/g, ' ')}
      {props.score !== undefined && props.score !== null ? ` · ${props.score}/10` : ''}
    </span>
  );
}

export function ArtifactList(props: { hits: SearchHit[]; empty: string; manage?: boolean }) {
  if (props.hits.length === 0) return <p class="muted">{props.empty}</p>;
  return (
    <ul class="artifact-list">
      {props.hits.map((hit) => (
        <li class="artifact-item">
          <div class="artifact-head">
            <a class="artifact-name" href={artifactPath(hit.name)}>
              {hit.name}
            </a>
            <span class="kind">{hit.kind}</span>
            {hit.visibility !== 'public' ? <span class="tag-private">{hit.visibility}</span> : null}
            {hit.deprecated ? <span class="tag-deprecated">deprecated</span> : null}
            <VerdictBadge verdict={hit.verdict} score={hit.auditScore} />
            {props.manage ? (
              <a class="manage-link" href={managePath(hit.name)} aria-label={`Manage ${hit.name}`}>
                Manage
              </a>
            ) : null}
          </div>
          {hit.description ? <p class="artifact-description">{hit.description}</p> : null}
          <p class="artifact-meta">
            <span>{hit.latestVersion ? `v${hit.latestVersion}` : ''}</span>
            <span>by {hit.publisher}</span>
            <span title="downloads in the last 7 days">
              {formatCount(hit.downloads)} weekly download{hit.downloads === 1 ? '' : 's'}
            </span>
            <span>★ {formatCount(hit.stars)}</span>
            <span>updated {formatDate(hit.updatedAt)}</span>
          </p>
          {hit.tags.length > 0 ? (
            <ul class="tags" aria-label="Tags">
              {hit.tags.slice(0, 8).map((tag) => (
                <li>
                  <a href={`/search?tag=${encodeURIComponent(tag)}`}>{tag}</a>
                </li>
              ))}
            </ul>
          ) : null}
        </li>
      ))}
    </ul>
  );
}

export function Pagination(props: { page: number; pages: number; hrefFor: (page: number) => string }) {
  if (props.pages <= 1) return null;
  return (
    <nav class="pagination" aria-label="Pages">
      {props.page > 1 ? (
        <a href={props.hrefFor(props.page - 1)} rel="prev">
          ← Previous
        </a>
      ) : null}
      <span>
        Page {props.page} of {props.pages}
      </span>
      {props.page < props.pages ? (
        <a href={props.hrefFor(props.page + 1)} rel="next">
          Next →
        </a>
      ) : null}
    </nav>
  );
}

/**
 * Downloads per day as an SVG bar chart drawn on the server: no script, no inline style (the CSP
 * forbids both), a text alternative for screen readers and a tooltip per bar.
 */
export function DownloadsChart(props: { days: { day: string; downloads: number }[] }) {
  const width = 600;
  const height = 120;
  const gap = 2;
  const max = Math.max(1, ...props.days.map((d) => d.downloads));
  const barWidth = width / Math.max(1, props.days.length);
  const total = props.days.reduce((sum, d) => sum + d.downloads, 0);
  return (
    <figure class="chart">
      <svg
        viewBox={`0 0 ${width} ${height + 20}`}
        role="img"
        aria-label={`${total} download${total === 1 ? '' : 's'} in the last ${props.days.length} days`}
        class="downloads-chart"
      >
        {props.days.map((d, i) => {
          const h = Math.round((d.downloads / max) * height);
          return (
            <rect
              class="bar"
              x={(i * barWidth + gap / 2).toFixed(1)}
              y={String(height - h)}
              width={(barWidth - gap).toFixed(1)}
              height={String(Math.max(h, d.downloads > 0 ? 1 : 0))}
            >
              <title>{`${d.day}: ${d.downloads}`}</title>
            </rect>
          );
        })}
        <line class="axis" x1="0" y1={String(height)} x2={String(width)} y2={String(height)} />
        <text class="axis-label" x="0" y={String(height + 16)}>
          {props.days[0]?.day ?? ''}
        </text>
        <text class="axis-label" x={String(width)} y={String(height + 16)} text-anchor="end">
          {props.days.at(-1)?.day ?? ''}
        </text>
      </svg>
      <figcaption>
        {formatCount(total)} download{total === 1 ? '' : 's'} in the last {props.days.length} days
      </figcaption>
    </figure>
  );
}
