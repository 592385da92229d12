import type { Rule } from '../../rule.js';
import { shellHits } from './shell.js';
import { interpreter, untilPipe } from './shell-patterns.js';

const patterns = [
  // curl … | sh, wget -qO- … | sudo bash, curl … | python3 -
  new RegExp(String.raw`\b(curl|wget)\b${untilPipe}\|[ \t]*${interpreter}`, 'g'),
  // bash <(curl …), source <(curl …), . <(wget …)
  /(?:\b(?:ba|z|da|k)?sh|\bsource|(?:^|[\s;&|])\.)[ \t]+(?:-\S+[ \t]+)*<\([ \t]*(curl|wget)\b/gm,
  // sh -c "$(curl …)", python -c "$(curl …)"
  /\b(?:(?:ba|z|da|k)?sh|python[0-9.]*)[ \t]+-c[ \t]+["']?(?:\$\(|\x60)[ \t]*(curl|wget)\b/g,
  // eval "$(curl …)"
  /\beval[ \t]+["']?(?:\$\(|\x60)[ \t]*(curl|wget)\b/g,
];

const hostOf = /^(?:[a-z][\w+.-]*:\/\/)?(?:[^@/\s]*@)?([^/:?#\s]+)/i;

/**
 * Whether the download command names something that can be fetched: a host (a dotted name, an IP
 * address or localhost), or a variable or substitution decided at run time. Documentation often writes
 * the pattern schematically (`curl … | sh`, `curl https://… | sh`); such a line runs nothing, while an
 * attack always needs an address.
 */
function fetchesSomething(command: string): boolean {
  if (/\$\{?\w|\$\(|`/.test(command)) return true;
  for (const token of command.split(/[\s"'=<>]+/)) {
    const host = hostOf.exec(token)?.[1] ?? '';
    if (host.toLowerCase() === 'localhost') return true;
    if (/^[^.…]+(?:\.[^.…]+)+$/u.test(host)) return true;
  }
  return false;
}

/** The download command of a match: from curl/wget to the pipe, the closing parenthesis or the line end. */
function downloadCommand(code: string, match: RegExpExecArray): string {
  const from = match.index + Math.max(0, match[0].search(/\b(?:curl|wget)\b/));
  const rest = code.slice(from, from + 600);
  const stop = rest.search(/(?<!\\)\n|\||\)/);
  return stop < 0 ? rest : rest.slice(0, stop);
}

/**
 * Downloads run straight by a shell or interpreter (`curl … | sh`, `bash <(curl …)`, `sh -c "$(curl …)"`,
 * `eval "$(curl …)"`), in scripts, in shell blocks of Markdown and in inline code a SKILL.md tells the
 * agent to run. Whatever the server sends — today or after it is compromised — runs unreviewed. A
 * schematic mention with no address to fetch (`curl … | sh` in a security checklist) is not reported.
 */
export const shPipeToShell: Rule = {
  id: 'sh_pipe_to_shell',
  stage: 'static',
  severity: 'critical',
  title: 'Shell runs a download directly (curl | sh, bash <(curl …))',
  check: (ctx) =>
    shellHits(
      ctx,
      patterns,
      (m, seg) =>
        fetchesSomething(downloadCommand(seg.code, m))
          ? {
              message: `Runs what ${m[1] ?? 'curl'} downloads directly in a shell or interpreter: whatever the server returns executes on the user's machine without review.`,
            }
          : undefined,
      { inline: true, observe: ['network', 'subprocess'] },
    ),
};
