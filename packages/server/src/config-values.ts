/** How configuration values are declared and parsed: a key's spec and the parsers the keys use. */
import { isWellFormedToken } from '@agentry/core';

export type Parse<T> = (raw: string) => T;

export interface KeySpec<T> {
  env: string;
  description: string;
  /** Raw default, parsed like a supplied value; undefined means "unset" (the key is optional). */
  default?: string;
  /** How the docs describe a default that is derived from other keys. */
  defaultText?: string;
  secret?: boolean;
  parse: Parse<T>;
}

export class ConfigValueError extends Error {}

export class ConfigError extends Error {
  readonly key: string;
  constructor(key: string, message: string) {
    super(`invalid configuration: ${key} ${message}`);
    this.name = 'ConfigError';
    this.key = key;
  }
}

export function fail(message: string): never {
  throw new ConfigValueError(message);
}

export const text: Parse<string> = (raw) => raw;

export function integer(min: number, max: number): Parse<number> {
  return (raw) => {
    const value = Number(raw);
    if (!/^-?\d+$/.test(raw.trim()) || !Number.isSafeInteger(value) || value < min || value > max) {
      fail(`must be an integer from ${min} to ${max} (got "${raw}")`);
    }
    return value;
  };
}

export const boolean: Parse<boolean> = (raw) => {
  const value = raw.trim().toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(value)) return true;
  if (['0', 'false', 'no', 'off'].includes(value)) return false;
  return fail(`must be true or false (got "${raw}")`);
};

export function oneOf<const T extends string>(values: readonly T[]): Parse<T> {
  return (raw) => {
    const value = raw.trim().toLowerCase();
    if (!(values as readonly string[]).includes(value))
      fail(`must be one of ${values.join(', ')} (got "${raw}")`);
    return value as T;
  };
}

export function url(protocols: string[]): Parse<string> {
  return (raw) => {
    let parsed: URL;
    try {
      parsed = new URL(raw);
    } catch {
      return fail(`must be a URL (got "${raw}")`);
    }
    if (!protocols.includes(parsed.protocol))
      fail(`must use ${protocols.join(' or ')} (got "${parsed.protocol}")`);
    return raw.replace(/\/+$/, '');
  };
}

export const hostname: Parse<string> = (raw) => {
  const value = raw
    .trim()
    .toLowerCase()
    .replace(/^\.+|\.+$/g, '');
  if (!/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*(:\d+)?$/.test(value)) {
    fail(`must be a host name such as registry.example.com (got "${raw}")`);
  }
  return value;
};

export const tenantSlug: Parse<string> = (raw) => {
  if (!/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/.test(raw)) fail(`must be a lower-case slug (got "${raw}")`);
  return raw;
};

export const adminToken: Parse<string> = (raw) => {
  if (!isWellFormedToken(raw))
    fail(
      'must be agt_ (or spk_, tank_, aitk_) followed by 32 to 128 base64url characters (see `agentry-server admin create-token`)',
    );
  return raw;
};

export const secretKey: Parse<string> = (raw) => {
  if (raw.length < 32) fail('must be at least 32 characters');
  return raw;
};

/** A comma-separated list of http(s) origins, normalised by URL (lower-case host, default port dropped). */
export const origins: Parse<string[]> = (raw) =>
  raw
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry) => {
      let parsed: URL;
      try {
        parsed = new URL(entry);
      } catch {
        return fail(`must list origins such as https://idp.example.lan (got "${entry}")`);
      }
      if ((parsed.protocol !== 'http:' && parsed.protocol !== 'https:') || parsed.pathname !== '/')
        fail(`must list origins such as https://idp.example.lan (got "${entry}")`);
      return parsed.origin;
    });
