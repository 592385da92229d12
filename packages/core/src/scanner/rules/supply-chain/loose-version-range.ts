/**
 * `loose_version_range`: a runtime dependency pinned only to a bounded range (`^1.2.3`, `~1.2`, `1.x`,
 * `>=1,<2`, `~=1.4`, Poetry's `^1.2`), so a future release (or a hijacked one) is installed without a
 * review. Development and peer dependencies are not reported, nor npm manifests with a lockfile
 * beside them (an install of the folder then uses the locked versions).
 */
import type { Rule } from '../../rule.js';
import { dependenciesOf, hasLockfileBeside } from './manifests.js';

export const looseVersionRange: Rule = {
  id: 'loose_version_range',
  stage: 'supply_chain',
  severity: 'low',
  title: 'A runtime dependency accepts a range of versions',
  check: (ctx) =>
    dependenciesOf(ctx)
      .filter(
        (dep) =>
          dep.kind === 'range' &&
          (dep.group === 'prod' || dep.group === 'optional') &&
          !(dep.ecosystem === 'npm' && hasLockfileBeside(ctx, dep.file)),
      )
      .map((dep) => ({
        message: `${dep.ecosystem === 'npm' ? 'npm' : 'PyPI'} dependency "${dep.name}" accepts the range "${dep.spec}"; pin an exact version.`,
        file: dep.file,
        line: dep.line,
        evidence: dep.raw.slice(0, 160),
      })),
};
