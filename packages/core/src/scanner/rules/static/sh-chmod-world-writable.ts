import type { Rule } from '../../rule.js';
import { shellHits } from './shell.js';
import { commandStart } from './shell-patterns.js';

const chmod = new RegExp(
  String.raw`${commandStart}chmod[ \t]+((?:-[a-zA-Z]+[ \t]+)*)["']?([^\s;|&"']+)`,
  'gm',
);
const numeric = /^[0-7]{3,4}$/;
const symbolic = /^([ugoa]*)([-+=])([rwxXst]*)$/;

/** Whether a chmod mode gives others (world) write access. */
export function worldWritable(mode: string): boolean {
  if (numeric.test(mode)) return ((Number.parseInt(mode.slice(-1), 8) || 0) & 2) !== 0;
  return mode.split(',').some((clause) => {
    const m = symbolic.exec(clause);
    if (!m) return false;
    const who = m[1] ?? '';
    return (who.includes('a') || who.includes('o')) && m[2] !== '-' && (m[3] ?? '').includes('w');
  });
}

/** chmod 777 / 666 / a+rwx / o+w: any local user or process may then change the files. */
export const shChmodWorldWritable: Rule = {
  id: 'sh_chmod_world_writable',
  stage: 'static',
  severity: 'high',
  title: 'Shell makes files world-writable (chmod 777, o+w)',
  check: (ctx) =>
    shellHits(ctx, [chmod], (m) =>
      worldWritable(m[2] ?? '')
        ? {
            message: `chmod ${m[2]} makes files writable by every user on the machine, so any process can replace what the agent later runs.`,
          }
        : undefined,
    ),
};
