/**
 * The per-file index the JS/TS rules read. One walk over a file's AST (js-ast.ts) indexes what the rules
 * look at — calls and `new` expressions, module imports and requires, the local names bound to modules,
 * `const` initialisers, `process.env` reads and long escape-encoded strings — memoised in `ctx.cache` as
 * `jsidx:<path>`, so the JS rules together cost one parse and one walk per file. Files over 1 MB, and
 * files the parser gives up on, get no index; the rules fall back to a few patterns for them
 * (js-fallback.ts).
 */
import type * as t from '@babel/types';
import type { ScanContext } from '../../rule.js';
import { parseText, walk } from './js-ast.js';
import {
  columnOf,
  isProcessEnv,
  keyName,
  lineOf,
  normaliseModule,
  propertyName,
  requiredModule,
  staticString,
  unwrap,
} from './js-nodes.js';
import { staticFiles } from './support.js';

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

export interface Ref {
  /** The module the reference comes from (`node:` removed); undefined for globals. */
  module: string | undefined;
  /** Property names after the module, or the global's name and properties (`globalThis.` dropped). */
  path: string[];
}

const unicodeEscapeWrapper = /^\\u\{?|\}$/g;
const escapeSequence = /\\(?:x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|u\{[0-9a-fA-F]+\})/g;
/** Escape-encoded strings longer than this many characters of escapes are reported. */
export const longEscapeChars = 200;

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
