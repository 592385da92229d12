/** Sign-up, log-in and log-out pages. Errors are shown next to the field they concern. */
import { AgentryError } from '@agentry/core';
import type { Context } from 'hono';
import { Hono } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { AppDeps } from '../app-deps.js';
import { logIn, signUp } from '../domain/accounts.js';
import { createSession, deleteSession } from '../domain/sessions.js';
import { validateNewUser } from '../domain/users.js';
import { sessionCookie } from '../http/auth.js';
import type { AppEnv } from '../http/context.js';
import { issueCsrfField, rotateCsrfCookie, verifyCsrfField } from '../http/csrf.js';
import { Layout } from './layout.js';
import { readForm } from './page-kit.js';

type FieldErrors = Record<string, string | undefined>;

/** Only same-site relative paths are followed after log-in, never another origin. */
export function safeNextPath(value: unknown): string {
  return typeof value === 'string' && /^\/(?![/\\])[^\s]*$/.test(value) ? value : '/';
}

/** A link to the other account page that keeps where the visitor is headed. */
function withNext(path: string, next: string | undefined): string {
  return next && next !== '/' ? `${path}?next=${encodeURIComponent(next)}` : path;
}

function Field(props: {
  name: string;
  label: string;
  type: string;
  value?: string;
  error?: string | undefined;
  autocomplete: string;
}) {
  const errorId = `${props.name}-error`;
  return (
    <>
      <label for={props.name}>{props.label}</label>
      <input
        id={props.name}
        name={props.name}
        type={props.type}
        value={props.value ?? ''}
        autocomplete={props.autocomplete}
        required
        aria-invalid={props.error ? 'true' : undefined}
        aria-describedby={props.error ? errorId : undefined}
      />
      {props.error ? (
        <p class="field-error" id={errorId}>
          {props.error}
        </p>
      ) : null}
    </>
  );
}

export function accountPages(deps: AppDeps) {
  const app = new Hono<AppEnv>();
  const secure = deps.config.publicUrl.startsWith('https:');
  const csrf = (c: Context<AppEnv>) => issueCsrfField(c, deps.secret, secure);

  const startSession = async (c: Context<AppEnv>, userId: string) => {
    // A fresh session id on every log-in: any id planted before log-in is thrown away (no fixation).
    const previous = getCookie(c, sessionCookie);
    if (previous) await deleteSession(deps.db, previous);
    const secret = await createSession(deps.db, {
      tenantId: c.get('tenant').id,
      userId,
      ttlHours: deps.config.sessionTtlHours,
      userAgent: c.req.header('user-agent'),
      ip: c.get('clientIp'),
    });
    setCookie(c, sessionCookie, secret, {
      httpOnly: true,
      sameSite: 'Lax',
      secure,
      path: '/',
      maxAge: deps.config.sessionTtlHours * 3600,
    });
    rotateCsrfCookie(c, secure);
  };

  const loginPage = (
    c: Context<AppEnv>,
    values: { login?: string; next?: string },
    errors: FieldErrors,
    status = 200,
  ) =>
    c.html(
      `<!doctype html>${(
        <Layout title="Log in">
          <section class="card narrow">
            <h1>Log in</h1>
            {errors.form ? (
              <p class="form-error" role="alert">
                {errors.form}
              </p>
            ) : null}
            <form method="post" action="/login" novalidate>
              <input type="hidden" name="csrf" value={csrf(c)} />
              <input type="hidden" name="next" value={values.next ?? '/'} />
              <Field
                name="login"
                label="Username or email"
                type="text"
                value={values.login ?? ''}
                error={errors.login}
                autocomplete="username"
              />
              <Field
                name="password"
                label="Password"
                type="password"
                error={errors.password}
                autocomplete="current-password"
              />
              <button type="submit">Log in</button>
            </form>
            {deps.config.signupEnabled ? (
              <p>
                No account? <a href={withNext('/signup', values.next)}>Sign up</a>
              </p>
            ) : null}
          </section>
        </Layout>
      )}`,
      status as ContentfulStatusCode,
    );

  const signupPage = (
    c: Context<AppEnv>,
    values: { username?: string; email?: string; next?: string },
    errors: FieldErrors,
    status = 200,
  ) =>
    c.html(
      `<!doctype html>${(
        <Layout title="Sign up">
          <section class="card narrow">
            <h1>Create an account</h1>
            {errors.form ? (
              <p class="form-error" role="alert">
                {errors.form}
              </p>
            ) : null}
            <form method="post" action="/signup" novalidate>
              <input type="hidden" name="csrf" value={csrf(c)} />
              <input type="hidden" name="next" value={values.next ?? '/'} />
              <Field
                name="username"
                label="Username"
                type="text"
                value={values.username ?? ''}
                error={errors.username}
                autocomplete="username"
              />
              <Field
                name="email"
                label="Email"
                type="email"
                value={values.email ?? ''}
                error={errors.email}
                autocomplete="email"
              />
              <Field
                name="password"
                label="Password (10 characters or more)"
                type="password"
                error={errors.password}
                autocomplete="new-password"
              />
              <button type="submit">Sign up</button>
            </form>
            <p>
              Have an account? <a href={withNext('/login', values.next)}>Log in</a>
            </p>
          </section>
        </Layout>
      )}`,
      status as ContentfulStatusCode,
    );

  app.get('/login', (c) => loginPage(c, { next: safeNextPath(c.req.query('next')) }, {}));

  app.post('/login', async (c) => {
    const form = await readForm(c);
    verifyCsrfField(c, deps.secret, form.csrf);
    const login = typeof form.login === 'string' ? form.login.trim() : '';
    const password = typeof form.password === 'string' ? form.password : '';
    const next = safeNextPath(form.next);
    const errors: FieldErrors = {};
    if (!login) errors.login = 'Enter your username or email.';
    if (!password) errors.password = 'Enter your password.';
    if (errors.login || errors.password) return loginPage(c, { login, next }, errors, 422);
    try {
      const user = await logIn(
        { db: deps.db, limiter: deps.limiter, failuresAllowed: deps.config.loginRateLimit },
        c.get('tenant').id,
        login,
        password,
        c.get('clientIp'),
      );
      await startSession(c, user.id);
      return c.redirect(next, 303);
    } catch (error) {
      if (
        error instanceof AgentryError &&
        (error.code === 'invalid_credentials' || error.code === 'rate_limited')
      ) {
        for (const [name, value] of Object.entries(error.headers ?? {})) c.header(name, value);
        return loginPage(c, { login, next }, { form: error.message }, error.status);
      }
      throw error;
    }
  });

  const requireSignup = () => {
    if (!deps.config.signupEnabled)
      throw new AgentryError('not_found', { message: 'Sign-up is disabled on this registry.' });
  };

  app.get('/signup', (c) => {
    requireSignup();
    return signupPage(c, { next: safeNextPath(c.req.query('next')) }, {});
  });

  app.post('/signup', async (c) => {
    requireSignup();
    const form = await readForm(c);
    verifyCsrfField(c, deps.secret, form.csrf);
    const username = typeof form.username === 'string' ? form.username.trim().toLowerCase() : '';
    const email = typeof form.email === 'string' ? form.email.trim() : '';
    const password = typeof form.password === 'string' ? form.password : '';
    // Where sign-up was reached from (the CLI's approval page, say) is where the new account goes next.
    const next = safeNextPath(form.next);
    const errors: FieldErrors = validateNewUser({ username, email, password });
    if (Object.keys(errors).length > 0) return signupPage(c, { username, email, next }, errors, 422);
    try {
      const user = await signUp(
        deps.db,
        c.get('tenant').id,
        { username, email, password },
        c.get('clientIp'),
      );
      await startSession(c, user.id);
      return c.redirect(next, 303);
    } catch (error) {
      if (error instanceof AgentryError && error.code === 'conflict') {
        const field = String(error.issues?.[0]?.path[0] ?? 'username');
        return signupPage(c, { username, email, next }, { [field]: error.message }, 409);
      }
      throw error;
    }
  });

  app.post('/logout', async (c) => {
    const form = await readForm(c);
    verifyCsrfField(c, deps.secret, form.csrf);
    const secret = getCookie(c, sessionCookie);
    if (secret) await deleteSession(deps.db, secret);
    deleteCookie(c, sessionCookie, { path: '/', secure });
    return c.redirect('/', 303);
  });

  return app;
}
