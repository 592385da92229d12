/**
 * An artifact's dashboard page, `/dashboard/artifacts/<name>`, for those who may change it: visibility,
 * and per version yank/restore and deprecate/undeprecate. Every change is asked about on a confirmation
 * page first (a second form carrying `confirm=yes`), so it works without JavaScript and a stray click
 * changes nothing. The same domain calls as the API's lifecycle routes.
 */
import { AgentryError } from '@agentry/core';
import { Hono } from 'hono';
import type { AppDeps } from '../app-deps.js';
import type { Package, Version } from '../db/schema.js';
import { requireWritablePackage } from '../domain/access.js';
import { listVisibleVersions } from '../domain/catalog.js';
import { setDeprecated, setVisibility, setYanked, type Visibility } from '../domain/lifecycle.js';
import { viewerOf } from '../http/auth.js';
import type { AppEnv, Principal } from '../http/context.js';
import { Layout } from './layout.js';
import {
  artifactPath,
  createPageKit,
  formatDate,
  formText,
  managePath,
  type PageContext,
} from './page-kit.js';

const actions = ['yank', 'unyank', 'deprecate', 'undeprecate', 'visibility'] as const;
type Action = (typeof actions)[number];
const visibilities: readonly Visibility[] = ['public', 'private', 'team'];

const visibilityHelp: Record<Visibility, string> = {
  public: 'anyone can find and install it',
  private: 'only you (and, for an org artifact, its members) can see it',
  team: "only members of the artifact's org can see it",
};

interface Request {
  action: Action;
  version: string;
  text: string;
  visibility: string;
}

/** `/dashboard/artifacts/<name>`, `@org/name` in two segments. */
export function manageName(path: string): string | undefined {
  let segments: string[];
  try {
    segments = path
      .replace(/^\/dashboard\/artifacts\//, '')
      .split('/')
      .map(decodeURIComponent);
  } catch {
    return undefined;
  }
  const length = segments[0]?.startsWith('@') ? 2 : 1;
  if (segments.length !== length || segments.some((s) => s === '' || s.includes('\0'))) return undefined;
  return segments.join('/');
}

function describe(request: Request, pkg: Package): string {
  const label = `${pkg.name}@${request.version}`;
  switch (request.action) {
    case 'yank':
      return `Yank ${label}? No range will resolve to it any more; lockfiles that pin it still install it.`;
    case 'unyank':
      return `Restore ${label}? Ranges will resolve to it again.`;
    case 'deprecate':
      return `Deprecate ${label} with the message “${request.text}”? Everyone installing it sees the message.`;
    case 'undeprecate':
      return `Remove the deprecation of ${label}?`;
    case 'visibility':
      return `Make ${pkg.name} ${request.visibility}? Then ${visibilityHelp[request.visibility as Visibility]}.`;
  }
}

export function artifactManagePages(deps: AppDeps) {
  const app = new Hono<AppEnv>();
  const kit = createPageKit(deps);

  const load = async (c: PageContext) => {
    const name = manageName(c.req.path);
    if (!name) throw new AgentryError('not_found');
    const signed = kit.signedIn(c);
    if ('redirect' in signed) return signed;
    const pkg = await requireWritablePackage(deps.db, c.get('tenant').id, name, viewerOf(c));
    return { principal: signed.principal, pkg };
  };

  const page = async (
    c: PageContext,
    principal: Principal,
    pkg: Package,
    errors: Record<string, string> = {},
    status: 200 | 422 = 200,
  ) => {
    const versions = await listVisibleVersions(deps.db, pkg.id);
    const csrf = kit.csrf(c);
    const action = managePath(pkg.name);
    return kit.send(
      c,
      <Layout title={`Manage ${pkg.name}`} user={{ username: principal.user.username }} csrf={csrf}>
        <h1>Manage {pkg.name}</h1>
        <p>
          <a href={artifactPath(pkg.name)}>Artifact page</a> · <a href="/dashboard">Dashboard</a>
        </p>
        <section class="card" aria-labelledby="visibility-heading">
          <h2 id="visibility-heading">Visibility</h2>
          <form method="post" action={action} data-testid="visibility-form">
            <input type="hidden" name="csrf" value={csrf} />
            <input type="hidden" name="action" value="visibility" />
            <fieldset>
              <legend>Who can see it (every version)</legend>
              {visibilities.map((value) => (
                <label class="check">
                  <input
                    type="radio"
                    name="visibility"
                    value={value}
                    checked={pkg.visibility === value}
                    disabled={value === 'team' && !pkg.scope}
                  />{' '}
                  {value}: {visibilityHelp[value]}
                  {value === 'team' && !pkg.scope ? ' (needs an @org/ name)' : ''}
                </label>
              ))}
            </fieldset>
            {errors.visibility ? <p class="field-error">{errors.visibility}</p> : null}
            <button type="submit">Change visibility…</button>
          </form>
        </section>
        <section aria-labelledby="manage-versions-heading">
          <h2 id="manage-versions-heading">Versions</h2>
          {errors.message ? (
            <p class="field-error" id="message-error">
              {errors.message}
            </p>
          ) : null}
          <table data-testid="manage-versions" class="stack-table">
            <thead>
              <tr>
                <th scope="col">Version</th>
                <th scope="col">Published</th>
                <th scope="col">State</th>
                <th scope="col">Yank</th>
                <th scope="col">Deprecation</th>
              </tr>
            </thead>
            <tbody>
              {versions.map((v) => (
                <VersionRow version={v} action={action} csrf={csrf} />
              ))}
            </tbody>
          </table>
        </section>
      </Layout>,
      status,
    );
  };

  app.get('/dashboard/artifacts/*', async (c) => {
    const loaded = await load(c);
    if ('redirect' in loaded) return loaded.redirect;
    return page(c, loaded.principal, loaded.pkg);
  });

  app.post('/dashboard/artifacts/*', async (c) => {
    const form = await kit.readCheckedForm(c);
    const loaded = await load(c);
    if ('redirect' in loaded) return loaded.redirect;
    const { principal, pkg } = loaded;
    const request: Request = {
      action: formText(form, 'action') as Action,
      version: formText(form, 'version'),
      text: formText(form, 'text').trim().slice(0, 500),
      visibility: formText(form, 'visibility'),
    };
    if (!(actions as readonly string[]).includes(request.action))
      throw new AgentryError('bad_request', { message: 'Unknown action.' });
    if (request.action === 'visibility') {
      if (!(visibilities as readonly string[]).includes(request.visibility))
        return page(c, principal, pkg, { visibility: 'Choose public, private or team.' }, 422);
      if (request.visibility === 'team' && !pkg.scope)
        return page(c, principal, pkg, { visibility: 'Team visibility needs an @org/ name.' }, 422);
    } else {
      const versions = await listVisibleVersions(deps.db, pkg.id);
      if (!versions.some((v) => v.version === request.version))
        throw new AgentryError('not_found', { message: `${pkg.name}@${request.version} does not exist.` });
      if (request.action === 'deprecate' && !request.text)
        return page(c, principal, pkg, { message: 'Write the message people will see.' }, 422);
    }
    if (formText(form, 'confirm') !== 'yes') return confirmation(c, principal, pkg, request);
    const target = { tenantId: c.get('tenant').id, pkg, actorId: principal.user.id };
    const change = { ...target, version: request.version };
    if (request.action === 'yank') await setYanked(deps.db, change, true, request.text || undefined);
    else if (request.action === 'unyank') await setYanked(deps.db, change, false);
    else if (request.action === 'deprecate') await setDeprecated(deps.db, change, request.text);
    else if (request.action === 'undeprecate') await setDeprecated(deps.db, change, null);
    else await setVisibility(deps.db, target, request.visibility as Visibility);
    return c.redirect(managePath(pkg.name), 303);
  });

  const confirmation = (c: PageContext, principal: Principal, pkg: Package, request: Request) => {
    const csrf = kit.csrf(c);
    return kit.send(
      c,
      <Layout title={`Confirm: ${pkg.name}`} user={{ username: principal.user.username }} csrf={csrf}>
        <h1>Confirm</h1>
        <section class="card" aria-labelledby="confirm-heading">
          <h2 id="confirm-heading">{describe(request, pkg)}</h2>
          <form method="post" action={managePath(pkg.name)} data-testid="confirm-form">
            <input type="hidden" name="csrf" value={csrf} />
            <input type="hidden" name="confirm" value="yes" />
            {Object.entries(request).map(([name, value]) => (
              <input type="hidden" name={name} value={value} />
            ))}
            <div class="button-row">
              <button type="submit" class="danger">
                Yes, {request.action === 'visibility' ? `make it ${request.visibility}` : request.action}
              </button>
              <a class="button secondary" href={managePath(pkg.name)}>
                Cancel
              </a>
            </div>
          </form>
        </section>
      </Layout>,
    );
  };

  return app;
}

function VersionRow(props: { version: Version; action: string; csrf: string }) {
  const v = props.version;
  const yanked = v.status === 'yanked';
  return (
    <tr>
      <td>{v.version}</td>
      <td data-label="Published">{formatDate(v.published_at)}</td>
      <td data-label="State">
        {yanked ? <span class="tag-yanked">yanked</span> : 'published'}
        {v.deprecated_message ? (
          <>
            {' '}
            <span class="tag-deprecated" title={v.deprecated_message}>
              deprecated
            </span>
          </>
        ) : null}
      </td>
      <td>
        <form method="post" action={props.action} class="row-form">
          <input type="hidden" name="csrf" value={props.csrf} />
          <input type="hidden" name="version" value={v.version} />
          <input type="hidden" name="action" value={yanked ? 'unyank' : 'yank'} />
          {yanked ? null : (
            <input
              type="text"
              name="text"
              maxlength={500}
              placeholder="reason (optional)"
              aria-label={`Reason for yanking ${v.version}`}
            />
          )}
          <button type="submit" class={yanked ? 'secondary' : 'danger'}>
            {yanked ? 'Restore…' : 'Yank…'}
          </button>
        </form>
      </td>
      <td>
        <form method="post" action={props.action} class="row-form">
          <input type="hidden" name="csrf" value={props.csrf} />
          <input type="hidden" name="version" value={v.version} />
          <input type="hidden" name="action" value={v.deprecated_message ? 'undeprecate' : 'deprecate'} />
          {v.deprecated_message ? (
            <span class="muted">“{v.deprecated_message}” </span>
          ) : (
            <input
              type="text"
              name="text"
              maxlength={500}
              placeholder="message"
              aria-label={`Deprecation message for ${v.version}`}
            />
          )}
          <button type="submit" class="secondary">
            {v.deprecated_message ? 'Undeprecate…' : 'Deprecate…'}
          </button>
        </form>
      </td>
    </tr>
  );
}
