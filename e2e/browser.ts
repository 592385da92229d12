/** A minimal cookie jar for the browser half of e2e flows: sign-up, log-in, consent forms with CSRF. */
import { expect } from 'vitest';

export class Browser {
  private readonly cookies = new Map<string, string>();
  constructor(private readonly base: string) {}

  async request(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookies.size > 0)
      headers.set('cookie', [...this.cookies].map(([key, value]) => `${key}=${value}`).join('; '));
    const response = await fetch(new URL(path, this.base), { ...init, headers, redirect: 'manual' });
    for (const line of response.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const at = pair.indexOf('=');
      this.cookies.set(pair.slice(0, at).trim(), pair.slice(at + 1).trim());
    }
    return response;
  }

  async csrfOf(path: string): Promise<string> {
    const response = await this.request(path);
    expect(response.status).toBe(200);
    const field = /name="csrf" value="([^"]+)"/.exec(await response.text());
    if (!field?.[1]) throw new Error(`no CSRF field on ${path}`);
    return field[1];
  }

  submit(path: string, fields: Record<string, string>): Promise<Response> {
    return this.request(path, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields).toString(),
    });
  }

  /** Signs up a local account (the session cookie is kept). */
  async signUp(username: string, password = 'correct horse battery staple 42'): Promise<void> {
    const signup = await this.submit('/signup', {
      csrf: await this.csrfOf('/signup'),
      username,
      email: `${username}@example.test`,
      password,
    });
    expect(signup.status).toBe(303);
  }

  /** Approves a CLI login on the consent page that `authUrl` names. */
  async approveCliLogin(authUrl: string): Promise<void> {
    const url = new URL(authUrl);
    const approve = await this.submit('/api/v1/cli-auth/authorize', {
      csrf: await this.csrfOf(`${url.pathname}${url.search}`),
      token: url.searchParams.get('token') ?? '',
      decision: 'approve',
    });
    expect(approve.status).toBe(200);
  }
}
