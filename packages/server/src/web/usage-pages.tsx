/**
 * The usage page for tenant admins: downloads and views per day (an SVG drawn on the server, like the
 * artifact page's downloads chart), the most used skills, and decay candidates with an archive button.
 * Figures come from the same domain module as skill-pool's usage endpoints.
 */
import { AgentryError } from '@agentry/core';
import { Hono } from 'hono';
import type { AppDeps } from '../app-deps.js';
import { archiveSkill } from '../domain/skill-pool-publish.js';
import { decayCandidates, type TimelineDay, topSkills, usageTimeline } from '../domain/skill-pool-usage.js';
import type { AppEnv } from '../http/context.js';
import { createTeamKit, Notice, type TeamFrame } from './inbox-pages.js';
import { artifactPath, formatCount, formText, type PageContext } from './page-kit.js';

/** Downloads and views per day as grouped bars; no script, no inline style, a text alternative. */
export function UsageChart(props: { days: TimelineDay[] }) {
  const width = 600;
  const height = 120;
  const max = Math.max(1, ...props.days.map((d) => Math.max(d.downloads, d.views)));
  const slot = width / Math.max(1, props.days.length);
  const bar = Math.max(1, (slot - 2) / 2);
  const downloads = props.days.reduce((sum, d) => sum + d.downloads, 0);
  const views = props.days.reduce((sum, d) => sum + d.views, 0);
  const label = `${downloads} downloads and ${views} views in the last ${props.days.length} days`;
  const barOf = (value: number, x: number, kind: string, day: string) => {
    const h = Math.round((value / max) * height);
    return (
      <rect
        class={`bar ${kind}`}
        x={x.toFixed(1)}
        y={String(height - h)}
        width={bar.toFixed(1)}
        height={String(Math.max(h, value > 0 ? 1 : 0))}
      >
        <title>{`${day}: ${value} ${kind}`}</title>
      </rect>
    );
  };
  return (
    <figure class="chart">
      <svg
        viewBox={`0 0 ${width} ${height + 20}`}
        role="img"
        aria-label={label}
        class="downloads-chart"
        data-testid="usage-chart"
      >
        {props.days.map((d, i) => {
          const day = d.day.slice(0, 10);
          return (
            <g>
              {barOf(d.downloads, i * slot + 1, 'downloads', day)}
              {barOf(d.views, i * slot + 1 + bar, 'views', day)}
            </g>
          );
        })}
        <line class="axis" x1="0" y1={String(height)} x2={String(width)} y2={String(height)} />
        <text class="axis-label" x="0" y={String(height + 16)}>
          {props.days[0]?.day.slice(0, 10) ?? ''}
        </text>
        <text class="axis-label" x={String(width)} y={String(height + 16)} text-anchor="end">
          {props.days.at(-1)?.day.slice(0, 10) ?? ''}
        </text>
      </svg>
      <figcaption>
        {formatCount(downloads)} downloads (dark) and {formatCount(views)} views (light) in the last{' '}
        {props.days.length} days
      </figcaption>
    </figure>
  );
}

const windows = [30, 90] as const;

export function usagePages(deps: AppDeps) {
  const app = new Hono<AppEnv>();
  const team = createTeamKit(deps);
  const { kit } = team;

  const page = async (c: PageContext, frame: TeamFrame, state: { notice?: string; error?: string } = {}) => {
    const tenantId = c.get('tenant').id;
    const days = c.req.query('days') === '90' ? 90 : 30;
    const [timeline, top, decay] = await Promise.all([
      usageTimeline(deps.db, tenantId, days),
      topSkills(deps.db, tenantId, days, 10),
      decayCandidates(deps.db, tenantId, { days: 180, maxUses: 3, limit: 50 }),
    ]);
    const csrf = kit.csrf(c);
    return frame.page(
      'Usage',
      '/dashboard/usage',
      <>
        <Notice text={state.notice} />
        <Notice text={state.error} error />
        <nav aria-label="Window" class="filters">
          {windows.map((w) => (
            <a href={`/dashboard/usage?days=${w}`} aria-current={w === days ? 'page' : undefined}>
              {w} days
            </a>
          ))}
        </nav>
        <section aria-labelledby="timeline-heading">
          <h2 id="timeline-heading">Downloads and views</h2>
          <UsageChart days={timeline} />
        </section>
        <section aria-labelledby="top-heading">
          <h2 id="top-heading">Most used</h2>
          {top.length === 0 ? (
            <p class="muted">No usage recorded in this window.</p>
          ) : (
            <table data-testid="top-skills">
              <thead>
                <tr>
                  <th scope="col">Skill</th>
                  <th scope="col">Downloads</th>
                  <th scope="col">Views</th>
                  <th scope="col">Total</th>
                </tr>
              </thead>
              <tbody>
                {top.map((row) => (
                  <tr>
                    <td>
                      <a href={artifactPath(row.name)}>{row.slug}</a>
                    </td>
                    <td>{row.downloads}</td>
                    <td>{row.views}</td>
                    <td>{row.total}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
        <section aria-labelledby="decay-heading">
          <h2 id="decay-heading">Decay candidates</h2>
          <p class="muted">Skills used fewer than 3 times whose last use is more than 180 days ago.</p>
          {decay.length === 0 ? (
            <p class="muted">None.</p>
          ) : (
            <table data-testid="decay">
              <thead>
                <tr>
                  <th scope="col">Skill</th>
                  <th scope="col">Version</th>
                  <th scope="col">Uses</th>
                  <th scope="col">Last used</th>
                  <th scope="col">Archive</th>
                </tr>
              </thead>
              <tbody>
                {decay.map((row) => (
                  <tr>
                    <td>
                      <a href={artifactPath(row.name)}>{row.slug}</a>
                    </td>
                    <td>{row.version}</td>
                    <td>{row.use_count}</td>
                    <td>{row.last_used_at.slice(0, 10)}</td>
                    <td>
                      <form method="post" action="/dashboard/usage/archive" class="inline">
                        <input type="hidden" name="csrf" value={csrf} />
                        <input type="hidden" name="slug" value={row.slug} />
                        <button type="submit" aria-label={`Archive ${row.slug}`}>
                          Archive
                        </button>
                      </form>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      </>,
    );
  };

  app.get('/dashboard/usage', async (c) => {
    const frame = await team.member(c, 'admin');
    if (frame instanceof Response) return frame;
    return page(c, frame);
  });

  app.post('/dashboard/usage/archive', async (c) => {
    const frame = await team.member(c, 'admin');
    if (frame instanceof Response) return frame;
    const form = await kit.readCheckedForm(c);
    const slug = formText(form, 'slug');
    try {
      const archived = await archiveSkill(deps.db, {
        tenantId: c.get('tenant').id,
        slug,
        kind: 'skill',
        actorId: frame.principal.user.id,
      });
      return page(c, frame, { notice: `Archived ${archived.slug}@${archived.version}.` });
    } catch (error) {
      if (!(error instanceof AgentryError) || error.status >= 500) throw error;
      return page(c, frame, { error: error.message });
    }
  });

  return app;
}
