/**
 * Filesystem calls of a JS/TS file and a static picture of their path arguments, for
 * filesystem_outside_artifact and js_credential_read.
 */
import type * as t from '@babel/types';
import type { JsIndex, Ref } from './js-index.js';
import { isProcessEnv, propertyName, unwrap } from './js-nodes.js';
import { calleeRef, refIs, resolveRef } from './js-refs.js';

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
