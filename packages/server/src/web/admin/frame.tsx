/**
 * The tenant admin area's frame: the admin-role gate, the page layout and the section navigation.
 * Every admin page is `/admin/<section>`, rendered by `frame.page(…)`; adding one is a file in this
 * folder plus one entry in `adminSections` and one line in `index.ts` (see NOTES.md / docs/web.md).
 */
import { AgentryError, tenantRoleAtLeast } from '@agentry/core';
import type { Child } from 'hono/jsx';
import type { AppDeps } from '../../app-deps.js';
import { findTenantRole } from '../../domain/users.js';
import type { Principal } from '../../http/context.js';
import { Layout } from '../layout.js';
import { createPageKit, type PageContext, type PageKit } from '../page-kit.js';

export type AdminStatus = 200 | 400 | 403 | 404 | 409 | 422;

/** The admin area's sections, in navigation order. Other sections (SSO, Domains, Theme) add theirs here. */
export const adminSections: ReadonlyArray<{ href: string; label: string }> = [
  { href: '/admin/members', label: 'Members & roles' },
  { href: '/admin/scim', label: 'SCIM' },
  // { href: '/admin/sso', label: 'SSO' },
  // { href: '/admin/domains', label: 'Domains' },
  // { href: '/admin/theme', label: 'Theme' },
];

export function AdminNav(props: { current: string }) {
  return (
    <nav class="admin-nav" aria-label="Administration">
      <ul>
        {adminSections.map((section) => (
          <li>
            <a href={section.href} aria-current={props.current === section.href ? 'page' : undefined}>
              {section.label}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}

export interface AdminFrame {
  principal: Principal;
  tenant: { id: string; slug: string; name: string };
  /** The CSRF field value for this page's forms. */
  csrf: string;
  /** `current` is the section's href, so the navigation marks it. */
  page(title: string, current: string, body: Child, status?: AdminStatus): Response | Promise<Response>;
}

export interface AdminKit {
  kit: PageKit;
  /** The signed-in tenant admin and their frame; a redirect to log in, or 403 for anyone else. */
  admin(c: PageContext): Promise<AdminFrame | Response>;
}

export function createAdminKit(deps: AppDeps): AdminKit {
  const kit = createPageKit(deps);
  return {
    kit,
    async admin(c) {
      const signed = kit.signedIn(c);
      if ('redirect' in signed) return signed.redirect;
      const tenant = c.get('tenant');
      const role = await findTenantRole(deps.db, tenant.id, signed.principal.user.id);
      if (!role || !tenantRoleAtLeast(role, 'admin')) {
        throw new AgentryError('tenant_role_required', {
          message: 'The admin pages need the admin role in this tenant.',
          details: { required: 'admin' },
        });
      }
      const csrf = kit.csrf(c);
      return {
        principal: signed.principal,
        tenant: { id: tenant.id, slug: tenant.slug, name: tenant.name },
        csrf,
        page: (title, current, body, status = 200) =>
          kit.send(
            c,
            <Layout
              title={`${title} · Admin`}
              user={{ username: signed.principal.user.username }}
              csrf={csrf}
            >
              <div class="admin-area">
                <p class="muted admin-tenant">
                  Administration of <strong>{tenant.name}</strong> (<code>{tenant.slug}</code>)
                </p>
                <h1>{title}</h1>
                <AdminNav current={current} />
                {body}
              </div>
            </Layout>,
            status,
          ),
      };
    },
  };
}

/** A status line after a form post: `role="status"` for news, `role="alert"` for a refusal. */
export function AdminNotice(props: { text?: string | undefined; error?: boolean }) {
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
