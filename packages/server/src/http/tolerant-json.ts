import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from './context.js';

/**
 * Tank's documented publish script builds its confirm body with `$(openssl … | base64)`, and GNU base64
 * wraps at 76 columns, so the integrity string arrives with a raw line break inside a JSON string.
 * When a body is not valid JSON but is once raw line breaks are dropped, the repaired body is used.
 * Valid JSON is never touched.
 */
export function tolerateWrappedLines(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if ((c.req.header('content-type') ?? '').includes('json')) {
      const text = await c.req.text();
      try {
        JSON.parse(text);
      } catch {
        const repaired = text.replace(/[\r\n]+/g, '');
        try {
          JSON.parse(repaired);
          // Hono caches body promises here (its type says values); json() then parses the repaired text.
          c.req.bodyCache = { text: Promise.resolve(repaired) as unknown as string };
        } catch {
          // Still not JSON: leave it for the validator to answer 400 INVALID_JSON.
        }
      }
    }
    await next();
  };
}
