/** Random bearer secrets (API tokens, sessions) and their stored form: only a SHA-256 hash. */
import { createHash, randomBytes } from 'node:crypto';
import { tokenPrefix } from '@agentry/core';

export function generateApiToken(): string {
  return `${tokenPrefix}${randomBytes(32).toString('base64url')}`;
}

export function generateSessionSecret(): string {
  return randomBytes(32).toString('base64url');
}

export function hashSecret(raw: string): string {
  return createHash('sha256').update(raw).digest('hex');
}
