/**
 * Web-session JWTs for APIs that authenticate browsers with a bearer JWT (AI Toolkit's
 * `Authorization: Bearer <session JWT>`). HS256 over the server secret; the token names a live session,
 * so logging out (deleting the session) ends it too. Short-lived: a page asks for a fresh one.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const sessionJwtSeconds = 3600;

export interface SessionClaims {
  /** Session secret's id (the session row), tenant id, user id. */
  sid: string;
  tid: string;
  sub: string;
  iat: number;
  exp: number;
}

const b64 = (value: Buffer | string) => Buffer.from(value).toString('base64url');

function sign(secret: string, data: string): string {
  return createHmac('sha256', `session-jwt:${secret}`).update(data).digest('base64url');
}

export function issueSessionJwt(
  secret: string,
  claims: Omit<SessionClaims, 'iat' | 'exp'>,
  now = Date.now(),
): string {
  const iat = Math.floor(now / 1000);
  const header = b64(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const payload = b64(JSON.stringify({ ...claims, iat, exp: iat + sessionJwtSeconds }));
  return `${header}.${payload}.${sign(secret, `${header}.${payload}`)}`;
}

/** The claims of a valid, unexpired token; undefined for anything else. */
export function verifySessionJwt(secret: string, token: string, now = Date.now()): SessionClaims | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  const [header, payload, signature] = parts as [string, string, string];
  const expected = Buffer.from(sign(secret, `${header}.${payload}`));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return undefined;
  try {
    const head = JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as { alg?: string };
    if (head.alg !== 'HS256') return undefined;
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as SessionClaims;
    if (typeof claims.exp !== 'number' || claims.exp <= Math.floor(now / 1000)) return undefined;
    if (typeof claims.sid !== 'string' || typeof claims.tid !== 'string' || typeof claims.sub !== 'string')
      return undefined;
    return claims;
  } catch {
    return undefined;
  }
}
