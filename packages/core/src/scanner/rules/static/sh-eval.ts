import type { Rule } from '../../rule.js';
import { shellHits } from './shell.js';
import { commandStart, span } from './shell-patterns.js';

const evalCommand = new RegExp(String.raw`${commandStart}eval[ \t]+([^\n;|&]{0,${span}})`, 'gm');
const dynamic = /[$`]/;
/**
 * Idioms not worth a finding: `eval "$(tool init)"` lines of shell setups, and `eval set -- "$args"`
 * after getopt, which only re-splits already quoted arguments.
 */
const knownSetup =
  /^set[ \t]+--|^["']?(?:\$\(|`)[ \t]*(?:ssh-agent|brew[ \t]+shellenv|pyenv|rbenv|nodenv|goenv|jenv|plenv|direnv[ \t]+hook|conda[ \t]+shell|fnm[ \t]+env|zoxide[ \t]+init|starship[ \t]+init|mise[ \t]+activate|opam[ \t]+env|dircolors|thefuck)\b/;

/** eval of a variable or command substitution: the shell runs text built at run time. */
export const shEval: Rule = {
  id: 'sh_eval',
  stage: 'static',
  severity: 'high',
  title: 'Shell evaluates a variable or command output as code (eval)',
  check: (ctx) =>
    shellHits(ctx, [evalCommand], (m) => {
      const arg = (m[1] ?? '').trim();
      if (!dynamic.test(arg) || knownSetup.test(arg)) return undefined;
      return {
        message: `eval ${arg.length > 40 ? `${arg.slice(0, 39)}…` : arg} runs text built at run time as shell code; a value from outside can inject commands.`,
      };
    }),
};
