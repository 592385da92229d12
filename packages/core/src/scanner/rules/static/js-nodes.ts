/** Small questions about Babel nodes that the JS index, reference resolution and path shapes all ask. */
import type * as t from '@babel/types';

export function lineOf(node: t.Node): number {
  return node.loc?.start.line ?? 1;
}

export function columnOf(node: t.Node): number {
  return node.loc?.start.column ?? 0;
}

export function normaliseModule(name: string): string {
  return name.startsWith('node:') ? name.slice(5) : name;
}

export function unwrap(node: t.Node): t.Node {
  let current = node;
  for (;;) {
    if (current.type === 'AwaitExpression') {
      if (!current.argument) return current;
      current = current.argument;
      continue;
    }
    if (
      current.type === 'TSAsExpression' ||
      current.type === 'TSNonNullExpression' ||
      current.type === 'TSSatisfiesExpression' ||
      current.type === 'TSTypeAssertion' ||
      current.type === 'ParenthesizedExpression'
    ) {
      current = current.expression;
      continue;
    }
    return current;
  }
}

/** The value of a string literal, an expression-free template, or a `+` concatenation of those. */
export function staticString(node: t.Node | undefined, depth = 0): string | undefined {
  if (!node || depth > 100) return undefined;
  if (node.type === 'StringLiteral') return node.value;
  if (node.type === 'TemplateLiteral' && node.expressions.length === 0) {
    const quasi = node.quasis[0];
    return quasi ? (quasi.value.cooked ?? quasi.value.raw) : '';
  }
  if (node.type === 'BinaryExpression' && node.operator === '+') {
    const left = staticString(node.left, depth + 1);
    if (left === undefined) return undefined;
    const right = staticString(node.right, depth + 1);
    return right === undefined ? undefined : left + right;
  }
  return undefined;
}

/** The static module of `require('m')`, `import('m')` or `await import('m')`. */
export function requiredModule(node: t.Node | null | undefined): string | undefined {
  if (!node) return undefined;
  const inner = unwrap(node);
  if (inner.type === 'CallExpression') {
    const callee = inner.callee;
    if ((callee.type === 'Identifier' && callee.name === 'require') || callee.type === 'Import') {
      const value = staticString(inner.arguments[0]);
      return value === undefined ? undefined : normaliseModule(value);
    }
  }
  if (inner.type === 'ImportExpression') {
    const value = staticString(inner.source);
    return value === undefined ? undefined : normaliseModule(value);
  }
  return undefined;
}

/** The name of a non-computed property or a computed string-literal property. */
export function propertyName(node: t.Node): string | undefined {
  if (node.type !== 'MemberExpression' && node.type !== 'OptionalMemberExpression') return undefined;
  const prop = node.property;
  if (!node.computed && prop.type === 'Identifier') return prop.name;
  return staticString(prop);
}

export function keyName(node: t.Node): string | undefined {
  if (node.type === 'Identifier') return node.name;
  if (node.type === 'StringLiteral') return node.value;
  return undefined;
}

export function isProcessEnv(node: t.Node): boolean {
  if (node.type !== 'MemberExpression' && node.type !== 'OptionalMemberExpression') return false;
  const object = node.object;
  if (object.type !== 'Identifier' || propertyName(node) !== 'env') return false;
  return object.name === 'process' || object.name === 'Bun' || object.name === 'Deno';
}
