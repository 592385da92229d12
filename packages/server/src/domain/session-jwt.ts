/**
 * Web-session JWTs for APIs that authenticate browsers with a bearer JWT (AI Toolkit's
 * `Authorization: Bearer <session JWT>`). HS256 (jose) over a key derived from the server secret; the
 * token names a live session, so logging out (deleting the session) ends it too. Short-lived: a page
 * asks for a fresh one.
 */
import { createHash } from 'node:crypto';
import { jwtVerify, SignJWT } from 'jose';

export const sessionJwtSeconds = 3600;
const audience = 'agentry-session';

export interface SessionClaims {
  /** Session row id, tenant id, user id. */
  sid: string;
  tid: string;
  sub: string;
}

function keyOf(secret: string): Uint8Array {
  return createHash('sha256').update(`session-jwt:${secret}`).digest();
}

export function issueSessionJwt(secret: string, claims: SessionClaims): Promise<string> {
  return new SignJWT({ sid: claims.sid, tid: claims.tid })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(claims.sub)
    .setAudience(audience)
    .setIssuedAt()
    .setExpirationTime(`${sessionJwtSeconds}s`)
    .sign(keyOf(secret));
}

/** The claims of a valid, unexpired token; undefined for anything else. */
export async function verifySessionJwt(secret: string, token: string): Promise<SessionClaims | undefined> {
  try {
    const { payload } = await jwtVerify(token, keyOf(secret), { algorithms: ['HS256'], audience });
    if (typeof payload.sid !== 'string' || typeof payload.tid !== 'string' || typeof payload.sub !== 'string')
      return undefined;
    return { sid: payload.sid, tid: payload.tid, sub: payload.sub };
  } catch {
    return undefined;
  }
}
