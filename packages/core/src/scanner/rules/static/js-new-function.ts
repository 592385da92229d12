import type { Hit, Rule } from '../../rule.js';
import { codeSink } from './js-code-sinks.js';
import { fallbackHits } from './js-fallback.js';
import { jsIndexes } from './js-index.js';
import { staticString } from './js-nodes.js';
import { capHits, hitAt } from './support.js';

const newFunctionText = /\bnew\s+Function\s*\(/g;

/** new Function(body) / Function(body) with a body that is not a fixed string: eval by another name. */
export const jsNewFunction: Rule = {
  id: 'js_new_function',
  stage: 'static',
  severity: 'critical',
  title: 'JavaScript builds a function from a computed string (new Function)',
  check(ctx) {
    const out: Hit[] = [];
    for (const index of jsIndexes(ctx)) {
      const hits: Hit[] = [];
      for (const call of index.calls) {
        if (codeSink(index, call) !== 'Function') continue;
        const body = call.args[call.args.length - 1];
        if (!body || staticString(body) !== undefined) continue;
        const what = call.isNew ? 'new Function()' : 'Function()';
        hits.push(
          hitAt(
            ctx,
            index.path,
            call,
            `${what} compiles a body computed at run time into code: the same risk as eval, and a common way to hide a payload.`,
          ),
        );
      }
      out.push(...capHits(hits));
    }
    out.push(...fallbackHits(ctx, newFunctionText, 'new Function() compiles a string into code'));
    return out;
  },
};
