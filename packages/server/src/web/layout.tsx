/** The page frame shared by every server-rendered page: landmarks, one stylesheet, no inline script. */
import type { Child } from 'hono/jsx';

export interface PageUser {
  username: string;
}

export interface LayoutProps {
  title: string;
  user?: PageUser | undefined;
  csrf?: string | undefined;
  children?: Child;
}

export function Layout({ title, user, csrf, children }: LayoutProps) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${title} · Agentry`}</title>
        <link rel="stylesheet" href="/assets/app.css" />
        <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
        <script src="/assets/app.js" defer />
      </head>
      <body>
        <a class="skip-link" href="#main">
          Skip to content
        </a>
        <header class="site-header">
          <a class="brand" href="/">
            Agentry
          </a>
          <search class="header-search">
            <form method="get" action="/search">
              <label for="site-search" class="visually-hidden">
                Search artifacts
              </label>
              <input id="site-search" name="q" type="search" placeholder="Search artifacts" />
            </form>
          </search>
          <nav aria-label="Account">
            <a href="/search">Browse</a>
            {user ? (
              <>
                <a href="/dashboard">Dashboard</a>
                <form method="post" action="/logout" class="inline">
                  <a href={`/users/${user.username}`} class="who">
                    {user.username}
                  </a>
                  <input type="hidden" name="csrf" value={csrf ?? ''} />
                  <button type="submit">Log out</button>
                </form>
              </>
            ) : (
              <>
                <a href="/login">Log in</a>
                <a href="/signup">Sign up</a>
              </>
            )}
            <a href="/docs/api">API</a>
          </nav>
        </header>
        <main id="main">{children}</main>
        <footer class="site-footer">Agentry — a registry for AI-agent artifacts</footer>
      </body>
    </html>
  );
}
