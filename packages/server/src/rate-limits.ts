/**
 * Fixed-window counters behind one interface: process memory by default, Redis when REDIS_URL is set
 * so every server process counts against the same budget.
 */
import type { Redis } from 'ioredis';
import {
  type RateLimiterAbstract,
  RateLimiterMemory,
  RateLimiterRedis,
  RateLimiterRes,
} from 'rate-limiter-flexible';

export interface RateWindow {
  /** Counter family, e.g. `login-ip` or `api-token`; also the Redis key prefix. */
  name: string;
  limit: number;
  windowSeconds: number;
}

export interface RateDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Seconds until the window resets. */
  resetSeconds: number;
}

export interface RateLimiter {
  /** Counts one hit (or `points`) and says whether it is within the limit. */
  hit(window: RateWindow, key: string, points?: number): Promise<RateDecision>;
  /** Reads the current state without counting. */
  peek(window: RateWindow, key: string): Promise<RateDecision>;
  reset(window: RateWindow, key: string): Promise<void>;
  readonly kind: 'memory' | 'redis';
}

export function createRateLimiter(redis?: Redis): RateLimiter {
  const limiters = new Map<string, RateLimiterAbstract>();
  const limiterFor = (window: RateWindow) => {
    const id = `${window.name}:${window.limit}:${window.windowSeconds}`;
    let limiter = limiters.get(id);
    if (!limiter) {
      const options = {
        keyPrefix: `agentry:rl:${window.name}`,
        points: window.limit,
        duration: window.windowSeconds,
      };
      limiter = redis
        ? new RateLimiterRedis({ ...options, storeClient: redis })
        : new RateLimiterMemory(options);
      limiters.set(id, limiter);
    }
    return limiter;
  };
  const decide = (window: RateWindow, res: RateLimiterRes | null, allowed: boolean): RateDecision => ({
    allowed,
    limit: window.limit,
    remaining: Math.max(0, window.limit - (res?.consumedPoints ?? 0)),
    resetSeconds: Math.max(1, Math.ceil((res?.msBeforeNext ?? window.windowSeconds * 1000) / 1000)),
  });
  return {
    kind: redis ? 'redis' : 'memory',
    async hit(window, key, points = 1) {
      try {
        return decide(window, await limiterFor(window).consume(key, points), true);
      } catch (rejection) {
        if (rejection instanceof RateLimiterRes) return decide(window, rejection, false);
        throw rejection;
      }
    },
    async peek(window, key) {
      const res = await limiterFor(window).get(key);
      return decide(window, res, (res?.consumedPoints ?? 0) < window.limit);
    },
    async reset(window, key) {
      await limiterFor(window).delete(key);
    },
  };
}
