/**
 * CSRF protection for HTML forms: a random cookie (HttpOnly, SameSite=Lax) and a hidden field holding
 * an HMAC of it. An attacker who manages to plant a cookie still cannot compute the field without the
 * server's secret, and a cross-site page cannot read either.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { AgentryError } from '@agentry/core';
import type { Context } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import type { AppEnv } from './context.js';

const csrfCookie = 'agentry_csrf';

function fieldFor(secret: string, cookie: string): string {
  return createHmac('sha256', `csrf:${secret}`).update(cookie).digest('base64url');
}

/** The hidden-field value for forms on this page; sets the cookie when the browser has none. */
export function issueCsrfField(c: Context<AppEnv>, secret: string, secure: boolean): string {
  let cookie = getCookie(c, csrfCookie);
  if (!cookie || !/^[A-Za-z0-9_-]{32}$/.test(cookie)) {
    cookie = randomBytes(24).toString('base64url');
    setCookie(c, csrfCookie, cookie, { httpOnly: true, sameSite: 'Lax', secure, path: '/' });
  }
  return fieldFor(secret, cookie);
}

export function verifyCsrfField(c: Context<AppEnv>, secret: string, field: unknown): void {
  const cookie = getCookie(c, csrfCookie);
  if (!cookie || typeof field !== 'string') throw new AgentryError('csrf_failed');
  const expected = Buffer.from(fieldFor(secret, cookie));
  const given = Buffer.from(field);
  if (expected.length !== given.length || !timingSafeEqual(expected, given))
    throw new AgentryError('csrf_failed');
}
