import type { Rule } from '../../rule.js';
import { interpreter, untilPipe } from './shell-patterns.js';
import { shellHits } from './support.js';

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

/**
 * Downloads run straight by a shell or interpreter (`curl … | sh`, `bash <(curl …)`, `sh -c "$(curl …)"`,
 * `eval "$(curl …)"`), in scripts, in shell blocks of Markdown and in inline code a SKILL.md tells the
 * agent to run. Whatever the server sends — today or after it is compromised — runs unreviewed.
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
      (m) => ({
        message: `Runs what ${m[1] ?? 'curl'} downloads directly in a shell or interpreter: whatever the server returns executes on the user's machine without review.`,
      }),
      { inline: true, observe: ['network', 'subprocess'] },
    ),
};
