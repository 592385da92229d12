import type { Permissions } from '../../../permissions.js';
import type { Capability, Observation, Rule } from '../../rule.js';

/**
 * A rule that reports observed use of a capability the manifest does not declare: one hit at the first
 * observed location (by file, then line). Silent when there is no manifest to compare with, and for
 * observations in test, example and documentation paths. When the capability is declared,
 * `outsideDeclared` may still name a use the declaration does not cover (a host not in the list).
 */
export function undeclaredRule(options: {
  id: string;
  capability: Capability;
  title: string;
  declared: (permissions: Permissions) => boolean;
  message: (where: string, count: number) => string;
  outsideDeclared?: (permissions: Permissions, observation: Observation) => string | undefined;
  outsideMessage?: (what: string, where: string) => string;
}): Rule {
  return {
    id: options.id,
    stage: 'static',
    severity: 'high',
    title: options.title,
    check(ctx) {
      const permissions = ctx.permissions;
      if (!permissions) return [];
      const used = ctx.observations.filter(
        (o) => o.capability === options.capability && !ctx.isExamplePath(o.file),
      );
      if (options.declared(permissions)) {
        const { outsideDeclared, outsideMessage } = options;
        if (!outsideDeclared || !outsideMessage) return [];
        for (const o of [...used].sort(byPlace)) {
          const what = outsideDeclared(permissions, o);
          if (what === undefined) continue;
          const where = o.line === undefined ? o.file : `${o.file}:${o.line}`;
          return [
            {
              message: outsideMessage(what, where),
              file: o.file,
              ...(o.line === undefined ? {} : { line: o.line }),
              ...(o.evidence === undefined ? {} : { evidence: o.evidence }),
            },
          ];
        }
        return [];
      }
      const first = used.reduce<Observation | undefined>((best, o) => {
        if (!best) return o;
        if (o.file !== best.file) return o.file < best.file ? o : best;
        return (o.line ?? 0) < (best.line ?? 0) ? o : best;
      }, undefined);
      if (!first) return [];
      const where = first.line === undefined ? first.file : `${first.file}:${first.line}`;
      const places = new Set(used.map((o) => `${o.file}:${o.line ?? 0}`)).size;
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

function byPlace(a: Observation, b: Observation): number {
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  return (a.line ?? 0) - (b.line ?? 0);
}

export function more(count: number): string {
  return count > 1 ? ` and ${count - 1} other place${count > 2 ? 's' : ''}` : '';
}
