import type { Rule } from '../../rule.js';
import { closingParen, type PythonSource, pythonHits } from './python.js';
import { lowerWhenDeclared } from './support.js';

const prefilter = /subprocess|os\.|pty|commands\.|from\s+os\s+import/;
const osShell = /\bos\.(system|popen[234]?)\s*\(/g;
const subprocessCall =
  /\b([A-Za-z_]\w*)\.(run|call|check_call|check_output|Popen|getoutput|getstatusoutput)\s*\(/g;
const shellTrue = /\bshell\s*=\s*True\b/;
const subprocessImport = /^[ \t]*from[ \t]+subprocess[ \t]+import[ \t]+([^\n]+)/gm;
const subprocessAlias = /^[ \t]*import[ \t]+[^\n]*\bsubprocess[ \t]+as[ \t]+([A-Za-z_]\w*)/gm;
const osImportShell = /^[ \t]*from[ \t]+os[ \t]+import[ \t]+[^\n]*\b(system|popen)\b/gm;
const otherSpawn =
  /\b(pty\.spawn|os\.(?:exec[lv]p?e?|spawn[lv]p?e?|posix_spawnp?)|asyncio\.create_subprocess_(?:shell|exec)|commands\.(?:getoutput|getstatusoutput))\s*\(/g;

const fromOs = /^\s*from\s+os\b/;
const aliasesKey = Symbol('aliases');

function subprocessNames(src: PythonSource): Set<string> {
  const cached = (src as PythonSource & { [aliasesKey]?: Set<string> })[aliasesKey];
  if (cached) return cached;
  const names = new Set(['subprocess']);
  subprocessAlias.lastIndex = 0;
  for (let m = subprocessAlias.exec(src.code); m; m = subprocessAlias.exec(src.code)) names.add(m[1] ?? '');
  (src as PythonSource & { [aliasesKey]?: Set<string> })[aliasesKey] = names;
  return names;
}

/**
 * Python that starts programs: os.system / os.popen (and from-imports of them), subprocess.* with
 * shell=True, getoutput, create_subprocess_shell and commands.* run a shell command line — critical;
 * other subprocess.*, pty.spawn, os.exec* / os.spawn* — high, or a low note when the manifest declares
 * subprocess use.
 */
export const pySubprocess: Rule = {
  id: 'py_subprocess',
  stage: 'static',
  severity: 'high',
  title: 'Python starts other programs (os.system, subprocess, pty.spawn)',
  check: (ctx) =>
    lowerWhenDeclared(
      ctx,
      'subprocess',
      pythonHits(
        ctx,
        prefilter,
        [osShell, subprocessCall, subprocessImport, osImportShell, otherSpawn],
        (m, src) => {
          if (m[0].startsWith('os.') && (m[1] === 'system' || m[1]?.startsWith('popen')))
            return {
              message: `os.${m[1]}() runs its argument as a shell command line, where any interpolated value can inject commands.`,
              severity: 'critical',
            };
          if (fromOs.test(m[0]))
            return {
              message: `Imports os.${m[1]}, which runs shell command lines.`,
              severity: 'critical',
            };
          if (m[0].trimStart().startsWith('from'))
            return {
              message: `Imports ${(m[1] ?? '').trim()} from subprocess: the code starts other programs.`,
            };
          if (m[2] !== undefined) {
            if (!subprocessNames(src).has(m[1] ?? '')) return undefined;
            const open = m.index + m[0].length - 1;
            const shell =
              m[2] === 'getoutput' ||
              m[2] === 'getstatusoutput' ||
              shellTrue.test(src.code.slice(open, closingParen(src.code, open)));
            return shell
              ? {
                  message: `subprocess.${m[2]}() runs its command through a shell, where any interpolated value can inject commands.`,
                  severity: 'critical',
                }
              : { message: `subprocess.${m[2]}() starts another program.` };
          }
          const name = m[1] ?? '';
          if (name.endsWith('_shell') || name.startsWith('commands.'))
            return { message: `${name}() runs a shell command line.`, severity: 'critical' };
          return { message: `${name}() starts another program.` };
        },
        'subprocess',
      ),
    ),
};
