import { lineOfOffset } from '../../line-map.js';
import type { Hit, Rule, ScanContext } from '../../rule.js';
import { fsCalls, isOutside } from './js-fs-calls.js';
import { jsIndexes } from './js-index.js';
import { pythonSources } from './python.js';
import { shellHits } from './shell.js';
import { commandStart, span } from './shell-patterns.js';
import { capHits, credentialPath, hitAt, lineStartsOf, observe } from './support.js';

const outsidePath = /^(?:~|\/(?!tmp(?:\/|$)|dev\/(?:null|stdout|stderr|tty|fd)\b))/;

// Python: open('/abs' or '~'), Path('/abs'), expanduser(), Path.home()
const pyPrefilter = /open|Path|expanduser/;
const pyOpen = /\b(open|Path)\s*\(\s*[rRbBuU]{0,2}(["'])([^"'\n]*)\2/g;
const pyHome = /\b(os\.path\.expanduser|Path\.home|Path\([^)\n]*\)\.expanduser|expanduser)\s*\(/g;

// Shell: redirections to and file commands on paths in the home or system directories
const shRedirect = /(?:^|[^<>&\d=-])>>?[ \t]*["']?((?:~|\$\{?HOME\}?|\/)[^\s"';|&)]*)/gm;
const shFileCommand = new RegExp(
  String.raw`${commandStart}(cat|cp|mv|rm|tee|touch|mkdir|ln|chmod|chown|install|rsync|head|tail|less|more|source|sed|truncate|shred)\b([^\n;|&]{0,${span}})`,
  'gm',
);
const shOutsideArg =
  /(?:^|[\s="'])(?:~(?=[/\s"']|$)|\$\{?HOME\b|\/(?:etc|root|home|Users|var|usr|opt|Library|System|boot)\/)/;

function pythonFindings(ctx: ScanContext): Hit[] {
  const out: Hit[] = [];
  for (const src of pythonSources(ctx, pyPrefilter)) {
    const starts = lineStartsOf(ctx, src.path);
    const hits: Hit[] = [];
    const lines = new Set<number>();
    const add = (offset: number, what: string) => {
      // a match counts only where the masked code keeps its first character (not in a comment or string)
      if (src.code.charCodeAt(offset) !== src.text.charCodeAt(offset)) return;
      const line = lineOfOffset(starts, offset);
      if (lines.has(line)) return;
      lines.add(line);
      const lineStart = starts[line - 1] ?? 0;
      const at = { line, column: offset - lineStart };
      const credential = credentialPath.test(src.text.slice(lineStart, starts[line] ?? src.text.length));
      hits.push(
        hitAt(
          ctx,
          src.path,
          at,
          credential
            ? `${what} reaches a credential file: keys and tokens there give access to the user's accounts.`
            : `${what} reaches files outside the artifact (the user's home or system directories).`,
          credential ? 'high' : undefined,
        ),
      );
      observe(ctx, 'filesystem', src.path, at);
    };
    pyOpen.lastIndex = 0;
    for (let m = pyOpen.exec(src.text); m; m = pyOpen.exec(src.text)) {
      if (outsidePath.test(m[3] ?? '')) add(m.index, `${m[1]}('${m[3]}')`);
    }
    pyHome.lastIndex = 0;
    for (let m = pyHome.exec(src.text); m; m = pyHome.exec(src.text)) add(m.index, `${m[1]}()`);
    out.push(...capHits(hits));
  }
  return out;
}

function jsFindings(ctx: ScanContext): Hit[] {
  const out: Hit[] = [];
  for (const index of jsIndexes(ctx)) {
    const hits: Hit[] = [];
    for (const call of fsCalls(index)) {
      // credential files are js_credential_read's (critical) finding
      if (call.shapes.some((s) => credentialPath.test(s))) continue;
      const shape = call.shapes.find(isOutside);
      if (shape === undefined) continue;
      const verb = call.access === 'read' ? 'reads' : 'writes';
      hits.push(
        hitAt(
          ctx,
          index.path,
          call,
          `${call.name}() ${verb} outside the artifact (${shape.replace(/\*/g, '…')}), in the user's home or system directories.`,
        ),
      );
      observe(ctx, 'filesystem', index.path, call);
    }
    out.push(...capHits(hits));
  }
  return out;
}

function shellFindings(ctx: ScanContext): Hit[] {
  return shellHits(
    ctx,
    [shRedirect, shFileCommand],
    (m) => {
      if (m[2] === undefined) {
        const target = m[1] ?? '';
        if (!outsidePath.test(target) && !target.startsWith('$')) return undefined;
        return credentialPath.test(target)
          ? { message: `Writes to a credential file (${target}).`, severity: 'high' }
          : { message: `Writes to ${target}, outside the artifact (the user's home or system directories).` };
      }
      const args = m[2];
      if (!shOutsideArg.test(args)) return undefined;
      return credentialPath.test(args)
        ? {
            message: `${m[1]} reaches a credential file (${args.trim()}): keys and tokens there give access to the user's accounts.`,
            severity: 'high',
          }
        : { message: `${m[1]} works on files outside the artifact (${args.trim()}).` };
    },
    { observe: ['filesystem'] },
  );
}

/**
 * Reads and writes of files outside the artifact — absolute paths (other than /tmp), the home
 * directory — in JS/TS (fs calls, path followed statically), Python (open, Path, expanduser) and shell
 * (redirections, file commands). Low on its own; high when the path is a credential file outside JS
 * (where js_credential_read reports it). Recorded as filesystem use for `undeclared_filesystem`.
 */
export const filesystemOutsideArtifact: Rule = {
  id: 'filesystem_outside_artifact',
  stage: 'static',
  severity: 'low',
  title: 'Code reads or writes files outside the artifact',
  check: (ctx) => [...jsFindings(ctx), ...pythonFindings(ctx), ...shellFindings(ctx)],
};
