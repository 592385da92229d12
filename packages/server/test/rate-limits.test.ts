import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeWithService } from '../../../test-support/services.js';
import { createRateLimiter, type RateLimiter, type RateWindow } from '../src/rate-limits.js';

const runId = `${process.pid}-${randomBytes(4).toString('hex')}`;
let windows = 0;

/** A window of its own for each test, so counts never leak between tests or runs. */
function freshWindow(limit = 3, windowSeconds = 60): RateWindow {
  windows += 1;
  return { name: `test-${runId}-${windows}`, limit, windowSeconds };
}

describe('memory rate limiter', () => {
  it('counts remaining hits down and refuses after the limit', async () => {
    const limiter = createRateLimiter();
    expect(limiter.kind).toBe('memory');
    const window = freshWindow(3, 60);
    const decisions = [];
    for (let i = 0; i < 5; i++) decisions.push(await limiter.hit(window, 'k'));
    expect(decisions.map((d) => [d.allowed, d.remaining])).toEqual([
      [true, 2],
      [true, 1],
      [true, 0],
      [false, 0],
      [false, 0],
    ]);
    for (const decision of decisions) {
      expect(decision.limit).toBe(3);
      expect(decision.resetSeconds).toBeGreaterThanOrEqual(1);
      expect(decision.resetSeconds).toBeLessThanOrEqual(60);
    }
  });

  it('counts several points at once', async () => {
    const limiter = createRateLimiter();
    const window = freshWindow(5);
    expect(await limiter.hit(window, 'k', 3)).toMatchObject({ allowed: true, remaining: 2 });
    expect((await limiter.hit(window, 'k', 3)).allowed).toBe(false);
  });

  it('peeks without counting, and reports refusal once the limit is used up', async () => {
    const limiter = createRateLimiter();
    const window = freshWindow(2);
    expect(await limiter.peek(window, 'k')).toMatchObject({ allowed: true, remaining: 2, limit: 2 });
    for (let i = 0; i < 5; i++) await limiter.peek(window, 'k');
    expect(await limiter.hit(window, 'k')).toMatchObject({ allowed: true, remaining: 1 });
    expect(await limiter.peek(window, 'k')).toMatchObject({ allowed: true, remaining: 1 });
    await limiter.hit(window, 'k');
    const spent = await limiter.peek(window, 'k');
    expect(spent).toMatchObject({ allowed: false, remaining: 0 });
    expect(spent.resetSeconds).toBeGreaterThanOrEqual(1);
  });

  it('clears a key on reset', async () => {
    const limiter = createRateLimiter();
    const window = freshWindow(2);
    await limiter.hit(window, 'k');
    await limiter.hit(window, 'k');
    expect((await limiter.hit(window, 'k')).allowed).toBe(false);
    await limiter.reset(window, 'k');
    expect(await limiter.peek(window, 'k')).toMatchObject({ allowed: true, remaining: 2 });
    expect(await limiter.hit(window, 'k')).toMatchObject({ allowed: true, remaining: 1 });
    await limiter.reset(window, 'never-hit');
  });

  it('keeps keys and windows independent', async () => {
    const limiter = createRateLimiter();
    const window = freshWindow(1);
    const other = freshWindow(1);
    expect((await limiter.hit(window, 'a')).allowed).toBe(true);
    expect((await limiter.hit(window, 'a')).allowed).toBe(false);
    expect((await limiter.hit(window, 'b')).allowed).toBe(true);
    expect((await limiter.hit(other, 'a')).allowed).toBe(true);
  });

  it('does not share counts between two memory limiters', async () => {
    const first = createRateLimiter();
    const second = createRateLimiter();
    const window = freshWindow(1);
    expect((await first.hit(window, 'k')).allowed).toBe(true);
    expect((await first.hit(window, 'k')).allowed).toBe(false);
    expect(await second.peek(window, 'k')).toMatchObject({ allowed: true, remaining: 1 });
    expect((await second.hit(window, 'k')).allowed).toBe(true);
  });
});

describeWithService('redis', 'redis rate limiter', (url) => {
  let clientA: Redis;
  let clientB: Redis;
  let limiterA: RateLimiter;
  let limiterB: RateLimiter;
  const windowsUsed: RateWindow[] = [];
  const redisWindow = (limit = 3, windowSeconds = 60) => {
    const window = freshWindow(limit, windowSeconds);
    windowsUsed.push(window);
    return window;
  };

  beforeAll(async () => {
    clientA = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
    clientB = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
    await Promise.all([clientA.connect(), clientB.connect()]);
    limiterA = createRateLimiter(clientA);
    limiterB = createRateLimiter(clientB);
  });
  afterAll(async () => {
    for (const window of windowsUsed) {
      const keys = await clientA.keys(`agentry:rl:${window.name}:*`);
      if (keys.length > 0) await clientA.del(...keys);
    }
    await Promise.all([clientA.quit(), clientB.quit()]);
  });

  it('is a redis limiter', () => {
    expect(limiterA.kind).toBe('redis');
  });

  it('shares one budget between two clients', async () => {
    const window = redisWindow(3);
    expect(await limiterA.hit(window, 'k')).toMatchObject({ allowed: true, remaining: 2 });
    expect(await limiterB.peek(window, 'k')).toMatchObject({ allowed: true, remaining: 2 });
    expect(await limiterB.hit(window, 'k')).toMatchObject({ allowed: true, remaining: 1 });
    expect(await limiterA.hit(window, 'k')).toMatchObject({ allowed: true, remaining: 0 });
    const refused = await limiterB.hit(window, 'k');
    expect(refused).toMatchObject({ allowed: false, remaining: 0 });
    expect(refused.resetSeconds).toBeGreaterThanOrEqual(1);
    expect(refused.resetSeconds).toBeLessThanOrEqual(60);
    expect((await limiterA.peek(window, 'k')).allowed).toBe(false);
    // The other key of the same window is untouched.
    expect(await limiterB.peek(window, 'other')).toMatchObject({ allowed: true, remaining: 3 });
  });

  it('resets for every client at once', async () => {
    const window = redisWindow(1);
    await limiterA.hit(window, 'k');
    expect((await limiterB.hit(window, 'k')).allowed).toBe(false);
    await limiterB.reset(window, 'k');
    expect(await limiterA.peek(window, 'k')).toMatchObject({ allowed: true, remaining: 1 });
    expect((await limiterA.hit(window, 'k')).allowed).toBe(true);
  });

  it('stores counters under the window name with an expiry', async () => {
    const window = redisWindow(5, 30);
    await limiterA.hit(window, 'k');
    const keys = await clientB.keys(`agentry:rl:${window.name}:*`);
    expect(keys).toHaveLength(1);
    const ttl = await clientB.pttl(keys[0] ?? '');
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(30_000);
  });
});
