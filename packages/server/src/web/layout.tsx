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
      </head>
      <body>
        <header class="site-header">
          <a class="brand" href="/">
            Agentry
          </a>
          <nav aria-label="Account">
            {user ? (
              <form method="post" action="/logout" class="inline">
                <span class="who">{user.username}</span>
                <input type="hidden" name="csrf" value={csrf ?? ''} />
                <button type="submit">Log out</button>
              </form>
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
