/**
 * Offsets ↔ 1-based lines for the scanner's rules: the line starts of a text are built once and looked up
 * by binary search, so finding many lines in a large (possibly hostile) file stays linear overall.
 */

/** Offsets at which each line of a text starts (the first is 0). */
export function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

/** 1-based line of an offset, by binary search over line starts. */
export function lineOfOffset(starts: readonly number[], offset: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((starts[mid] ?? 0) <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo + 1;
}

/**
 * The text with every character but line breaks replaced by a space (same length, same lines). Built
 * from runs of spaces: a regex replacing each character in turn costs far more on large files.
 */
export function blankText(text: string): string {
  let out = '';
  let from = 0;
  for (let newline = text.indexOf('\n'); newline !== -1; newline = text.indexOf('\n', from)) {
    out += `${' '.repeat(newline - from)}\n`;
    from = newline + 1;
  }
  return out + ' '.repeat(text.length - from);
}

/** The line starts of the text looked up last: lookups come file by file. */
let lastText: string | undefined;
let lastStarts: number[] = [];

/**
 * 1-based line of an offset in a text, keeping the line starts of the last text looked up: rules look up
 * many lines in large manifests and lockfiles, and a linear count each time would make a hostile upload
 * quadratic.
 */
export function lineInText(text: string, offset: number): number {
  if (lastText !== text) {
    lastStarts = lineStarts(text);
    lastText = text;
  }
  return lineOfOffset(lastStarts, offset);
}
