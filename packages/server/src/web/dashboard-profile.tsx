/** The dashboard's profile page: display name and email. */
import { Hono } from 'hono';
import type { AppDeps } from '../app-deps.js';
import { updateUserProfile } from '../domain/users.js';
import type { AppEnv, Principal } from '../http/context.js';
import { dashboardFrame, type Errors, FieldError, invalid } from './dashboard-kit.js';
import { createPageKit, formText, type PageContext } from './page-kit.js';

export function dashboardProfilePages(deps: AppDeps) {
  const app = new Hono<AppEnv>();
  const kit = createPageKit(deps);
  const frame = dashboardFrame(kit);

  const profilePage = (
    c: PageContext,
    principal: Principal,
    errors: Errors = {},
    saved = false,
    status?: 200 | 422,
  ) => {
    const user = principal.user;
    return frame(
      c,
      principal,
      'Profile',
      '/dashboard/profile',
      <section class="card narrow" aria-label="Profile">
        {saved ? (
          <p class="notice" role="status">
            Saved.
          </p>
        ) : null}
        <form method="post" action="/dashboard/profile" novalidate>
          <input type="hidden" name="csrf" value={kit.csrf(c)} />
          <p>
            Username <strong>{user.username}</strong>
          </p>
          <label for="display-name">Display name</label>
          <input
            id="display-name"
            name="displayName"
            type="text"
            maxlength={100}
            value={user.display_name ?? ''}
            {...invalid(errors.displayName, 'display-name')}
          />
          <FieldError id="display-name" error={errors.displayName} />
          <label for="email">Email</label>
          <input
            id="email"
            name="email"
            type="email"
            value={user.email ?? ''}
            {...invalid(errors.email, 'email')}
          />
          <FieldError id="email" error={errors.email} />
          <button type="submit">Save profile</button>
        </form>
      </section>,
      status,
    );
  };

  app.get('/dashboard/profile', (c) => {
    const signed = kit.signedIn(c);
    if ('redirect' in signed) return signed.redirect;
    return profilePage(c, signed.principal);
  });

  app.post('/dashboard/profile', async (c) => {
    const form = await kit.readCheckedForm(c);
    const signed = kit.signedIn(c);
    if ('redirect' in signed) return signed.redirect;
    const change = { displayName: formText(form, 'displayName'), email: formText(form, 'email') };
    const problems = await updateUserProfile(deps.db, signed.principal.user.id, change);
    const user = {
      ...signed.principal.user,
      display_name: change.displayName.trim() || null,
      email: change.email.trim() || null,
    };
    // Either way the form shows what was sent, so a rejected value can be corrected in place.
    if (Object.keys(problems).length > 0)
      return profilePage(c, { ...signed.principal, user }, problems, false, 422);
    return profilePage(c, { ...signed.principal, user }, {}, true);
  });
  return app;
}
