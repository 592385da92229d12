/**
 * Password hashing with scrypt from node:crypto: memory-hard (32 MiB per hash at N=2^15, r=8) and
 * with no native dependency. The stored string carries its parameters so they can be raised later.
 */
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

const defaults = { logN: 15, r: 8, p: 1, keyLength: 32 };

function derive(
  password: string,
  salt: Buffer,
  logN: number,
  r: number,
  p: number,
  keyLength: number,
): Promise<Buffer> {
  const N = 2 ** logN;
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFKC'), salt, keyLength, { N, r, p, maxmem: 256 * N * r }, (error, key) =>
      error ? reject(error) : resolve(key),
    );
  });
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const { logN, r, p, keyLength } = defaults;
  const key = await derive(password, salt, logN, r, p, keyLength);
  return ['scrypt', logN, r, p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, logN, r, p, salt, key] = stored.split('$');
  if (scheme !== 'scrypt' || !logN || !r || !p || !salt || !key) return false;
  const expected = Buffer.from(key, 'base64url');
  const actual = await derive(
    password,
    Buffer.from(salt, 'base64url'),
    Number(logN),
    Number(r),
    Number(p),
    expected.length,
  );
  return timingSafeEqual(actual, expected);
}

/** Spends the same time as a real check, so a missing account cannot be told apart by timing. */
let dummyHash: Promise<string> | undefined;
export async function burnPasswordCheck(password: string): Promise<false> {
  dummyHash ??= hashPassword('agentry-timing-equaliser');
  await verifyPassword(password, await dummyHash);
  return false;
}

export function checkPasswordStrength(password: string): string | undefined {
  if (password.length < 10) return 'Use at least 10 characters.';
  if (password.length > 256) return 'Use at most 256 characters.';
  return undefined;
}
