/** The home page (search box, counts, popular and recently updated) and the search results page. */
import { artifactKinds, installTargets, toolIds } from '@agentry/core';
import { Hono } from 'hono';
import type { AppDeps } from '../app-deps.js';
import { countPublicByKind } from '../domain/catalog.js';
import { type SearchSort, searchPackages, searchSorts } from '../domain/search.js';
import { viewerOf } from '../http/auth.js';
import type { AppEnv } from '../http/context.js';
import { ArtifactList, Pagination } from './components.js';
import { Layout } from './layout.js';
import { createPageKit, formatCount } from './page-kit.js';

const pageSize = 20;
const countsTtlMs = 30_000;
/** Deep pages cost an offset scan and nobody reads them; the results say to refine the query instead. */
const maxPage = 50;
const verdicts = ['PASS', 'PASS_WITH_NOTES', 'FLAGGED', 'FAIL'] as const;

function firstOf(value: string | undefined, allowed: readonly string[]): string | undefined {
  return value && allowed.includes(value) ? value : undefined;
}

export function searchPages(deps: AppDeps) {
  const app = new Hono<AppEnv>();
  const kit = createPageKit(deps);

  // Home-page counts per tenant, at most countsTtlMs old: counting 100,000 rows per visit would cost
  // more than the rest of the page (bench/web-render.mjs), and a count a few seconds stale harms no one.
  const counts = new Map<string, { at: number; byKind: Promise<Record<string, number>> }>();
  const publicCounts = (tenantId: string) => {
    const cached = counts.get(tenantId);
    if (cached && Date.now() - cached.at < countsTtlMs) return cached.byKind;
    const byKind = countPublicByKind(deps.db, tenantId);
    counts.set(tenantId, { at: Date.now(), byKind });
    byKind.catch(() => counts.delete(tenantId));
    return byKind;
  };

  app.get('/', async (c) => {
    const base = { tenantId: c.get('tenant').id, viewer: viewerOf(c), offset: 0 };
    const [popular, recent, byKind] = await Promise.all([
      searchPackages(deps.db, { ...base, sort: 'downloads', limit: 6 }),
      searchPackages(deps.db, { ...base, sort: 'updated', limit: 6 }),
      publicCounts(base.tenantId),
    ]);
    const kinds = Object.entries(byKind).sort((a, b) => b[1] - a[1]);
    const total = kinds.reduce((sum, [, n]) => sum + n, 0);
    return kit.send(
      c,
      <Layout title="Registry for AI-agent artifacts" user={kit.user(c)} csrf={kit.csrf(c)}>
        <section class="hero">
          <h1>Skills, agents, commands and MCP servers for every agent tool</h1>
          <p class="muted">
            Every artifact is hash-verified and security-scanned. Install into Claude Code, Cursor, Codex,
            Copilot, Gemini CLI, Windsurf, OpenCode and <code>.agents/</code> with one command.
          </p>
          <search>
            <form method="get" action="/search" class="hero-search">
              <label for="home-search">Search the registry</label>
              <div class="search-row">
                <input id="home-search" name="q" type="search" placeholder="e.g. code review" />
                <button type="submit">Search</button>
              </div>
            </form>
          </search>
          <p class="muted tenant-line">
            Tenant <code>{c.get('tenant').slug}</code> · <a href="/docs/api">API reference</a>
          </p>
          <ul class="counts" aria-label="Counts">
            <li>
              <strong data-testid="artifact-count">{formatCount(total)}</strong> public{' '}
              {total === 1 ? 'artifact' : 'artifacts'}
            </li>
            {kinds.map(([kind, n]) => (
              <li>
                <a href={`/search?kind=${kind}`}>
                  <strong>{formatCount(n)}</strong> {kind}
                  {n === 1 ? '' : 's'}
                </a>
              </li>
            ))}
          </ul>
        </section>
        <div class="columns">
          <section aria-labelledby="popular-heading">
            <h2 id="popular-heading">Popular this week</h2>
            <ArtifactList hits={popular.hits} empty="Nothing published yet." />
          </section>
          <section aria-labelledby="recent-heading">
            <h2 id="recent-heading">Recently updated</h2>
            <ArtifactList hits={recent.hits} empty="Nothing published yet." />
          </section>
        </div>
      </Layout>,
    );
  });

  app.get('/search', async (c) => {
    const q = (c.req.query('q') ?? '').slice(0, 200);
    const kind = firstOf(c.req.query('kind'), artifactKinds);
    const tool = firstOf(c.req.query('tool'), toolIds);
    const verdict = firstOf(c.req.query('verdict'), verdicts);
    const tag = (c.req.query('tag') ?? '').trim().toLowerCase().slice(0, 50) || undefined;
    const sort = firstOf(c.req.query('sort'), searchSorts) as SearchSort | undefined;
    const requested = Number.parseInt(c.req.query('page') ?? '1', 10);
    const page = Number.isFinite(requested) ? Math.min(Math.max(requested, 1), maxPage) : 1;
    const result = await searchPackages(deps.db, {
      tenantId: c.get('tenant').id,
      viewer: viewerOf(c),
      q,
      kinds: kind ? [kind] : undefined,
      tools: tool ? [tool] : undefined,
      tags: tag ? [tag] : undefined,
      verdicts: verdict ? [verdict] : undefined,
      sort,
      limit: pageSize,
      offset: (page - 1) * pageSize,
    });
    const pages = Math.min(maxPage, Math.ceil(result.total / pageSize));
    const params = { q, kind, tool, verdict, tag, sort };
    const hrefFor = (next: number) => {
      const search = new URLSearchParams();
      for (const [key, value] of Object.entries(params)) if (value) search.set(key, value);
      if (next > 1) search.set('page', String(next));
      return `/search?${search}`;
    };
    const option = (value: string, label: string, current: string | undefined) => (
      <option value={value} selected={value === (current ?? '')}>
        {label}
      </option>
    );
    return kit.send(
      c,
      <Layout title={q ? `“${q}” · Search` : 'Search'} user={kit.user(c)} csrf={kit.csrf(c)}>
        <h1>{q ? `Results for “${q}”` : 'Browse artifacts'}</h1>
        <search>
          <form method="get" action="/search" class="filters">
            <div class="filter">
              <label for="q">Query</label>
              <input id="q" name="q" type="search" value={q} />
            </div>
            <div class="filter">
              <label for="kind">Kind</label>
              <select id="kind" name="kind">
                {option('', 'Any kind', kind)}
                {artifactKinds.map((k) => option(k, k, kind))}
              </select>
            </div>
            <div class="filter">
              <label for="tool">Agent tool</label>
              <select id="tool" name="tool">
                {option('', 'Any tool', tool)}
                {toolIds.map((id) => option(id, installTargets[id].name, tool))}
              </select>
            </div>
            <div class="filter">
              <label for="tag">Tag</label>
              <input id="tag" name="tag" type="text" value={tag ?? ''} />
            </div>
            <div class="filter">
              <label for="verdict">Verdict</label>
              <select id="verdict" name="verdict">
                {option('', 'Any verdict', verdict)}
                {verdicts.map((v) => option(v, v.replace(/_/g, ' '), verdict))}
              </select>
            </div>
            <div class="filter">
              <label for="sort">Sort</label>
              <select id="sort" name="sort">
                {option('', 'Best match', sort)}
                {searchSorts.filter((s) => s !== 'relevance').map((s) => option(s, s, sort))}
              </select>
            </div>
            <button type="submit">Apply</button>
          </form>
        </search>
        <p class="muted" role="status" data-testid="result-count">
          {result.total === 0
            ? 'No artifacts match.'
            : `${formatCount(result.total)}${result.totalCapped ? '+' : ''} artifact${result.total === 1 ? '' : 's'}`}
          {page === maxPage && result.total > maxPage * pageSize ? ' — refine the query to see more.' : ''}
        </p>
        <ArtifactList hits={result.hits} empty="Try fewer filters or another word." />
        <Pagination page={page} pages={pages} hrefFor={hrefFor} />
      </Layout>,
    );
  });
  return app;
}
