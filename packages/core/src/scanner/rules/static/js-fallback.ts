/** The pattern fallback of the JS rules, for files with no index (too large to parse, or unparseable). */
import { lineOfOffset } from '../../line-map.js';
import type { Hit, ScanContext } from '../../rule.js';
import { jsIndexOf } from './js-index.js';
import { capHits, hitAt, lineStartsOf, staticFiles } from './support.js';

/** JS/TS files with no AST (over the size limit or unparseable), for the pattern fallback. */
export function unparsedJs(ctx: ScanContext): string[] {
  return staticFiles(ctx).js.filter((path) => jsIndexOf(ctx, path) === undefined);
}

/**
 * Pattern fallback for files without an AST: one hit per matching line of `pattern` (global), with a
 * note in the message that it comes from a text match.
 */
export function fallbackHits(
  ctx: ScanContext,
  pattern: RegExp,
  message: string,
  onHit?: (path: string, line: number, column: number) => void,
): Hit[] {
  const out: Hit[] = [];
  for (const path of unparsedJs(ctx)) {
    const text = ctx.textOf(path) ?? '';
    const starts = lineStartsOf(ctx, path);
    const hits: Hit[] = [];
    const lines = new Set<number>();
    pattern.lastIndex = 0;
    for (let m = pattern.exec(text); m; m = pattern.exec(text)) {
      const line = lineOfOffset(starts, m.index);
      if (lines.has(line)) continue;
      lines.add(line);
      const column = m.index - (starts[line - 1] ?? 0);
      hits.push(
        hitAt(
          ctx,
          path,
          line,
          `${message} (text match: the file is too large to parse or does not parse)`,
          undefined,
          column,
        ),
      );
      onHit?.(path, line, column);
    }
    out.push(...capHits(hits));
  }
  return out;
}
