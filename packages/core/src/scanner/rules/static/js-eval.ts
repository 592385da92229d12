import type { Hit, Rule } from '../../rule.js';
import { codeSink } from './js-code-sinks.js';
import { fallbackHits } from './js-fallback.js';
import { jsIndexes } from './js-index.js';
import { capHits, hitAt } from './support.js';

const evalText = /\beval\s*\(/g;

/** eval(), indirect (0, eval)(), globalThis.eval() and node's vm runners: strings run as code. */
export const jsEval: Rule = {
  id: 'js_eval',
  stage: 'static',
  severity: 'critical',
  title: 'JavaScript evaluates a string as code (eval, vm.runIn*Context)',
  check(ctx) {
    const out: Hit[] = [];
    for (const index of jsIndexes(ctx)) {
      const hits: Hit[] = [];
      for (const call of index.calls) {
        const sink = codeSink(index, call);
        if (sink === undefined || sink === 'Function') continue;
        const what = sink === 'vm.Script' ? 'new vm.Script()' : `${sink}()`;
        hits.push(
          hitAt(
            ctx,
            index.path,
            call,
            `${what} runs a string as JavaScript with the artifact's full privileges; what it runs cannot be reviewed before install.`,
          ),
        );
      }
      out.push(...capHits(hits));
    }
    out.push(...fallbackHits(ctx, evalText, 'eval() runs a string as JavaScript'));
    return out;
  },
};
