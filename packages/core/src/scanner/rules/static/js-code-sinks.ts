/** Calls that turn a string into code: the shared test of js_eval, js_new_function and js_obfuscation. */
import type { JsCall, JsIndex } from './js-index.js';
import { propertyName, unwrap } from './js-nodes.js';
import { calleeRef, refIs } from './js-refs.js';

const vmRunners = new Set(['runInThisContext', 'runInNewContext', 'runInContext', 'compileFunction']);

/**
 * What a call turns into code at run time, if anything: `eval`, `Function`, or one of node's `vm`
 * runners. `literalBody` says whether the code is a fixed string (then only the eval forms count).
 */
export function codeSink(index: JsIndex, call: JsCall): string | undefined {
  if (call.isImport) return undefined;
  const ref = calleeRef(index, call);
  if (!ref) {
    // (function () {}).constructor('code')
    const callee = call.callee;
    if (callee && (callee.type === 'MemberExpression' || callee.type === 'OptionalMemberExpression')) {
      const object = unwrap(callee.object);
      if (
        propertyName(callee) === 'constructor' &&
        (object.type === 'FunctionExpression' || object.type === 'ArrowFunctionExpression')
      )
        return 'Function';
    }
    return undefined;
  }
  if (ref.module === undefined) {
    if (!call.isNew && refIs(ref, undefined, 'eval')) return 'eval';
    if (refIs(ref, undefined, 'Function')) return 'Function';
    return undefined;
  }
  if (ref.module === 'vm') {
    const last = ref.path[ref.path.length - 1] ?? '';
    if (!call.isNew && ref.path.length === 1 && vmRunners.has(last)) return `vm.${last}`;
    if (call.isNew && refIs(ref, 'vm', 'Script')) return 'vm.Script';
  }
  return undefined;
}
