/**
 * The team pages behind skill-pool's inbox: the drafts inbox for curators (list with the pending badge,
 * SKILL.md, merge proposal, publish with a version, discard), and the team frame (role gate, navigation
 * with the pending badge) the other team pages share. Server-rendered; every form carries the CSRF
 * field; no script.
 */
import { AgentryError, type TenantRole, tenantRoleAtLeast } from '@agentry/core';
import { Hono } from 'hono';
import type { Child } from 'hono/jsx';
import type { AppDeps } from '../app-deps.js';
import type { SkillDraft } from '../db/inbox-schema.js';
import { publishDraftToCatalog } from '../domain/draft-submissions.js';
import {
  countPendingDrafts,
  type DraftFilter,
  discardDraft,
  findDraft,
  listDrafts,
  readDraftSkillMd,
} from '../domain/drafts.js';
import { findTenantRole } from '../domain/users.js';
import type { AppEnv, Principal } from '../http/context.js';
import { Layout } from './layout.js';
import { createPageKit, formatDate, formText, type PageContext } from './page-kit.js';

export type Status = 200 | 400 | 404 | 409 | 422;

/** Team pages: `minimum` is the tenant role a page needs. */
export const teamLinks = [
  { href: '/dashboard/drafts', label: 'Drafts', minimum: 'curator' },
  { href: '/dashboard/usage', label: 'Usage', minimum: 'admin' },
  { href: '/dashboard/projects', label: 'Projects', minimum: 'admin' },
  { href: '/dashboard/webhook', label: 'Webhook', minimum: 'admin' },
  { href: '/admin', label: 'Admin', minimum: 'admin' },
] as const;

export function TeamNav(props: { current: string; role: TenantRole; pending: number }) {
  return (
    <nav class="dashboard-nav" aria-label="Team">
      <a href="/dashboard">Dashboard</a>
      {teamLinks
        .filter((page) => tenantRoleAtLeast(props.role, page.minimum))
        .map((page) => (
          <a href={page.href} aria-current={props.current === page.href ? 'page' : undefined}>
            {page.label}
            {page.href === '/dashboard/drafts' && props.pending > 0 ? (
              <>
                {' '}
                <span class="badge" data-testid="pending-badge">
                  {props.pending}
                </span>
                <span class="visually-hidden"> pending</span>
              </>
            ) : null}
          </a>
        ))}
    </nav>
  );
}

export interface TeamFrame {
  principal: Principal;
  role: TenantRole;
  page(title: string, current: string, body: Child, status?: Status): Response | Promise<Response>;
}

/** The signed-in member holding `minimum`, and a frame for their page; a redirect to log in otherwise. */
export function createTeamKit(deps: AppDeps) {
  const kit = createPageKit(deps);
  return {
    kit,
    async member(c: PageContext, minimum: TenantRole): Promise<TeamFrame | Response> {
      const signed = kit.signedIn(c);
      if ('redirect' in signed) return signed.redirect;
      const tenantId = c.get('tenant').id;
      const role = await findTenantRole(deps.db, tenantId, signed.principal.user.id);
      if (!role || !tenantRoleAtLeast(role, minimum)) {
        throw new AgentryError('tenant_role_required', {
          message: `This page needs the ${minimum} role in this tenant.`,
          details: { required: minimum },
        });
      }
      const pending = tenantRoleAtLeast(role, 'curator') ? await countPendingDrafts(deps.db, tenantId) : 0;
      return {
        principal: signed.principal,
        role,
        page: (title, current, body, status) =>
          kit.send(
            c,
            <Layout title={title} user={{ username: signed.principal.user.username }} csrf={kit.csrf(c)}>
              <h1>{title}</h1>
              <TeamNav current={current} role={role} pending={pending} />
              {body}
            </Layout>,
            status,
          ),
      };
    },
  };
}

const filters: DraftFilter[] = ['pending', 'published', 'discarded', 'all'];

export function Notice(props: { text: string | undefined; error?: boolean }) {
  if (!props.text) return null;
  return props.error ? (
    <p class="form-error" role="alert">
      {props.text}
    </p>
  ) : (
    <p class="notice" role="status">
      {props.text}
    </p>
  );
}

export function inboxPages(deps: AppDeps) {
  const app = new Hono<AppEnv>();
  const team = createTeamKit(deps);
  const { kit } = team;

  // Drafts --------------------------------------------------------------------------------------------
  app.get('/dashboard/drafts', async (c) => {
    const frame = await team.member(c, 'curator');
    if (frame instanceof Response) return frame;
    const requested = c.req.query('status') ?? 'pending';
    const filter = (filters as string[]).includes(requested) ? (requested as DraftFilter) : 'pending';
    const drafts = await listDrafts(deps.db, c.get('tenant').id, filter);
    return frame.page(
      'Drafts inbox',
      '/dashboard/drafts',
      <section aria-labelledby="drafts-heading">
        <h2 id="drafts-heading">
          {filter === 'all' ? 'All drafts' : `${filter[0]?.toUpperCase()}${filter.slice(1)} drafts`}
        </h2>
        <nav aria-label="Draft status" class="filters">
          {filters.map((f) => (
            <a href={`/dashboard/drafts?status=${f}`} aria-current={f === filter ? 'page' : undefined}>
              {f}
            </a>
          ))}
        </nav>
        {drafts.length === 0 ? (
          <p class="muted">
            No drafts here. Authors submit with <code>agentry draft &lt;dir&gt;</code>.
          </p>
        ) : (
          <table>
            <thead>
              <tr>
                <th scope="col">Slug</th>
                <th scope="col">Description</th>
                <th scope="col">Origin</th>
                <th scope="col">Status</th>
                <th scope="col">Looks like</th>
                <th scope="col">Submitted</th>
              </tr>
            </thead>
            <tbody>
              {drafts.map((draft) => (
                <tr>
                  <td>
                    <a href={`/dashboard/drafts/${draft.id}`}>{draft.slug}</a>
                  </td>
                  <td>{draft.description.slice(0, 160)}</td>
                  <td>{draft.origin}</td>
                  <td>
                    {draft.status === 'published' ? `published ${draft.published_version}` : draft.status}
                  </td>
                  <td>{draft.merge_proposal_slug ?? '—'}</td>
                  <td>{formatDate(draft.created_at)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>,
    );
  });

  const draftPage = async (
    c: PageContext,
    frame: TeamFrame,
    draft: SkillDraft,
    state: { notice?: string; error?: string; version?: string; slug?: string } = {},
    status: Status = 200,
  ) => {
    const csrf = kit.csrf(c);
    const skillMd = await readDraftSkillMd(deps, draft);
    return frame.page(
      `Draft ${draft.slug}`,
      '/dashboard/drafts',
      <>
        <Notice text={state.notice} />
        <Notice text={state.error} error />
        <dl class="facts">
          <dt>Status</dt>
          <dd data-testid="draft-status">
            {draft.status}
            {draft.published_version ? ` as ${draft.published_version}` : ''}
          </dd>
          <dt>Origin</dt>
          <dd>{draft.origin}</dd>
          <dt>Tags</dt>
          <dd>{draft.tags.join(', ') || '—'}</dd>
          {draft.notes ? (
            <>
              <dt>Notes</dt>
              <dd>{draft.notes}</dd>
            </>
          ) : null}
        </dl>
        {draft.merge_proposal_slug ? (
          <p class="notice" data-testid="merge-proposal">
            Looks like an update to <strong>{draft.merge_proposal_slug}</strong> (similarity{' '}
            {Number(draft.merge_proposal_similarity ?? 0).toFixed(2)}): publish it as a new version of that
            slug.
          </p>
        ) : null}
        {draft.status === 'pending' ? (
          <section aria-labelledby="review-heading" class="card">
            <h2 id="review-heading">Review</h2>
            <form method="post" action={`/dashboard/drafts/${draft.id}/publish`}>
              <input type="hidden" name="csrf" value={csrf} />
              <label for="draft-version">Version</label>
              <input
                id="draft-version"
                name="version"
                required
                value={state.version ?? ''}
                placeholder="1.0.0"
              />
              <label for="draft-slug">Slug</label>
              <input
                id="draft-slug"
                name="slug"
                value={state.slug ?? draft.merge_proposal_slug ?? draft.slug}
              />
              <button type="submit">Publish</button>
            </form>
            <form method="post" action={`/dashboard/drafts/${draft.id}/discard`} class="inline">
              <input type="hidden" name="csrf" value={csrf} />
              <button type="submit" class="danger">
                Discard
              </button>
            </form>
          </section>
        ) : null}
        <section aria-labelledby="skill-md-heading">
          <h2 id="skill-md-heading">SKILL.md</h2>
          {skillMd === undefined ? (
            <p class="muted">The bundle was purged when the draft was discarded.</p>
          ) : (
            <pre class="source" data-testid="skill-md">
              {skillMd}
            </pre>
          )}
        </section>
      </>,
      status,
    );
  };

  const loadDraft = async (c: PageContext) => {
    const draft = await findDraft(deps.db, c.get('tenant').id, c.req.param('id') ?? '');
    if (!draft) throw new AgentryError('not_found', { message: 'No such draft.' });
    return draft;
  };

  app.get('/dashboard/drafts/:id', async (c) => {
    const frame = await team.member(c, 'curator');
    if (frame instanceof Response) return frame;
    return draftPage(c, frame, await loadDraft(c));
  });

  app.post('/dashboard/drafts/:id/publish', async (c) => {
    const frame = await team.member(c, 'curator');
    if (frame instanceof Response) return frame;
    const form = await kit.readCheckedForm(c);
    const draft = await loadDraft(c);
    const version = formText(form, 'version').trim();
    const slug = formText(form, 'slug').trim();
    if (!version) return draftPage(c, frame, draft, { error: 'Give the version to publish.', slug }, 422);
    try {
      await publishDraftToCatalog(deps, {
        tenantId: c.get('tenant').id,
        principal: frame.principal,
        id: draft.id,
        version,
        slug: slug || undefined,
      });
    } catch (error) {
      if (!(error instanceof AgentryError) || error.status >= 500) throw error;
      return draftPage(c, frame, draft, { error: error.message, version, slug }, 422);
    }
    // A fresh frame: the pending badge no longer counts this draft.
    const after = await team.member(c, 'curator');
    if (after instanceof Response) return after;
    return draftPage(c, after, await loadDraft(c), { notice: `Published ${slug || draft.slug}@${version}.` });
  });

  app.post('/dashboard/drafts/:id/discard', async (c) => {
    const frame = await team.member(c, 'curator');
    if (frame instanceof Response) return frame;
    await kit.readCheckedForm(c);
    const draft = await loadDraft(c);
    const discarded = await discardDraft(deps, {
      tenantId: c.get('tenant').id,
      id: draft.id,
      userId: frame.principal.user.id,
    });
    if (!discarded)
      return draftPage(c, frame, draft, { error: 'Only pending drafts can be discarded.' }, 409);
    return c.redirect('/dashboard/drafts', 303);
  });

  return app;
}
