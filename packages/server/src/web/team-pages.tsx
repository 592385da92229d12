/**
 * Tenant-admin team pages: the draft webhook (URL and signing secret, never shown back) and projects
 * (create, order items as lines of text, delete). Server-rendered; every form carries the CSRF field.
 */
import { AgentryError } from '@agentry/core';
import { Hono } from 'hono';
import type { AppDeps } from '../app-deps.js';
import type { ProjectItemKind } from '../db/inbox-schema.js';
import { getNotificationSettings, updateNotificationSettings } from '../domain/notifications.js';
import {
  createProject,
  deleteProject,
  findProject,
  listProjectItems,
  listProjects,
  projectItemKinds,
  setProjectItems,
} from '../domain/projects.js';
import type { AppEnv } from '../http/context.js';
import { createTeamKit, Notice, type Status, type TeamFrame } from './inbox-pages.js';
import { formText, type PageContext } from './page-kit.js';

export function teamPages(deps: AppDeps) {
  const app = new Hono<AppEnv>();
  const team = createTeamKit(deps);
  const { kit } = team;

  // Webhook -------------------------------------------------------------------------------------------
  const webhookPage = async (
    c: PageContext,
    frame: TeamFrame,
    state: { notice?: string; error?: string; url?: string } = {},
    status: Status = 200,
  ) => {
    const settings = await getNotificationSettings(deps.db, c.get('tenant').id);
    const csrf = kit.csrf(c);
    return frame.page(
      'Draft webhook',
      '/dashboard/webhook',
      <section aria-labelledby="webhook-heading" class="card">
        <h2 id="webhook-heading">Notify on new drafts</h2>
        <p class="muted">
          Each new draft is POSTed to this URL as a <code>draft.created</code> event, signed with{' '}
          <code>X-Skill-Pool-Signature: sha256=&lt;HMAC-SHA256 of the body&gt;</code> when a secret is set.
        </p>
        <Notice text={state.notice} />
        <Notice text={state.error} error />
        <form method="post" action="/dashboard/webhook">
          <input type="hidden" name="csrf" value={csrf} />
          <label for="webhook-url">Webhook URL</label>
          <input
            id="webhook-url"
            name="webhook_url"
            type="url"
            value={state.url ?? settings.webhook_url ?? ''}
          />
          <label for="webhook-secret">Signing secret</label>
          <input
            id="webhook-secret"
            name="webhook_secret"
            type="password"
            autocomplete="off"
            placeholder={settings.signing_enabled ? 'set (leave empty to keep)' : 'none'}
          />
          <label class="check">
            <input type="checkbox" name="clear_secret" value="1" /> Remove the secret
          </label>
          <button type="submit">Save</button>
        </form>
        <p data-testid="signing-state">Signing: {settings.signing_enabled ? 'on' : 'off'}</p>
      </section>,
      status,
    );
  };

  app.get('/dashboard/webhook', async (c) => {
    const frame = await team.member(c, 'admin');
    if (frame instanceof Response) return frame;
    return webhookPage(c, frame);
  });

  app.post('/dashboard/webhook', async (c) => {
    const frame = await team.member(c, 'admin');
    if (frame instanceof Response) return frame;
    const form = await kit.readCheckedForm(c);
    const url = formText(form, 'webhook_url');
    const secret = formText(form, 'webhook_secret');
    try {
      await updateNotificationSettings(deps.db, deps.secret, {
        tenantId: c.get('tenant').id,
        actorUserId: frame.principal.user.id,
        allowPrivateHosts: deps.config.webhookAllowPrivateHosts,
        change: { webhookUrl: url, webhookSecret: formText(form, 'clear_secret') ? '' : secret || undefined },
      });
    } catch (error) {
      if (!(error instanceof AgentryError) || error.status >= 500) throw error;
      return webhookPage(c, frame, { error: error.message, url }, 422);
    }
    return webhookPage(c, frame, { notice: 'Saved.' });
  });

  // Projects ------------------------------------------------------------------------------------------
  const projectsPage = async (
    c: PageContext,
    frame: TeamFrame,
    state: { error?: string } = {},
    status: Status = 200,
  ) => {
    const projects = await listProjects(deps.db, c.get('tenant').id);
    const csrf = kit.csrf(c);
    return frame.page(
      'Projects',
      '/dashboard/projects',
      <>
        <section aria-labelledby="projects-heading">
          <h2 id="projects-heading">Projects</h2>
          {projects.length === 0 ? (
            <p class="muted">No projects yet.</p>
          ) : (
            <table>
              <thead>
                <tr>
                  <th scope="col">Slug</th>
                  <th scope="col">Name</th>
                  <th scope="col">Git remote</th>
                  <th scope="col">Items</th>
                </tr>
              </thead>
              <tbody>
                {projects.map((p) => (
                  <tr>
                    <td>
                      <a href={`/dashboard/projects/${encodeURIComponent(p.slug)}`}>{p.slug}</a>
                    </td>
                    <td>{p.name}</td>
                    <td>{p.git_remote ?? '—'}</td>
                    <td>{p.item_count}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
        <section aria-labelledby="new-project-heading" class="card">
          <h2 id="new-project-heading">New project</h2>
          <Notice text={state.error} error />
          <form method="post" action="/dashboard/projects">
            <input type="hidden" name="csrf" value={csrf} />
            <label for="project-slug">Slug</label>
            <input id="project-slug" name="slug" required />
            <label for="project-name">Name</label>
            <input id="project-name" name="name" required />
            <label for="project-remote">Git remote</label>
            <input id="project-remote" name="git_remote" placeholder="git@github.com:acme/web-app.git" />
            <button type="submit">Create</button>
          </form>
        </section>
      </>,
      status,
    );
  };

  app.get('/dashboard/projects', async (c) => {
    const frame = await team.member(c, 'admin');
    if (frame instanceof Response) return frame;
    return projectsPage(c, frame);
  });

  app.post('/dashboard/projects', async (c) => {
    const frame = await team.member(c, 'admin');
    if (frame instanceof Response) return frame;
    const form = await kit.readCheckedForm(c);
    try {
      const project = await createProject(deps.db, {
        tenantId: c.get('tenant').id,
        userId: frame.principal.user.id,
        slug: formText(form, 'slug'),
        name: formText(form, 'name'),
        gitRemote: formText(form, 'git_remote'),
      });
      return c.redirect(`/dashboard/projects/${encodeURIComponent(project.slug)}`, 303);
    } catch (error) {
      if (!(error instanceof AgentryError) || error.status >= 500) throw error;
      return projectsPage(c, frame, { error: error.message }, error.status === 409 ? 409 : 422);
    }
  });

  const projectPage = async (
    c: PageContext,
    frame: TeamFrame,
    state: { notice?: string; error?: string; items?: string } = {},
    status: Status = 200,
  ) => {
    const project = await findProject(deps.db, c.get('tenant').id, c.req.param('slug') ?? '');
    if (!project) throw new AgentryError('not_found', { message: 'No such project.' });
    const items = await listProjectItems(deps.db, project.id);
    const csrf = kit.csrf(c);
    const base = `/dashboard/projects/${encodeURIComponent(project.slug)}`;
    return frame.page(
      `Project ${project.name}`,
      '/dashboard/projects',
      <>
        <Notice text={state.notice} />
        <Notice text={state.error} error />
        <p class="muted">
          {project.git_remote ? (
            <>
              Remote <code>{project.git_remote}</code>.{' '}
            </>
          ) : null}
          <code>agentry bootstrap</code> in a clone of it installs these first, in this order.
        </p>
        <ol data-testid="project-items">
          {items.map((item) => (
            <li>
              {item.skill_slug} <span class="muted">({item.kind})</span>
            </li>
          ))}
        </ol>
        <section aria-labelledby="items-heading" class="card">
          <h2 id="items-heading">Items, in order</h2>
          <form method="post" action={`${base}/items`}>
            <input type="hidden" name="csrf" value={csrf} />
            <label for="project-items-text">
              One per line: a slug, or kind:slug (kinds: {projectItemKinds.join(', ')})
            </label>
            <textarea id="project-items-text" name="items" rows={10}>
              {state.items ??
                items
                  .map((i) => (i.kind === 'skill' ? i.skill_slug : `${i.kind}:${i.skill_slug}`))
                  .join('\n')}
            </textarea>
            <button type="submit">Save order</button>
          </form>
        </section>
        <form method="post" action={`${base}/delete`} class="inline">
          <input type="hidden" name="csrf" value={csrf} />
          <button type="submit" class="danger">
            Delete project
          </button>
        </form>
      </>,
      status,
    );
  };

  app.get('/dashboard/projects/:slug', async (c) => {
    const frame = await team.member(c, 'admin');
    if (frame instanceof Response) return frame;
    return projectPage(c, frame);
  });

  app.post('/dashboard/projects/:slug/items', async (c) => {
    const frame = await team.member(c, 'admin');
    if (frame instanceof Response) return frame;
    const form = await kit.readCheckedForm(c);
    const text = formText(form, 'items');
    const items: { slug: string; kind: ProjectItemKind }[] = [];
    for (const line of text
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter(Boolean)) {
      const [first, second] = line.split(':', 2).map((part) => part.trim());
      const kind = second === undefined ? 'skill' : (first as string);
      const slug = second ?? (first as string);
      if (!(projectItemKinds as readonly string[]).includes(kind) || !slug) {
        return projectPage(c, frame, { error: `"${line}" is not slug or kind:slug.`, items: text }, 422);
      }
      items.push({ slug, kind: kind as ProjectItemKind });
    }
    const saved = await setProjectItems(deps.db, {
      tenantId: c.get('tenant').id,
      userId: frame.principal.user.id,
      slug: c.req.param('slug'),
      items,
    });
    if (!saved) throw new AgentryError('not_found', { message: 'No such project.' });
    return projectPage(c, frame, { notice: 'Saved.' });
  });

  app.post('/dashboard/projects/:slug/delete', async (c) => {
    const frame = await team.member(c, 'admin');
    if (frame instanceof Response) return frame;
    await kit.readCheckedForm(c);
    await deleteProject(deps.db, {
      tenantId: c.get('tenant').id,
      userId: frame.principal.user.id,
      slug: c.req.param('slug'),
    });
    return c.redirect('/dashboard/projects', 303);
  });

  return app;
}
