/**
 * JS/TS parsing shared by the stage 2 rules: @babel/parser with error recovery on (module or script
 * decided by the file, TypeScript and JSX by its extension), and an iterative walk over the code that can
 * run. The rules read the per-file index built from one walk (js-index.ts) rather than the tree.
 */
import { type ParserOptions, type ParserPlugin, parse } from '@babel/parser';
import type * as t from '@babel/types';
import type { ScanContext } from '../../rule.js';

/** Larger files are not parsed (pattern fallback only), to keep the scanner fast. */
export const maxAstBytes = 1024 * 1024;

const baseOptions: ParserOptions = {
  sourceType: 'unambiguous',
  errorRecovery: true,
  attachComment: false,
  allowAwaitOutsideFunction: true,
  allowReturnOutsideFunction: true,
  allowImportExportEverywhere: true,
  allowNewTargetOutsideFunction: true,
  allowSuperOutsideMethod: true,
  allowUndeclaredExports: true,
};
const tsPlugins: ParserPlugin[] = ['typescript', 'decorators-legacy'];
const tsxPlugins: ParserPlugin[] = ['typescript', 'jsx', 'decorators-legacy'];
const jsPlugins: ParserPlugin[] = ['jsx'];
const tsPath = /\.[cm]?ts$/i;
const tsxPath = /\.tsx$/i;

function pluginsFor(path: string): ParserPlugin[][] {
  // `<T>x` casts make JSX and plain .ts ambiguous, so .ts files go without JSX; a file that fails under
  // its extension's syntax gets one more try with the other (a .js file holding TypeScript, say).
  if (tsPath.test(path)) return [tsPlugins, tsxPlugins];
  if (tsxPath.test(path)) return [tsxPlugins, tsPlugins];
  return [jsPlugins, tsxPlugins];
}

export function parseText(ctx: ScanContext, path: string): t.File | undefined {
  const text = ctx.textOf(path);
  const size = ctx.files.get(path)?.size ?? text?.length ?? 0;
  if (text === undefined || size > maxAstBytes) return undefined;
  // Babel builds a SyntaxError for every recovered error (and TypeScript's speculative parses);
  // capturing their stacks costs more than the parse itself, and they are never looked at.
  const stackTraceLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    for (const plugins of pluginsFor(path)) {
      try {
        return parse(text, { ...baseOptions, plugins });
      } catch {
        // try the next syntax
      }
    }
    return undefined;
  } finally {
    Error.stackTraceLimit = stackTraceLimit;
  }
}

/**
 * The file's full AST, or undefined when it is too large, not text, or unparseable; memoised per scan
 * as `ast:<path>`. The stage 2 rules read the smaller index instead (jsIndexOf), which parses without
 * keeping the tree: holding every file's AST for the whole scan made the garbage collector copy it
 * over and over, about a third of the JS time.
 */
export function parseJs(ctx: ScanContext, path: string): t.File | undefined {
  const key = `ast:${path}`;
  if (ctx.cache.has(key)) return ctx.cache.get(key) as t.File | undefined;
  const ast = parseText(ctx, path);
  ctx.cache.set(key, ast);
  return ast;
}

const skipKeys = new Set([
  'type',
  'loc',
  'start',
  'end',
  'range',
  'extra',
  'leadingComments',
  'trailingComments',
  'innerComments',
  'comments',
  'tokens',
  'errors',
  'typeAnnotation',
  'returnType',
  'typeParameters',
  'superTypeParameters',
]);

function isNode(value: unknown): value is t.Node {
  return (
    typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string'
  );
}

/**
 * Child keys per node type for the code that can run (from Babel's VISITOR_KEYS, without type
 * annotations, type parameters and TypeScript/Flow type-only declarations). Node types missing here
 * are walked generically.
 */
const childKeys: Record<string, readonly string[]> = {
  ArrayExpression: ['elements'],
  ArrayPattern: ['elements'],
  ArrowFunctionExpression: ['params', 'body'],
  AssignmentExpression: ['left', 'right'],
  AssignmentPattern: ['left', 'right', 'decorators'],
  AwaitExpression: ['argument'],
  BigIntLiteral: [],
  BinaryExpression: ['left', 'right'],
  BlockStatement: ['directives', 'body'],
  BooleanLiteral: [],
  BreakStatement: ['label'],
  CallExpression: ['callee', 'arguments'],
  CatchClause: ['param', 'body'],
  ClassAccessorProperty: ['decorators', 'key', 'value'],
  ClassBody: ['body'],
  ClassDeclaration: ['decorators', 'id', 'superClass', 'body'],
  ClassExpression: ['decorators', 'id', 'superClass', 'body'],
  ClassMethod: ['decorators', 'key', 'params', 'body'],
  ClassPrivateMethod: ['decorators', 'key', 'params', 'body'],
  ClassPrivateProperty: ['decorators', 'key', 'value'],
  ClassProperty: ['decorators', 'key', 'value'],
  ConditionalExpression: ['test', 'consequent', 'alternate'],
  ContinueStatement: ['label'],
  DebuggerStatement: [],
  Decorator: ['expression'],
  Directive: ['value'],
  DirectiveLiteral: [],
  DoWhileStatement: ['body', 'test'],
  EmptyStatement: [],
  ExportAllDeclaration: ['source', 'attributes', 'assertions'],
  ExportDefaultDeclaration: ['declaration'],
  ExportDefaultSpecifier: ['exported'],
  ExportNamedDeclaration: ['declaration', 'specifiers', 'source', 'attributes', 'assertions'],
  ExportNamespaceSpecifier: ['exported'],
  ExportSpecifier: ['local', 'exported'],
  ExpressionStatement: ['expression'],
  File: ['program'],
  ForInStatement: ['left', 'right', 'body'],
  ForOfStatement: ['left', 'right', 'body'],
  ForStatement: ['init', 'test', 'update', 'body'],
  FunctionDeclaration: ['id', 'params', 'body'],
  FunctionExpression: ['id', 'params', 'body'],
  Identifier: ['decorators'],
  IfStatement: ['test', 'consequent', 'alternate'],
  Import: [],
  ImportAttribute: ['key', 'value'],
  ImportDeclaration: ['specifiers', 'source', 'attributes', 'assertions'],
  ImportDefaultSpecifier: ['local'],
  ImportExpression: ['source', 'options'],
  ImportNamespaceSpecifier: ['local'],
  ImportSpecifier: ['imported', 'local'],
  InterpreterDirective: [],
  JSXAttribute: ['name', 'value'],
  JSXClosingElement: ['name'],
  JSXClosingFragment: [],
  JSXElement: ['openingElement', 'children', 'closingElement'],
  JSXEmptyExpression: [],
  JSXExpressionContainer: ['expression'],
  JSXFragment: ['openingFragment', 'children', 'closingFragment'],
  JSXIdentifier: [],
  JSXMemberExpression: ['object', 'property'],
  JSXNamespacedName: ['namespace', 'name'],
  JSXOpeningElement: ['name', 'attributes'],
  JSXOpeningFragment: [],
  JSXSpreadAttribute: ['argument'],
  JSXSpreadChild: ['expression'],
  JSXText: [],
  LabeledStatement: ['label', 'body'],
  LogicalExpression: ['left', 'right'],
  MemberExpression: ['object', 'property'],
  MetaProperty: ['meta', 'property'],
  NewExpression: ['callee', 'arguments'],
  NullLiteral: [],
  NumericLiteral: [],
  ObjectExpression: ['properties'],
  ObjectMethod: ['decorators', 'key', 'params', 'body'],
  ObjectPattern: ['decorators', 'properties'],
  ObjectProperty: ['decorators', 'key', 'value'],
  OptionalCallExpression: ['callee', 'arguments'],
  OptionalMemberExpression: ['object', 'property'],
  ParenthesizedExpression: ['expression'],
  PrivateName: ['id'],
  Program: ['directives', 'body'],
  RegExpLiteral: [],
  RestElement: ['argument'],
  ReturnStatement: ['argument'],
  SequenceExpression: ['expressions'],
  SpreadElement: ['argument'],
  StaticBlock: ['body'],
  StringLiteral: [],
  Super: [],
  SwitchCase: ['test', 'consequent'],
  SwitchStatement: ['discriminant', 'cases'],
  TSAsExpression: ['expression'],
  TSDeclareFunction: [],
  TSDeclareMethod: [],
  TSEnumDeclaration: ['id', 'members', 'body'],
  TSEnumMember: ['id', 'initializer'],
  TSExportAssignment: ['expression'],
  TSExternalModuleReference: ['expression'],
  TSImportEqualsDeclaration: ['id', 'moduleReference'],
  TSInstantiationExpression: ['expression'],
  TSInterfaceDeclaration: [],
  TSModuleBlock: ['body'],
  TSModuleDeclaration: ['id', 'body'],
  TSNamespaceExportDeclaration: ['id'],
  TSNonNullExpression: ['expression'],
  TSParameterProperty: ['decorators', 'parameter'],
  TSSatisfiesExpression: ['expression'],
  TSTypeAliasDeclaration: [],
  TSTypeAssertion: ['expression'],
  TaggedTemplateExpression: ['tag', 'quasi'],
  TemplateElement: [],
  TemplateLiteral: ['quasis', 'expressions'],
  ThisExpression: [],
  ThrowStatement: ['argument'],
  TryStatement: ['block', 'handler', 'finalizer'],
  UnaryExpression: ['argument'],
  UpdateExpression: ['argument'],
  VariableDeclaration: ['declarations'],
  VariableDeclarator: ['id', 'init'],
  WhileStatement: ['test', 'body'],
  WithStatement: ['object', 'body'],
  YieldExpression: ['argument'],
};

function pushChildrenGeneric(node: t.Node, stack: t.Node[]): void {
  const children: t.Node[] = [];
  const record = node as unknown as Record<string, unknown>;
  for (const key in record) {
    if (skipKeys.has(key)) continue;
    const value = record[key];
    if (Array.isArray(value)) {
      for (const item of value) if (isNode(item)) children.push(item);
    } else if (isNode(value)) children.push(value);
  }
  for (let i = children.length - 1; i >= 0; i--) stack.push(children[i] as t.Node);
}

/**
 * Visits every node under `root` in source order (depth first, parents before children), iteratively so
 * that deeply nested code cannot overflow the stack. Type annotations are skipped: they never run.
 */
export function walk(root: t.Node, visit: (node: t.Node) => void): void {
  const stack: t.Node[] = [root];
  while (stack.length > 0) {
    const node = stack.pop() as t.Node;
    visit(node);
    const keys = childKeys[node.type];
    if (keys === undefined) {
      pushChildrenGeneric(node, stack);
      continue;
    }
    const record = node as unknown as Record<string, unknown>;
    for (let k = keys.length - 1; k >= 0; k--) {
      const value = record[keys[k] as string];
      if (value === null || value === undefined) continue;
      if (Array.isArray(value)) {
        for (let i = value.length - 1; i >= 0; i--) {
          const item: unknown = value[i];
          if (isNode(item)) stack.push(item);
        }
      } else if (isNode(value)) stack.push(value);
    }
  }
}
