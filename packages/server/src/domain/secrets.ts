/**
 * Random bearer secrets (API tokens, sessions) and their stored form: only a SHA-256 hash. Secrets the
 * server must use again later (a signing key, a tenant's webhook secret) are sealed instead: AES-256-GCM
 * under a key derived from the server secret and a purpose, so a database dump alone reveals none of them.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { type TokenPrefix, tokenPrefix } from '@agentry/core';

/** `agt_` + 43 base64url characters; `spk_` + 64 lowercase hex, the form skill-pool's clients know. */
export function generateApiToken(prefix: TokenPrefix = tokenPrefix): string {
  const bytes = randomBytes(32);
  return `${prefix}${prefix === 'spk_' ? bytes.toString('hex') : bytes.toString('base64url')}`;
}

export function generateSessionSecret(): string {
  return randomBytes(32).toString('base64url');
}

export function hashSecret(raw: string): string {
  return createHash('sha256').update(raw).digest('hex');
}

/** One key per purpose, so a value sealed for one use never opens as another. */
function sealingKey(serverSecret: string, purpose: string): Buffer {
  return createHash('sha256').update(`${purpose}:${serverSecret}`).digest();
}

/** `iv.tag.ciphertext`, each base64. */
export function sealSecret(serverSecret: string, purpose: string, plain: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', sealingKey(serverSecret, purpose), iv);
  const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return [iv, cipher.getAuthTag(), body].map((part) => part.toString('base64')).join('.');
}

/** The plain text of a sealed value; throws when it was sealed under another key or altered. */
export function openSecret(serverSecret: string, purpose: string, sealed: string): string {
  const [iv, tag, body] = sealed.split('.').map((part) => Buffer.from(part, 'base64'));
  const decipher = createDecipheriv('aes-256-gcm', sealingKey(serverSecret, purpose), iv as Buffer);
  decipher.setAuthTag(tag as Buffer);
  return Buffer.concat([decipher.update(body as Buffer), decipher.final()]).toString('utf8');
}
