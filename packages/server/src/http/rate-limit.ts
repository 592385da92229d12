/**
 * Tank's API rate limits: per client address without a token, per token with one, with a higher tier
 * for Pro users. Every API response carries X-RateLimit-Limit/Remaining/Reset (Reset in Unix seconds);
 * a refused request gets 429 RATE_LIMITED with Retry-After. Counts live in Redis when configured, so
 * every server process shares them.
 */
import { AgentryError } from '@agentry/core';
import type { MiddlewareHandler } from 'hono';
import type { Config } from '../config.js';
import type { RateLimiter, RateWindow } from '../rate-limits.js';
import type { AppEnv } from './context.js';
import { surfaceOf } from './surfaces.js';

export function apiRateLimit(limiter: RateLimiter, config: Config): MiddlewareHandler<AppEnv> {
  const window = (name: string, limit: number): RateWindow => ({
    name,
    limit,
    windowSeconds: config.rateLimitWindowSeconds,
  });
  const anonymous = window('api-ip', config.rateLimitAnonymous);
  const authenticated = window('api-token', config.rateLimitAuthenticated);
  const pro = window('api-token-pro', config.rateLimitPro);
  // ayaiay documents its own limits: 60 per hour per address, 5,000 per hour per user.
  const packsAnonymous = window('packs-ip', config.packsRateLimitAnonymous);
  const packsUser = window('packs-user', config.packsRateLimitAuthenticated);
  return async (c, next) => {
    const principal = c.get('principal');
    const packs = surfaceOf(c.req.path) === 'ayaiay';
    const address = `${c.get('tenant')?.id ?? '-'}:${c.get('clientIp')}`;
    const [rule, key] = packs
      ? principal
        ? [packsUser, principal.user.id]
        : [packsAnonymous, address]
      : principal
        ? [principal.user.is_pro ? pro : authenticated, principal.tokenId ?? principal.user.id]
        : [anonymous, address];
    const decision = await limiter.hit(rule, key);
    const headers = {
      'X-RateLimit-Limit': String(decision.limit),
      'X-RateLimit-Remaining': String(decision.remaining),
      'X-RateLimit-Reset': String(Math.ceil(Date.now() / 1000) + decision.resetSeconds),
    };
    if (!decision.allowed) {
      throw new AgentryError('rate_limited', {
        headers: { ...headers, 'Retry-After': String(decision.resetSeconds) },
      });
    }
    try {
      await next();
    } finally {
      for (const [name, value] of Object.entries(headers)) c.res.headers.set(name, value);
    }
  };
}
