/**
 * External services for tests: PostgreSQL and Redis are given by URL in the environment. Run by hand
 * without them, their tests skip with a visible message; with AGENTRY_REQUIRE_SERVICES=1 (set by
 * .ci/run) a missing service fails the run instead.
 */
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
