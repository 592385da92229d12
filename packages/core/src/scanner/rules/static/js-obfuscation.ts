import type * as t from '@babel/types';
import type { Hit, Rule } from '../../rule.js';
import { walk } from './js-ast.js';
import { codeSink } from './js-code-sinks.js';
import { type JsIndex, jsIndexes, longEscapeChars } from './js-index.js';
import { propertyName } from './js-nodes.js';
import { resolveRef } from './js-refs.js';
import { capHits, hitAt } from './support.js';

const binaryEncodings = new Set(['base64', 'base64url', 'hex']);

/** The decoder found in an expression (following consts a few levels), if any. */
function decoderIn(index: JsIndex, node: t.Node, depth: number, seen: Set<string>): string | undefined {
  let found: string | undefined;
  walk(node, (inner) => {
    if (found) return;
    if (inner.type === 'Identifier' && depth < 3 && !seen.has(inner.name)) {
      const init = index.consts.get(inner.name);
      if (init) {
        seen.add(inner.name);
        found = decoderIn(index, init, depth + 1, seen);
      }
      return;
    }
    if (inner.type !== 'CallExpression' && inner.type !== 'OptionalCallExpression') return;
    const ref = resolveRef(index, inner.callee);
    if (!ref) return;
    const dotted = ref.path.join('.');
    if (ref.module === undefined && (dotted === 'atob' || dotted === 'unescape')) found = `${dotted}()`;
    else if (ref.module === undefined && dotted === 'String.fromCharCode') found = 'String.fromCharCode()';
    else if ((ref.module === undefined || ref.module === 'buffer') && dotted === 'Buffer.from') {
      const encoding = inner.arguments[1];
      if (encoding?.type === 'StringLiteral' && binaryEncodings.has(encoding.value.toLowerCase()))
        found = `Buffer.from(…, '${encoding.value}')`;
    } else if (
      inner.callee.type === 'MemberExpression' &&
      propertyName(inner.callee) === 'toString' &&
      inner.arguments[0]?.type === 'StringLiteral' &&
      inner.arguments[0].value === 'base64'
    )
      found = "toString('base64')";
  });
  return found;
}

/**
 * Code that hides what it runs: eval / Function / vm fed by a decoder (atob, Buffer.from(…, 'base64'),
 * String.fromCharCode, unescape) is critical — decode-then-execute is how payloads are smuggled past
 * review. Very long \x / \u escape-encoded strings are medium: unreadable by design.
 */
export const jsObfuscation: Rule = {
  id: 'js_obfuscation',
  stage: 'static',
  severity: 'critical',
  title: 'JavaScript hides the code it runs (decode-then-eval, long escape-encoded strings)',
  check(ctx) {
    const out: Hit[] = [];
    for (const index of jsIndexes(ctx)) {
      const hits: Hit[] = [];
      for (const call of index.calls) {
        const sink = codeSink(index, call);
        if (sink === undefined) continue;
        for (const arg of call.args) {
          const decoder = decoderIn(index, arg, 0, new Set());
          if (!decoder) continue;
          const what = sink === 'Function' ? (call.isNew ? 'new Function()' : 'Function()') : `${sink}()`;
          hits.push(
            hitAt(
              ctx,
              index.path,
              call,
              `${what} runs code decoded at run time by ${decoder}: decode-then-execute hides a payload from review.`,
            ),
          );
          break;
        }
      }
      for (const found of index.longEscapes) {
        hits.push(
          hitAt(
            ctx,
            index.path,
            found,
            `A string literal written as ${found.length} characters of \\x/\\u escapes (over ${longEscapeChars}): encoded text like this usually hides code or URLs from review.`,
            'medium',
          ),
        );
      }
      out.push(...capHits(hits));
    }
    return out;
  },
};
