/**
 * `/dashboard/publishers/:id/api-clients`: a publisher's OAuth clients for bots — list, create (the
 * secret is shown once, on the page that created it), revoke. Owners and admins only; every form
 * carries the CSRF field.
 */
import { AgentryError } from '@agentry/core';
import type { Context } from 'hono';
import { Hono } from 'hono';
import type { AppDeps } from '../app-deps.js';
import type { OauthClient, Org } from '../db/schema.js';
import { createOauthClient, listOauthClients, revokeOauthClient } from '../domain/oauth.js';
import { findOrgById } from '../domain/orgs.js';
import type { AppEnv } from '../http/context.js';
import { issueCsrfField, verifyCsrfField } from '../http/csrf.js';
import { Layout } from './layout.js';

interface Created {
  clientId: string;
  secret: string;
}

export function apiClientPages(deps: AppDeps) {
  const app = new Hono<AppEnv>();
  const secure = deps.config.publicUrl.startsWith('https:');

  const context = async (c: Context<AppEnv>) => {
    const principal = c.get('principal');
    if (!principal)
      return { redirect: c.redirect(`/login?next=${encodeURIComponent(c.req.path)}`, 303) } as const;
    const org = await findOrgById(deps.db, c.get('tenant').id, c.req.param('id') ?? '');
    if (!org) throw new AgentryError('publisher_not_found', { details: { id: c.req.param('id') ?? '' } });
    return { principal, org } as const;
  };

  const page = (
    c: Context<AppEnv>,
    org: Org,
    clients: OauthClient[],
    username: string,
    created?: Created,
    error?: string,
  ) => {
    const csrf = issueCsrfField(c, deps.secret, secure);
    const base = `/dashboard/publishers/${org.id}/api-clients`;
    return c.html(
      `<!doctype html>${(
        <Layout title={`API clients · ${org.name}`} user={{ username }} csrf={csrf}>
          <section class="card">
            <h1>API clients of {org.name}</h1>
            <p>
              Bots exchange a client id and secret for a one-hour access token at{' '}
              <code>POST /oauth/token</code> (<code>grant_type=client_credentials</code>).
            </p>
            {created ? (
              <div class="notice" role="status">
                <p>
                  Client <code>{created.clientId}</code> created. Its secret is shown only now:
                </p>
                <p>
                  <code class="secret">{created.secret}</code>
                </p>
              </div>
            ) : null}
            {error ? (
              <p class="form-error" role="alert">
                {error}
              </p>
            ) : null}
            <table>
              <caption>Clients</caption>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Client id</th>
                  <th scope="col">Scopes</th>
                  <th scope="col">Last used</th>
                  <th scope="col">State</th>
                </tr>
              </thead>
              <tbody>
                {clients.map((client) => (
                  <tr>
                    <td>{client.name}</td>
                    <td>
                      <code>{client.client_id}</code>
                    </td>
                    <td>{client.scopes.join(' ')}</td>
                    <td>{client.last_used_at ? client.last_used_at.toISOString().slice(0, 16) : 'never'}</td>
                    <td>
                      {client.revoked_at ? (
                        'revoked'
                      ) : (
                        <form method="post" action={`${base}/${client.client_id}/revoke`} class="inline">
                          <input type="hidden" name="csrf" value={csrf} />
                          <button type="submit">Revoke</button>
                        </form>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            <h2>New client</h2>
            <form method="post" action={base}>
              <input type="hidden" name="csrf" value={csrf} />
              <label for="name">Name</label>
              <input id="name" name="name" type="text" required maxlength={100} />
              <fieldset>
                <legend>Scopes</legend>
                <label>
                  <input type="checkbox" name="scope" value="skills:read" checked /> skills:read
                </label>
                <label>
                  <input type="checkbox" name="scope" value="skills:publish" /> skills:publish
                </label>
              </fieldset>
              <button type="submit">Create client</button>
            </form>
          </section>
        </Layout>
      )}`,
      created ? 201 : error ? 422 : 200,
    );
  };

  app.get('/dashboard/publishers/:id/api-clients', async (c) => {
    const ctx = await context(c);
    if ('redirect' in ctx) return ctx.redirect;
    c.header('Cache-Control', 'no-store');
    return page(
      c,
      ctx.org,
      await listOauthClients(deps.db, ctx.org, ctx.principal.user.id),
      ctx.principal.user.username,
    );
  });

  app.post('/dashboard/publishers/:id/api-clients', async (c) => {
    const ctx = await context(c);
    if ('redirect' in ctx) return ctx.redirect;
    const form = await c.req.parseBody({ all: true }).catch(() => {
      throw new AgentryError('bad_request', { message: 'The form could not be read.' });
    });
    verifyCsrfField(c, deps.secret, form.csrf);
    const name = typeof form.name === 'string' ? form.name.trim() : '';
    const scopes = ([] as unknown[])
      .concat(form.scope ?? [])
      .filter((s): s is string => typeof s === 'string');
    c.header('Cache-Control', 'no-store');
    if (!name || name.length > 100 || scopes.length === 0) {
      return page(
        c,
        ctx.org,
        await listOauthClients(deps.db, ctx.org, ctx.principal.user.id),
        ctx.principal.user.username,
        undefined,
        'Give the client a name and at least one scope.',
      );
    }
    const { client, secret } = await createOauthClient(deps.db, {
      tenantId: c.get('tenant').id,
      org: ctx.org,
      actor: ctx.principal.user,
      actorScopes: ctx.principal.scopes,
      name,
      scopes,
    });
    return page(
      c,
      ctx.org,
      await listOauthClients(deps.db, ctx.org, ctx.principal.user.id),
      ctx.principal.user.username,
      { clientId: client.client_id, secret },
    );
  });

  app.post('/dashboard/publishers/:id/api-clients/:clientId/revoke', async (c) => {
    const ctx = await context(c);
    if ('redirect' in ctx) return ctx.redirect;
    const form = await c.req.parseBody().catch(() => {
      throw new AgentryError('bad_request', { message: 'The form could not be read.' });
    });
    verifyCsrfField(c, deps.secret, form.csrf);
    await revokeOauthClient(deps.db, {
      tenantId: c.get('tenant').id,
      org: ctx.org,
      actorId: ctx.principal.user.id,
      clientId: c.req.param('clientId'),
    });
    return c.redirect(`/dashboard/publishers/${ctx.org.id}/api-clients`, 303);
  });
  return app;
}
