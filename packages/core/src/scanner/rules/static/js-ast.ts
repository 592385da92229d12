/**
 * JS/TS parsing for the stage 2 rules: each file is parsed once per scan with @babel/parser (error
 * recovery on, module or script decided by the file). One walk over the AST then indexes what the rules
 * look at — calls and `new` expressions, module imports and requires, the local names bound to modules,
 * `const` initialisers, `process.env` reads and long escape-encoded strings — memoised in `ctx.cache` as
 * `jsidx:<path>`, so the JS rules together cost one parse and one walk per file (parseJs memoises the
 * full tree as `ast:<path>` for a consumer that needs it). Files over 1 MB, and files the parser gives
 * up on, get no index; the rules fall back to a few patterns for them.
 */
import { type ParserOptions, type ParserPlugin, parse } from '@babel/parser';
import type * as t from '@babel/types';
import type { Hit, ScanContext } from '../../rule.js';
import { capHits, hitAt, lineOfOffset, lineStartsOf, staticFiles } from './support.js';

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

function parseText(ctx: ScanContext, path: string): t.File | undefined {
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

// ---------------------------------------------------------------------------------------------------
// Walker

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

// ---------------------------------------------------------------------------------------------------
// Index

export interface JsCall {
  node: t.Node;
  /** The callee; undefined for `import(...)`. */
  callee: t.Node | undefined;
  args: t.Node[];
  isNew: boolean;
  /** `import(...)`, whichever way the parser represents it. */
  isImport: boolean;
  line: number;
  column: number;
  /** The resolved callee, filled on first use by calleeRef. */
  ref?: Ref | null;
}

export interface JsImport {
  /** Module specifier with any `node:` prefix removed; undefined when computed at run time. */
  module: string | undefined;
  kind: 'import' | 'export' | 'require' | 'dynamic-import';
  line: number;
  column: number;
}

export interface Binding {
  module: string;
  /** `*` for the module object itself (namespace, default, `const x = require(...)`), else the export. */
  imported: string;
}

export interface JsIndex {
  path: string;
  text: string;
  calls: JsCall[];
  imports: JsImport[];
  bindings: Map<string, Binding>;
  consts: Map<string, t.Node>;
  envReads: { line: number; column: number; name: string | undefined }[];
  longEscapes: { line: number; column: number; length: number }[];
}

const unicodeEscapeWrapper = /^\\u\{?|\}$/g;
const escapeSequence = /\\(?:x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|u\{[0-9a-fA-F]+\})/g;
/** Escape-encoded strings longer than this many characters of escapes are reported. */
export const longEscapeChars = 200;

function lineOf(node: t.Node): number {
  return node.loc?.start.line ?? 1;
}

function columnOf(node: t.Node): number {
  return node.loc?.start.column ?? 0;
}

export function normaliseModule(name: string): string {
  return name.startsWith('node:') ? name.slice(5) : name;
}

function unwrap(node: t.Node): t.Node {
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
function requiredModule(node: t.Node | null | undefined): string | undefined {
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

function keyName(node: t.Node): string | undefined {
  if (node.type === 'Identifier') return node.name;
  if (node.type === 'StringLiteral') return node.value;
  return undefined;
}

function isProcessEnv(node: t.Node): boolean {
  if (node.type !== 'MemberExpression' && node.type !== 'OptionalMemberExpression') return false;
  const object = node.object;
  if (object.type !== 'Identifier' || propertyName(node) !== 'env') return false;
  return object.name === 'process' || object.name === 'Bun' || object.name === 'Deno';
}

function bindPattern(index: JsIndex, id: t.Node, module: string): void {
  if (id.type === 'Identifier') {
    index.bindings.set(id.name, { module, imported: '*' });
    return;
  }
  if (id.type !== 'ObjectPattern') return;
  for (const prop of id.properties) {
    if (prop.type !== 'ObjectProperty') continue;
    const imported = keyName(prop.key);
    let local: t.Node = prop.value;
    if (local.type === 'AssignmentPattern') local = local.left;
    if (imported && local.type === 'Identifier') index.bindings.set(local.name, { module, imported });
  }
}

function buildIndex(path: string, text: string, ast: t.File): JsIndex {
  const index = emptyIndex(path, text);
  const envSeen = new Set<t.Node>();
  walk(ast.program, (node) => {
    switch (node.type) {
      case 'CallExpression':
      case 'OptionalCallExpression':
      case 'NewExpression': {
        const callee = node.callee;
        const isImport = callee.type === 'Import';
        index.calls.push({
          node,
          callee: isImport ? undefined : callee,
          args: node.arguments as t.Node[],
          isNew: node.type === 'NewExpression',
          isImport,
          line: lineOf(node),
          column: columnOf(node),
        });
        if (!isImport && callee.type === 'Identifier' && callee.name === 'require' && node.arguments[0]) {
          const value = staticString(node.arguments[0]);
          index.imports.push({
            module: value === undefined ? undefined : normaliseModule(value),
            kind: 'require',
            line: lineOf(node),
            column: columnOf(node),
          });
        } else if (isImport) {
          const value = staticString(node.arguments[0]);
          index.imports.push({
            module: value === undefined ? undefined : normaliseModule(value),
            kind: 'dynamic-import',
            line: lineOf(node),
            column: columnOf(node),
          });
        }
        break;
      }
      case 'ImportExpression': {
        index.calls.push({
          node,
          callee: undefined,
          args: [node.source],
          isNew: false,
          isImport: true,
          line: lineOf(node),
          column: columnOf(node),
        });
        const value = staticString(node.source);
        index.imports.push({
          module: value === undefined ? undefined : normaliseModule(value),
          kind: 'dynamic-import',
          line: lineOf(node),
          column: columnOf(node),
        });
        break;
      }
      case 'ImportDeclaration': {
        if (node.importKind === 'type' || node.importKind === 'typeof') break;
        const module = normaliseModule(node.source.value);
        index.imports.push({ module, kind: 'import', line: lineOf(node), column: columnOf(node) });
        for (const spec of node.specifiers) {
          if (spec.type === 'ImportSpecifier') {
            if (spec.importKind === 'type') continue;
            const imported = keyName(spec.imported) ?? spec.local.name;
            index.bindings.set(spec.local.name, {
              module,
              imported: imported === 'default' ? '*' : imported,
            });
          } else index.bindings.set(spec.local.name, { module, imported: '*' });
        }
        break;
      }
      case 'ExportNamedDeclaration':
      case 'ExportAllDeclaration':
        if (node.source && node.exportKind !== 'type') {
          index.imports.push({
            module: normaliseModule(node.source.value),
            kind: 'export',
            line: lineOf(node),
            column: columnOf(node),
          });
        }
        break;
      case 'VariableDeclarator': {
        if (!node.init) break;
        const module = requiredModule(node.init);
        if (module !== undefined) bindPattern(index, node.id, module);
        else {
          // const exec = require('child_process').exec
          const init = unwrap(node.init);
          if (
            (init.type === 'MemberExpression' || init.type === 'OptionalMemberExpression') &&
            node.id.type === 'Identifier'
          ) {
            const from = requiredModule(init.object);
            const name = propertyName(init);
            if (from !== undefined && name !== undefined)
              index.bindings.set(node.id.name, { module: from, imported: name });
          }
        }
        if (node.id.type === 'Identifier' && !index.consts.has(node.id.name))
          index.consts.set(node.id.name, node.init);
        break;
      }
      case 'MemberExpression':
      case 'OptionalMemberExpression':
        if (isProcessEnv(node.object)) {
          envSeen.add(node.object);
          index.envReads.push({ line: lineOf(node), column: columnOf(node), name: propertyName(node) });
        } else if (isProcessEnv(node) && !envSeen.has(node)) {
          index.envReads.push({ line: lineOf(node), column: columnOf(node), name: undefined });
        }
        break;
      case 'StringLiteral': {
        const raw = (node.extra?.raw as string | undefined) ?? '';
        if (raw.length > longEscapeChars) noteEscapes(index, raw, node);
        break;
      }
      case 'TemplateElement':
        if (node.value.raw.length > longEscapeChars) noteEscapes(index, node.value.raw, node);
        break;
      default:
        break;
    }
  });
  return index;
}

/**
 * Escapes that spell printable ASCII (`\x68\x74\x74\x70` is "http") hide readable text — code, URLs,
 * commands — from review; escaped non-ASCII (Unicode tables, symbols) is ordinary and not counted.
 */
function noteEscapes(index: JsIndex, raw: string, node: t.Node): void {
  if (!raw.includes('\\x') && !raw.includes('\\u')) return;
  let escaped = 0;
  escapeSequence.lastIndex = 0;
  for (let m = escapeSequence.exec(raw); m; m = escapeSequence.exec(raw)) {
    const hex = m[0][1] === 'x' ? m[0].slice(2) : m[0].replace(unicodeEscapeWrapper, '');
    const code = Number.parseInt(hex, 16);
    if (code >= 0x20 && code < 0x7f) escaped += m[0].length;
  }
  if (escaped > longEscapeChars && escaped * 2 >= raw.length) {
    index.longEscapes.push({ line: lineOf(node), column: columnOf(node), length: escaped });
  }
}

/**
 * Every AST rule keys on one of these tokens appearing literally in the source (eval, Function, vm,
 * module names, require/import(), fetch and the network globals, fs, env, \x/\u escapes …). A file
 * without any of them cannot produce a finding, so it is not parsed at all.
 */
const interesting = new RegExp(
  [
    // eval, Function and vm sinks, (function () {}).constructor(…)
    String.raw`\b(?:eval|Function|vm)\b|\.constructor\s*\(|['"]constructor['"]`,
    // import(…) and require(…) of anything but a plain string literal (static imports of the modules that
    // matter are caught by their names below)
    String.raw`\bimport\s*\(|\brequire\s*\(\s*(?:[^'"\s)]|['"][^'"\n]*['"]\s*[^\s)])`,
    String.raw`\b(?:fetch|XMLHttpRequest|WebSocket|EventSource|sendBeacon|env|fs|fsp|fse|fsPromises|fsExtra|Bun|Deno)\b`,
    String.raw`child_process|execa|shelljs|cross-spawn|['"](?:node:)?(?:zx|https?|http2|net|dgram|tls|ws|axios|node-fetch|undici|got|superagent|request|cross-fetch|isomorphic-fetch|socket\.io-client|ky|needle|fs-extra|graceful-fs)['"/]`,
    // escape sequences, for long escape-encoded strings
    String.raw`\\[xu]`,
  ].join('|'),
);

function emptyIndex(path: string, text: string): JsIndex {
  return {
    path,
    text,
    calls: [],
    imports: [],
    bindings: new Map(),
    consts: new Map(),
    envReads: [],
    longEscapes: [],
  };
}

/**
 * The index of one file, or undefined when it cannot be parsed (too large, syntax the parser gives up
 * on). Memoised per scan as `jsidx:<path>`: each file is parsed and walked once for all the rules. An
 * AST already memoised by parseJs is reused.
 */
export function jsIndexOf(ctx: ScanContext, path: string): JsIndex | undefined {
  const key = `jsidx:${path}`;
  if (ctx.cache.has(key)) return ctx.cache.get(key) as JsIndex | undefined;
  const text = ctx.textOf(path);
  let index: JsIndex | undefined;
  if (text !== undefined && !interesting.test(text)) index = emptyIndex(path, text);
  else {
    const memo = ctx.cache.get(`ast:${path}`) as t.File | undefined;
    const ast = memo ?? parseText(ctx, path);
    try {
      index = ast && text !== undefined ? buildIndex(path, text, ast) : undefined;
    } catch {
      // a pathological tree (say, nesting deep enough to exhaust the stack): use the pattern fallback
      index = undefined;
    }
  }
  ctx.cache.set(key, index);
  return index;
}

/** Indexes of every parseable JS/TS file of the scan. */
export function jsIndexes(ctx: ScanContext): JsIndex[] {
  const out: JsIndex[] = [];
  for (const path of staticFiles(ctx).js) {
    const index = jsIndexOf(ctx, path);
    if (index) out.push(index);
  }
  return out;
}

/** JS/TS files with no AST (over the size limit or unparseable), for the pattern fallback. */
export function unparsedJs(ctx: ScanContext): string[] {
  return staticFiles(ctx).js.filter((path) => jsIndexOf(ctx, path) === undefined);
}

/**
 * Pattern fallback for files without an AST: one hit per matching line of `pattern` (global), with a
 * note in the message that it comes from a text match.
 */
export function fallbackHits(
  ctx: ScanContext,
  pattern: RegExp,
  message: string,
  onHit?: (path: string, line: number, column: number) => void,
): Hit[] {
  const out: Hit[] = [];
  for (const path of unparsedJs(ctx)) {
    const text = ctx.textOf(path) ?? '';
    const starts = lineStartsOf(ctx, path);
    const hits: Hit[] = [];
    const lines = new Set<number>();
    pattern.lastIndex = 0;
    for (let m = pattern.exec(text); m; m = pattern.exec(text)) {
      const line = lineOfOffset(starts, m.index);
      if (lines.has(line)) continue;
      lines.add(line);
      const column = m.index - (starts[line - 1] ?? 0);
      hits.push(
        hitAt(
          ctx,
          path,
          line,
          `${message} (text match: the file is too large to parse or does not parse)`,
          undefined,
          column,
        ),
      );
      onHit?.(path, line, column);
    }
    out.push(...capHits(hits));
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------
// Reference resolution

export interface Ref {
  /** The module the reference comes from (`node:` removed); undefined for globals. */
  module: string | undefined;
  /** Property names after the module, or the global's name and properties (`globalThis.` dropped). */
  path: string[];
}

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

// ---------------------------------------------------------------------------------------------------
// Filesystem calls and path shapes

const fsModules = new Set(['fs', 'fs/promises', 'fs-extra', 'graceful-fs', 'fs-extra/esm']);
const fsLikeNames = new Set(['fs', 'fsp', 'fse', 'fsPromises', 'fsExtra']);
const fsReads = new Set([
  'readFile',
  'readFileSync',
  'createReadStream',
  'open',
  'openSync',
  'readdir',
  'readdirSync',
  'opendir',
  'opendirSync',
  'readJson',
  'readJsonSync',
  'readJSON',
  'readJSONSync',
  'readlink',
  'readlinkSync',
  'copyFile',
  'copyFileSync',
  'cp',
  'cpSync',
  'copy',
  'copySync',
  'readTextFile',
  'readTextFileSync',
  'readDir',
  'readDirSync',
  'file',
]);
const fsWrites = new Set([
  'writeFile',
  'writeFileSync',
  'appendFile',
  'appendFileSync',
  'createWriteStream',
  'mkdir',
  'mkdirSync',
  'rm',
  'rmSync',
  'rmdir',
  'rmdirSync',
  'unlink',
  'unlinkSync',
  'rename',
  'renameSync',
  'symlink',
  'symlinkSync',
  'link',
  'linkSync',
  'chmod',
  'chmodSync',
  'chown',
  'chownSync',
  'truncate',
  'truncateSync',
  'outputFile',
  'outputFileSync',
  'outputJson',
  'outputJsonSync',
  'writeJson',
  'writeJsonSync',
  'writeJSON',
  'writeJSONSync',
  'remove',
  'removeSync',
  'emptyDir',
  'emptyDirSync',
  'ensureDir',
  'ensureDirSync',
  'ensureFile',
  'ensureFileSync',
  'move',
  'moveSync',
  'writeTextFile',
  'writeTextFileSync',
  'write',
]);
/** Methods whose first two arguments are both paths. */
const twoPaths = new Set([
  'copyFile',
  'copyFileSync',
  'cp',
  'cpSync',
  'copy',
  'copySync',
  'rename',
  'renameSync',
  'symlink',
  'symlinkSync',
  'link',
  'linkSync',
  'move',
  'moveSync',
]);

export interface FsCall {
  line: number;
  column: number;
  /** e.g. `fs.readFileSync`. */
  name: string;
  access: 'read' | 'write';
  /** Static shapes of the path arguments (see pathShape). */
  shapes: string[];
}

function fsMethod(ref: Ref): { name: string; method: string } | undefined {
  const method = ref.path[ref.path.length - 1];
  if (method === undefined) return undefined;
  if (ref.module !== undefined) {
    if (!fsModules.has(ref.module)) return undefined;
    return { name: `${ref.module.replace('/promises', '')}.${method}`, method };
  }
  const root = ref.path[0] ?? '';
  if (ref.path.length >= 2 && fsLikeNames.has(root)) return { name: `fs.${method}`, method };
  if (ref.path.length === 2 && (root === 'Bun' || root === 'Deno'))
    return { name: `${root}.${method}`, method };
  return undefined;
}

/** Filesystem calls of a file, memoised on the index. */
export function fsCalls(index: JsIndex): FsCall[] {
  const cached = (index as JsIndex & { fs?: FsCall[] }).fs;
  if (cached) return cached;
  const out: FsCall[] = [];
  for (const call of index.calls) {
    if (call.isImport || call.isNew) continue;
    const ref = calleeRef(index, call);
    if (!ref) continue;
    const found = fsMethod(ref);
    if (!found) continue;
    const access = fsReads.has(found.method) ? 'read' : fsWrites.has(found.method) ? 'write' : undefined;
    if (!access) continue;
    const count = twoPaths.has(found.method) ? 2 : 1;
    const shapes = call.args.slice(0, count).map((arg) => pathShape(index, arg, 0));
    out.push({ line: call.line, column: call.column, name: found.name, access, shapes });
  }
  (index as JsIndex & { fs?: FsCall[] }).fs = out;
  return out;
}

const homeEnv = new Set([
  'HOME',
  'USERPROFILE',
  'APPDATA',
  'LOCALAPPDATA',
  'XDG_CONFIG_HOME',
  'XDG_DATA_HOME',
]);
const pathJoiners = new Set(['join', 'resolve', 'normalize']);

/**
 * A static picture of a path expression: literal parts as written, `~` for the home directory
 * (os.homedir(), $HOME), `.` for the artifact's own directory (__dirname, import.meta.dirname) and `*`
 * for anything unknown. `path.join(os.homedir(), '.ssh', 'id_rsa')` becomes `~/.ssh/id_rsa`.
 */
export function pathShape(index: JsIndex, node: t.Node | undefined, depth: number): string {
  if (!node || depth > 6) return '*';
  const inner = unwrap(node);
  switch (inner.type) {
    case 'StringLiteral':
      return inner.value;
    case 'TemplateLiteral': {
      let out = '';
      inner.quasis.forEach((quasi, i) => {
        out += quasi.value.cooked ?? quasi.value.raw;
        const expression = inner.expressions[i];
        if (expression) out += pathShape(index, expression, depth + 1);
      });
      return out;
    }
    case 'BinaryExpression':
      return inner.operator === '+'
        ? pathShape(index, inner.left, depth + 1) + pathShape(index, inner.right, depth + 1)
        : '*';
    case 'Identifier': {
      if (inner.name === '__dirname' || inner.name === '__filename') return '.';
      const init = index.consts.get(inner.name);
      return init ? pathShape(index, init, depth + 1) : '*';
    }
    case 'MemberExpression':
    case 'OptionalMemberExpression': {
      if (isProcessEnv(inner.object) && homeEnv.has(propertyName(inner) ?? '')) return '~';
      // import.meta.dirname, import.meta.filename
      if (inner.object.type === 'MetaProperty') return '.';
      return '*';
    }
    case 'CallExpression': {
      const ref = resolveRef(index, inner.callee);
      if (!ref) return '*';
      const last = ref.path[ref.path.length - 1] ?? '';
      if (last === 'homedir' && (ref.module === 'os' || ref.path.length === 1 || ref.path[0] === 'os'))
        return '~';
      if (last === 'cwd' && refIs(ref, undefined, 'process', 'cwd')) return '.';
      if (last === 'tmpdir') return '/tmp';
      if (
        pathJoiners.has(last) &&
        (ref.module === 'path' || ref.module === 'path/posix' || ref.path[0] === 'path')
      ) {
        return inner.arguments.map((arg) => pathShape(index, arg as t.Node, depth + 1)).join('/');
      }
      if (last === 'fileURLToPath' || last === 'dirname') return '.';
      return '*';
    }
    default:
      return '*';
  }
}

const outsideShape = /^(?:~|\/(?!tmp(?:\/|$)|dev\/(?:null|stdout|stderr)$))/;

/** Whether a path shape points outside the artifact: an absolute path (not /tmp) or the home directory. */
export function isOutside(shape: string): boolean {
  return outsideShape.test(shape);
}
