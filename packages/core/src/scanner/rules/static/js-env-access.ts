import type { Hit, Rule } from '../../rule.js';
import { jsIndexes } from './js-index.js';
import { hitAt } from './support.js';

/**
 * Reads of process.env (also Bun.env, Deno.env). Common and usually legitimate (configuration, API
 * keys the user provides), so low, and reported once per file with the variables read: a reviewer can
 * check that the names fit what the artifact says it does.
 */
export const jsEnvAccess: Rule = {
  id: 'js_env_access',
  stage: 'static',
  severity: 'low',
  title: 'JavaScript reads environment variables',
  check(ctx) {
    const out: Hit[] = [];
    for (const index of jsIndexes(ctx)) {
      const first = index.envReads[0];
      if (!first) continue;
      const earliest = index.envReads.reduce((min, read) => (read.line < min.line ? read : min), first);
      const names = [...new Set(index.envReads.map((read) => read.name).filter((n) => n !== undefined))];
      const shown =
        names.length > 0 ? ` (${names.slice(0, 8).join(', ')}${names.length > 8 ? ', …' : ''})` : '';
      const times = index.envReads.length === 1 ? 'once' : `${index.envReads.length} times`;
      out.push(
        hitAt(
          ctx,
          index.path,
          earliest,
          `Reads process.env ${times}${shown}: environment variables often hold secrets, so check the names fit the artifact's purpose.`,
        ),
      );
    }
    return out;
  },
};
