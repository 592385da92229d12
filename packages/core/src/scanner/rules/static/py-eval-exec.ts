import type { Rule } from '../../rule.js';
import { pythonHits } from './python.js';

const prefilter = /\b(?:eval|exec|compile)\s*\(/;
const evalCall = /(?:(?<![\w.])|\bbuiltins\.)(eval|exec|compile)\s*\(/g;
const defBefore = /\bdef\s+$/;
const pyLiteralArg = /^\s*[rRuUbB]{0,2}("""|'''|"|')\s*\1\s*[,)]/;

/** Whether a masked Python call's first argument, starting at `from`, is a plain (non-f) string literal. */
export function isPythonLiteralArg(code: string, from: number): boolean {
  return pyLiteralArg.test(code.slice(from, from + 2000));
}

/** eval / exec / compile on anything but a fixed string: Python runs text as code. */
export const pyEvalExec: Rule = {
  id: 'py_eval_exec',
  stage: 'static',
  severity: 'critical',
  title: 'Python evaluates a computed string as code (eval, exec, compile)',
  check: (ctx) =>
    pythonHits(ctx, prefilter, [evalCall], (m, src) => {
      if (defBefore.test(src.code.slice(Math.max(0, m.index - 20), m.index))) return undefined;
      if (isPythonLiteralArg(src.code, m.index + m[0].length)) return undefined;
      return {
        message: `${m[1]}() runs a value computed at run time as Python code with the artifact's full privileges; what it runs cannot be reviewed before install.`,
      };
    }),
};
