import type * as t from '@babel/types';
import type { Hit, Rule } from '../../rule.js';
import { fallbackHits } from './js-fallback.js';
import { type JsIndex, jsIndexes } from './js-index.js';
import { calleeRef } from './js-refs.js';
import { capHits, hitAt, lowerWhenDeclared, observe } from './support.js';

/** Modules whose whole purpose is starting other programs. */
const subprocessModules = new Set(['child_process', 'execa', 'shelljs', 'cross-spawn', 'zx']);
/** child_process functions that always hand their command line to a shell. */
const shellAlways = new Set(['exec', 'execSync']);
/** child_process functions that use a shell only when asked with `shell: true`. */
const shellOptional = new Set(['spawn', 'spawnSync', 'execFile', 'execFileSync', 'fork']);
const runtimeSpawners = new Set(['Bun.spawn', 'Bun.spawnSync', 'Deno.run', 'Deno.Command']);
const childProcessText =
  /\brequire\s*\(\s*['"`](?:node:)?child_process['"`]\s*\)|\bfrom\s*['"](?:node:)?child_process['"]/g;

/** Whether an options object (inline or a const) sets `shell` to anything but `false`. */
function asksForShell(index: JsIndex, args: t.Node[]): boolean {
  for (const arg of args) {
    let node: t.Node | undefined = arg;
    if (node.type === 'Identifier') node = index.consts.get(node.name);
    if (node?.type !== 'ObjectExpression') continue;
    for (const prop of node.properties) {
      if (prop.type !== 'ObjectProperty') continue;
      const key =
        prop.key.type === 'Identifier'
          ? prop.key.name
          : prop.key.type === 'StringLiteral'
            ? prop.key.value
            : '';
      if (key !== 'shell') continue;
      return !(prop.value.type === 'BooleanLiteral' && !prop.value.value);
    }
  }
  return false;
}

/**
 * Loading child_process (or execa, shelljs, cross-spawn, zx) lets code start any program: high. A call
 * that goes through a shell — exec/execSync always, spawn/execFile with `shell: true`, shelljs's exec —
 * is critical, since the command line is then shell syntax and easy to inject into. When the manifest
 * declares subprocess use, the plain high hits become low notes; the critical ones stay.
 */
export const jsChildProcess: Rule = {
  id: 'js_child_process',
  stage: 'static',
  severity: 'high',
  title: 'JavaScript starts other programs (child_process and similar)',
  check(ctx) {
    const out: Hit[] = [];
    for (const index of jsIndexes(ctx)) {
      const hits: Hit[] = [];
      for (const found of index.imports) {
        if (found.module === undefined || !subprocessModules.has(found.module)) continue;
        hits.push(
          hitAt(
            ctx,
            index.path,
            found,
            `Loads ${found.module}, which lets the code start any program on the user's machine.`,
          ),
        );
        observe(ctx, 'subprocess', index.path, found);
      }
      for (const call of index.calls) {
        if (call.isImport) continue;
        const ref = calleeRef(index, call);
        if (!ref) continue;
        const name = ref.path[ref.path.length - 1] ?? '';
        const dotted = ref.path.join('.');
        if (ref.module === undefined && runtimeSpawners.has(dotted)) {
          hits.push(hitAt(ctx, index.path, call, `${dotted}() starts another program.`));
          observe(ctx, 'subprocess', index.path, call);
        } else if (ref.module === 'child_process' && ref.path.length === 1) {
          if (shellAlways.has(name)) {
            hits.push(
              hitAt(
                ctx,
                index.path,
                call,
                `child_process.${name}() runs its command line through a shell, where any interpolated value can inject commands.`,
                'critical',
              ),
            );
          } else if (shellOptional.has(name) && asksForShell(index, call.args)) {
            hits.push(
              hitAt(
                ctx,
                index.path,
                call,
                `child_process.${name}() with shell: true runs its command through a shell, where any interpolated value can inject commands.`,
                'critical',
              ),
            );
          }
        } else if (ref.module === 'shelljs' && refName(ref.path) === 'exec') {
          hits.push(
            hitAt(ctx, index.path, call, 'shelljs exec() runs a command line through a shell.', 'critical'),
          );
        }
      }
      out.push(...capHits(hits));
    }
    out.push(
      ...fallbackHits(
        ctx,
        childProcessText,
        'Loads child_process, which can start any program',
        (path, line, column) => observe(ctx, 'subprocess', path, line, column),
      ),
    );
    return lowerWhenDeclared(ctx, 'subprocess', out);
  },
};

function refName(path: string[]): string {
  return path.length === 1 ? (path[0] ?? '') : '';
}
