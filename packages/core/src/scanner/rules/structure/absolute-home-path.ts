/**
 * `absolute_home_path` (skill-pool's rule): SKILL.md files, and the markdown of agents and commands,
 * that contain an absolute home-directory path (`/home/<user>/`, `/Users/<user>/`,
 * `C:\Users\<user>\`). Such a path only exists on the author's machine, tells an agent to reach into
 * a user's home, and leaks the author's user name. Medium. Not reported: `~/`, `$HOME/`,
 * placeholders (`/home/<user>/`, `C:\Users\%USERNAME%\`) and paths inside URLs.
 */
import type { Hit, Rule, ScanContext } from '../../rule.js';
import { FileHits, linesOf } from './unicode-shared.js';

const user = '[A-Za-z0-9_][A-Za-z0-9._-]*';
const end = '(?=[\\\\/\\s\'"`)\\]}>,;:]|$)';
const patterns = [
  new RegExp(`(?<![\\w.~:/\\\\-])/(home|Users)/${user}${end}`, 'g'),
  new RegExp(`(?<![\\w])[A-Za-z]:(?:\\\\{1,2}|/)Users(?:\\\\{1,2}|/)${user}${end}`, 'gi'),
];

function isInstructions(ctx: ScanContext, path: string): boolean {
  if (/(^|\/)SKILL\.md$/i.test(path)) return true;
  if (!/\.md$/i.test(path)) return false;
  return ctx.kind === 'agent' || ctx.kind === 'command' || /(^|\/)(agents|commands)\//.test(path);
}

export const absoluteHomePath: Rule = {
  id: 'absolute_home_path',
  stage: 'structure',
  severity: 'medium',
  title: "Instructions contain an absolute path into a user's home directory",
  check: (ctx) => {
    const hits: Hit[] = [];
    for (const file of ctx.textFiles()) {
      if (!isInstructions(ctx, file)) continue;
      const fileHits = new FileHits();
      for (const { line, text } of linesOf(ctx.textOf(file) ?? '')) {
        const found = patterns.flatMap((pattern) => [...text.matchAll(pattern)].map((m) => m[0]));
        if (found.length === 0) continue;
        fileHits.add(() => ({
          message: `${file} refers to ${found.map((p) => `"${p}"`).join(', ')}, a path on the author's machine; use ~ or a relative path.`,
          file,
          line,
          evidence: text.trim().slice(0, 160),
        }));
      }
      hits.push(...fileHits.done());
    }
    return hits;
  },
};
