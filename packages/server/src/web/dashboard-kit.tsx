/** What the dashboard's pages share: the frame with its navigation, and field errors beside their fields. */
import type { Child } from 'hono/jsx';
import type { Principal } from '../http/context.js';
import { Layout } from './layout.js';
import type { PageContext, PageKit } from './page-kit.js';

export type Errors = Record<string, string | undefined>;

export function FieldError(props: { id: string; error: string | undefined }) {
  return props.error ? (
    <p class="field-error" id={`${props.id}-error`}>
      {props.error}
    </p>
  ) : null;
}

export function invalid(error: string | undefined, id: string) {
  return error ? { 'aria-invalid': 'true', 'aria-describedby': `${id}-error` } : {};
}

function DashboardNav(props: { current: string }) {
  const links = [
    ['/dashboard', 'Artifacts'],
    ['/dashboard/tokens', 'Tokens'],
    ['/dashboard/orgs', 'Orgs'],
    ['/dashboard/profile', 'Profile'],
    // Curators and admins: the drafts inbox and the other team pages (a 403 page for other roles).
    ['/dashboard/drafts', 'Team'],
  ];
  return (
    <nav class="dashboard-nav" aria-label="Dashboard">
      {links.map(([href, label]) => (
        <a href={href} aria-current={props.current === href ? 'page' : undefined}>
          {label}
        </a>
      ))}
    </nav>
  );
}

/** Renders a dashboard page: the layout, the title, the dashboard's navigation and the body. */
export function dashboardFrame(kit: PageKit) {
  return (
    c: PageContext,
    principal: Principal,
    title: string,
    current: string,
    body: Child,
    status?: 200 | 400 | 404 | 409 | 422,
  ) =>
    kit.send(
      c,
      <Layout title={title} user={{ username: principal.user.username }} csrf={kit.csrf(c)}>
        <h1>{title}</h1>
        <DashboardNav current={current} />
        {body}
      </Layout>,
      status,
    );
}
