import type { Permissions } from '../../../permissions.js';
import type { Capability, Observation, Rule } from '../../rule.js';

/**
 * A rule that reports observed use of a capability the manifest does not declare: one hit at the first
 * observed location (by file, then line). Silent when there is no manifest to compare with, and for
 * observations in test, example and documentation paths.
 */
export function undeclaredRule(options: {
  id: string;
  capability: Capability;
  title: string;
  declared: (permissions: Permissions) => boolean;
  message: (where: string, count: number) => string;
}): Rule {
  return {
    id: options.id,
    stage: 'static',
    severity: 'high',
    title: options.title,
    check(ctx) {
      if (!ctx.permissions || options.declared(ctx.permissions)) return [];
      const seen = ctx.observations.filter(
        (o) => o.capability === options.capability && !ctx.isExamplePath(o.file),
      );
      const first = seen.reduce<Observation | undefined>((best, o) => {
        if (!best) return o;
        if (o.file !== best.file) return o.file < best.file ? o : best;
        return (o.line ?? 0) < (best.line ?? 0) ? o : best;
      }, undefined);
      if (!first) return [];
      const where = first.line === undefined ? first.file : `${first.file}:${first.line}`;
      const places = new Set(seen.map((o) => `${o.file}:${o.line ?? 0}`)).size;
      return [
        {
          message: options.message(where, places),
          file: first.file,
          ...(first.line === undefined ? {} : { line: first.line }),
          ...(first.evidence === undefined ? {} : { evidence: first.evidence }),
        },
      ];
    },
  };
}

export function more(count: number): string {
  return count > 1 ? ` and ${count - 1} other place${count > 2 ? 's' : ''}` : '';
}
