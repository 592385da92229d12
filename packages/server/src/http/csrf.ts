/**
 * CSRF protection for HTML forms: a random cookie (HttpOnly, SameSite=Lax) and a hidden field holding
 * an HMAC of it and of the caller's session. An attacker who manages to plant a cookie still cannot
 * compute the field without the server's secret, and a cross-site page cannot read either. Binding the
 * session means a pair an attacker fetched anonymously (GET /login) is worthless with a victim's
 * session; the cookie is replaced at log-in, so no pair from before log-in survives it.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { AgentryError } from '@agentry/core';
import type { Context } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import type { AppEnv } from './context.js';

const csrfCookie = 'agentry_csrf';

function fieldFor(c: Context<AppEnv>, secret: string, cookie: string): string {
  const session = c.get('principal')?.sessionId ?? 'anonymous';
  return createHmac('sha256', `csrf:${secret}`).update(`${cookie}\0${session}`).digest('base64url');
}

/** A new CSRF cookie: called when a session starts, so fields issued before log-in stop working. */
export function rotateCsrfCookie(c: Context<AppEnv>, secure: boolean): void {
  setCookie(c, csrfCookie, randomBytes(24).toString('base64url'), {
    httpOnly: true,
    sameSite: 'Lax',
    secure,
    path: '/',
  });
}

/** The hidden-field value for forms on this page; sets the cookie when the browser has none. */
export function issueCsrfField(c: Context<AppEnv>, secret: string, secure: boolean): string {
  let cookie = getCookie(c, csrfCookie);
  if (!cookie || !/^[A-Za-z0-9_-]{32}$/.test(cookie)) {
    cookie = randomBytes(24).toString('base64url');
    setCookie(c, csrfCookie, cookie, { httpOnly: true, sameSite: 'Lax', secure, path: '/' });
  }
  return fieldFor(c, secret, cookie);
}

export function verifyCsrfField(c: Context<AppEnv>, secret: string, field: unknown): void {
  const cookie = getCookie(c, csrfCookie);
  if (!cookie || typeof field !== 'string') throw new AgentryError('csrf_failed');
  const expected = Buffer.from(fieldFor(c, secret, cookie));
  const given = Buffer.from(field);
  if (expected.length !== given.length || !timingSafeEqual(expected, given))
    throw new AgentryError('csrf_failed');
}
