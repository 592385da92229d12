/** Resolving what an expression refers to: a module's export (through imports and requires) or a global. */
import type * as t from '@babel/types';
import type { JsCall, JsIndex, Ref } from './js-index.js';
import { propertyName, requiredModule, unwrap } from './js-nodes.js';

const globalObjects = new Set(['globalThis', 'window', 'global', 'self']);

/** Resolves `cp.exec`, `exec` (imported), `require('fs').readFileSync`, `window.fetch` and the like. */
export function resolveRef(index: JsIndex, expression: t.Node | undefined): Ref | undefined {
  if (!expression) return undefined;
  const props: string[] = [];
  let node = unwrap(expression);
  while (node.type === 'MemberExpression' || node.type === 'OptionalMemberExpression') {
    const name = propertyName(node);
    if (name === undefined) return undefined;
    props.unshift(name);
    node = unwrap(node.object);
  }
  if (node.type === 'SequenceExpression') {
    // (0, eval)(...) — the indirect call form
    const last = node.expressions[node.expressions.length - 1];
    if (last) node = unwrap(last);
  }
  if (node.type === 'Identifier') {
    const binding = index.bindings.get(node.name);
    if (binding) {
      return {
        module: binding.module,
        path: binding.imported === '*' ? props : [binding.imported, ...props],
      };
    }
    if (globalObjects.has(node.name) && props.length > 0) return { module: undefined, path: props };
    return { module: undefined, path: [node.name, ...props] };
  }
  const module = requiredModule(node);
  if (module !== undefined) return { module, path: props };
  return undefined;
}

/** The call's callee resolved once and remembered (null when it does not resolve). */
export function calleeRef(index: JsIndex, call: JsCall): Ref | undefined {
  if (call.ref === undefined) call.ref = call.isImport ? null : (resolveRef(index, call.callee) ?? null);
  return call.ref ?? undefined;
}

export function refIs(ref: Ref | undefined, module: string | undefined, ...path: string[]): boolean {
  if (!ref || ref.module !== module || ref.path.length !== path.length) return false;
  return ref.path.every((part, i) => part === path[i]);
}
