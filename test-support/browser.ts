/**
 * A cookie jar over app.request for the server-rendered pages: keeps cookies between requests, sends
 * one client address (so rate limits of one test never count against another), reads CSRF fields.
 */
export type Send = (path: string, init: RequestInit) => Promise<Response>;

export interface SetCookie {
  name: string;
  value: string;
  attributes: string;
}

export function parseSetCookies(res: Response): SetCookie[] {
  return res.headers.getSetCookie().map((line) => {
    const [pair = '', ...rest] = line.split(';');
    const eq = pair.indexOf('=');
    return { name: pair.slice(0, eq).trim(), value: pair.slice(eq + 1), attributes: rest.join(';') };
  });
}

export class TestBrowser {
  cookies = new Map<string, string>();

  constructor(
    readonly send: Send,
    readonly headers: Record<string, string>,
  ) {}

  async fetch(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers({ accept: 'text/html', ...this.headers });
    for (const [name, value] of new Headers(init.headers)) headers.set(name, value);
    const jar = [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    if (jar) headers.set('cookie', jar);
    const res = await this.send(path, { ...init, headers });
    for (const cookie of parseSetCookies(res)) {
      if (/max-age=0/i.test(cookie.attributes)) this.cookies.delete(cookie.name);
      else this.cookies.set(cookie.name, cookie.value);
    }
    return res;
  }

  async csrfFrom(page: string): Promise<string> {
    const html = await (await this.fetch(page)).text();
    const field = /name="csrf" value="([^"]+)"/.exec(html)?.[1];
    if (!field) throw new Error(`no csrf field on ${page}`);
    return field;
  }

  post(path: string, fields: Record<string, string>, headers: Record<string, string> = {}) {
    return this.fetch(path, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: new URLSearchParams(fields),
    });
  }

  /** Fetches `page` for its CSRF field, then posts the form. */
  async submit(path: string, fields: Record<string, string>, page = path) {
    return this.post(path, { csrf: await this.csrfFrom(page), ...fields });
  }

  async logIn(login: string, password: string, next?: string) {
    const page = next ? `/login?next=${encodeURIComponent(next)}` : '/login';
    return this.submit('/login', { login, password, ...(next ? { next } : {}) }, page);
  }

  /** The username the home page greets, if the session authenticates. */
  async who(): Promise<string | undefined> {
    const html = await (await this.fetch('/')).text();
    return /class="who">([^<]+)</.exec(html)?.[1];
  }
}

/**
 * Browsers for one test file's app: each comes from its own client address in `10.<subnet>.x.y`, so the
 * per-address log-in limits of one test never meet another's; `signedIn` logs a user in and fails
 * unless the log-in redirects.
 */
export function testBrowsers(send: Send, subnet: number, password: string) {
  let opened = 0;
  const open = () => {
    opened += 1;
    return new TestBrowser(send, { 'x-test-client-ip': `10.${subnet}.${opened >> 8}.${opened & 255}` });
  };
  const signedIn = async (user: { username: string }) => {
    const browser = open();
    const res = await browser.logIn(user.username, password);
    if (res.status !== 303) throw new Error(`log-in of ${user.username} answered ${res.status}, not 303`);
    return browser;
  };
  return { open, signedIn };
}
