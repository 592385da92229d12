/**
 * External services for tests: PostgreSQL and Redis are given by URL in the environment. Run by hand
 * without them, their tests skip with a visible message; with AGENTRY_REQUIRE_SERVICES=1 (set by
 * .ci/run) a missing service fails the run instead.
 */
import { existsSync } from 'node:fs';
import { describe, it } from 'vitest';

export type Service = 'postgres' | 'redis';

const variables: Record<Service, string> = {
  postgres: 'AGENTRY_TEST_PG_URL',
  redis: 'AGENTRY_TEST_REDIS_URL',
};

export const servicesRequired = process.env.AGENTRY_REQUIRE_SERVICES === '1';

export function serviceUrl(service: Service): string | undefined {
  return process.env[variables[service]] || undefined;
}

/** `describe` that runs only when the service is configured. */
export function describeWithService(service: Service, name: string, body: (url: string) => void): void {
  const url = serviceUrl(service);
  if (url) {
    describe(name, () => body(url));
    return;
  }
  if (servicesRequired) {
    describe(name, () => {
      it(`needs ${service}`, () => {
        throw new Error(`${variables[service]} is not set but AGENTRY_REQUIRE_SERVICES=1`);
      });
    });
    return;
  }
  console.warn(`SKIPPED "${name}": ${service} not configured (set ${variables[service]})`);
  describe.skip(name, () => body(''));
}

/** Debian's Chromium (or AGENTRY_TEST_CHROMIUM), when installed. */
export function chromiumPath(): string | undefined {
  const candidates = [process.env.AGENTRY_TEST_CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser'];
  return candidates.find((path): path is string => Boolean(path) && existsSync(path as string));
}

/** `describe` that runs only where a Chromium binary exists; a failure instead under AGENTRY_REQUIRE_SERVICES=1. */
export function describeWithChromium(name: string, body: (executablePath: string) => void): void {
  const path = chromiumPath();
  if (path) {
    describe(name, () => body(path));
    return;
  }
  if (servicesRequired) {
    describe(name, () => {
      it('needs chromium', () => {
        throw new Error(
          'Chromium is not installed (apt-get install chromium) but AGENTRY_REQUIRE_SERVICES=1',
        );
      });
    });
    return;
  }
  console.warn(
    `SKIPPED "${name}": Chromium not found (apt-get install chromium, or set AGENTRY_TEST_CHROMIUM)`,
  );
  describe.skip(name, () => body(''));
}
