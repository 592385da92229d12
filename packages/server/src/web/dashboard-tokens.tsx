/** The dashboard's API tokens: created with scopes and expiry (the raw value shown once), listed, revoked. */
import { AgentryError, tokenScopes } from '@agentry/core';
import { Hono } from 'hono';
import type { AppDeps } from '../app-deps.js';
import type { ApiToken } from '../db/schema.js';
import { createApiToken, listApiTokens, revokeApiToken } from '../domain/api-tokens.js';
import type { AppEnv, Principal } from '../http/context.js';
import { dashboardFrame, type Errors, FieldError, invalid } from './dashboard-kit.js';
import { createPageKit, formatDate, formList, formText, type PageContext } from './page-kit.js';

const expiryChoices = [
  ['30', '30 days'],
  ['7', '7 days'],
  ['90', '90 days'],
  ['365', '1 year'],
  ['', 'Never'],
] as const;
const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function dashboardTokenPages(deps: AppDeps) {
  const app = new Hono<AppEnv>();
  const kit = createPageKit(deps);
  const frame = dashboardFrame(kit);

  const tokensPage = async (
    c: PageContext,
    principal: Principal,
    state: {
      created?: { token: string; record: ApiToken };
      errors?: Errors;
      values?: Record<string, string>;
    },
    status?: 200 | 422,
  ) => {
    const tokens = await listApiTokens(deps.db, c.get('tenant').id, principal.user.id);
    const csrf = kit.csrf(c);
    const errors = state.errors ?? {};
    const now = Date.now();
    return frame(
      c,
      principal,
      'API tokens',
      '/dashboard/tokens',
      <>
        {state.created ? (
          <div class="notice" role="status" data-testid="new-token">
            <p>
              Token <strong>{state.created.record.name}</strong> created. Copy it now: it is not shown again.
            </p>
            <p>
              <code class="secret" data-testid="new-token-value">
                {state.created.token}
              </code>{' '}
              <button type="button" class="copy" data-copy={state.created.token} hidden>
                Copy
              </button>
            </p>
          </div>
        ) : null}
        <section aria-labelledby="tokens-heading">
          <h2 id="tokens-heading">Your tokens</h2>
          <table data-testid="tokens" class="stack-table">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Prefix</th>
                <th scope="col">Scopes</th>
                <th scope="col">Expires</th>
                <th scope="col">Last used</th>
                <th scope="col">State</th>
              </tr>
            </thead>
            <tbody>
              {tokens.map((token) => {
                const expired = token.expires_at !== null && token.expires_at.getTime() <= now;
                return (
                  <tr>
                    <td>{token.name}</td>
                    <td data-label="Prefix">
                      <code>{token.prefix}…</code>
                    </td>
                    <td data-label="Scopes">{token.scopes.join(' ')}</td>
                    <td data-label="Expires">{token.expires_at ? formatDate(token.expires_at) : 'never'}</td>
                    <td data-label="Last used">
                      {token.last_used_at ? formatDate(token.last_used_at) : 'never'}
                    </td>
                    <td data-label="State">
                      {token.revoked_at ? (
                        'revoked'
                      ) : expired ? (
                        'expired'
                      ) : (
                        <form method="post" action={`/dashboard/tokens/${token.id}/revoke`} class="inline">
                          <input type="hidden" name="csrf" value={csrf} />
                          <button type="submit" aria-label={`Revoke ${token.name}`}>
                            Revoke
                          </button>
                        </form>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          {tokens.length === 0 ? <p class="muted">No tokens yet.</p> : null}
        </section>
        <section aria-labelledby="new-token-heading" class="card">
          <h2 id="new-token-heading">New token</h2>
          <form method="post" action="/dashboard/tokens" novalidate>
            <input type="hidden" name="csrf" value={csrf} />
            <label for="token-name">Name</label>
            <input
              id="token-name"
              name="name"
              type="text"
              maxlength={100}
              required
              value={state.values?.name ?? ''}
              {...invalid(errors.name, 'token-name')}
            />
            <FieldError id="token-name" error={errors.name} />
            <fieldset {...invalid(errors.scopes, 'token-scopes')}>
              <legend>Scopes</legend>
              {tokenScopes.map((scope) => (
                <label class="check">
                  <input type="checkbox" name="scopes" value={scope} checked={scope === 'skills:read'} />{' '}
                  {scope}
                </label>
              ))}
            </fieldset>
            <FieldError id="token-scopes" error={errors.scopes} />
            <label for="token-expiry">Expires after</label>
            <select id="token-expiry" name="expires" {...invalid(errors.expires, 'token-expiry')}>
              {expiryChoices.map(([value, label]) => (
                <option value={value}>{label}</option>
              ))}
            </select>
            <FieldError id="token-expiry" error={errors.expires} />
            <button type="submit">Create token</button>
          </form>
        </section>
      </>,
      status,
    );
  };

  app.get('/dashboard/tokens', async (c) => {
    const signed = kit.signedIn(c);
    if ('redirect' in signed) return signed.redirect;
    return tokensPage(c, signed.principal, {});
  });

  app.post('/dashboard/tokens', async (c) => {
    const form = await kit.readCheckedForm(c);
    const signed = kit.signedIn(c);
    if ('redirect' in signed) return signed.redirect;
    const name = formText(form, 'name').trim();
    const scopes = formList(form, 'scopes');
    const expires = formText(form, 'expires');
    const errors: Errors = {};
    if (!name || name.length > 100) errors.name = 'Give the token a name of 1–100 characters.';
    if (scopes.length === 0 || scopes.some((s) => !(tokenScopes as readonly string[]).includes(s)))
      errors.scopes = 'Choose at least one of the listed scopes.';
    // A session acts with the user's tenant role; a token never gets more than that.
    else if (scopes.some((s) => !(signed.principal.scopes as readonly string[]).includes(s)))
      errors.scopes = 'Your role in this registry does not hold every scope you chose.';
    if (!expiryChoices.some(([value]) => value === expires))
      errors.expires = 'Choose one of the listed expiries.';
    if (Object.keys(errors).length > 0)
      return tokensPage(c, signed.principal, { errors, values: { name } }, 422);
    const created = await createApiToken(deps.db, {
      tenantId: c.get('tenant').id,
      userId: signed.principal.user.id,
      name,
      scopes,
      expiresAt: expires ? new Date(Date.now() + Number(expires) * 86_400_000) : null,
    });
    return tokensPage(c, signed.principal, { created });
  });

  app.post('/dashboard/tokens/:id/revoke', async (c) => {
    await kit.readCheckedForm(c);
    const signed = kit.signedIn(c);
    if ('redirect' in signed) return signed.redirect;
    const id = c.req.param('id');
    if (
      !uuidPattern.test(id) ||
      !(await revokeApiToken(deps.db, c.get('tenant').id, signed.principal.user.id, id))
    )
      throw new AgentryError('not_found', { message: 'No such live token.' });
    return c.redirect('/dashboard/tokens', 303);
  });
  return app;
}
