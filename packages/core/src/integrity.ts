/** Subresource-integrity strings (`sha512-<base64>`), as Tank and npm use them. */
import { createHash, timingSafeEqual } from 'node:crypto';

export function computeIntegrity(bytes: Uint8Array): string {
  return `sha512-${createHash('sha512').update(bytes).digest('base64')}`;
}

export function computeSha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

const integrityPattern = /^sha512-([A-Za-z0-9+/]{86}==)$/;

export function isIntegrity(value: string): boolean {
  return integrityPattern.test(value);
}

/** Constant-time comparison of two sha512 integrity strings; false when either is malformed. */
export function integrityEquals(a: string, b: string): boolean {
  const left = integrityPattern.exec(a)?.[1];
  const right = integrityPattern.exec(b)?.[1];
  if (!left || !right) return false;
  return timingSafeEqual(Buffer.from(left, 'base64'), Buffer.from(right, 'base64'));
}
