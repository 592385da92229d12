import type { Hit, Rule } from '../../rule.js';
import { jsIndexes } from './js-index.js';
import { staticString } from './js-nodes.js';
import { calleeRef } from './js-refs.js';
import { capHits, hitAt } from './support.js';

/** require(x) / import(x) / module.require(x) whose module name is computed at run time. */
export const jsDynamicRequire: Rule = {
  id: 'js_dynamic_require',
  stage: 'static',
  severity: 'medium',
  title: 'JavaScript loads a module whose name is computed at run time',
  check(ctx) {
    const out: Hit[] = [];
    for (const index of jsIndexes(ctx)) {
      const hits: Hit[] = [];
      for (const call of index.calls) {
        if (call.isNew) continue;
        let what: string | undefined;
        if (call.isImport) what = 'import()';
        else {
          const ref = calleeRef(index, call);
          if (ref?.module === undefined && ref?.path.length === 1 && ref.path[0] === 'require')
            what = 'require()';
          else if (ref?.module === undefined && ref?.path.join('.') === 'module.require')
            what = 'module.require()';
        }
        const arg = call.args[0];
        if (!what || !arg || arg.type === 'SpreadElement' || staticString(arg) !== undefined) continue;
        hits.push(
          hitAt(
            ctx,
            index.path,
            call,
            `${what} with a computed module name loads code chosen at run time, which static review cannot follow.`,
          ),
        );
      }
      out.push(...capHits(hits));
    }
    return out;
  },
};
