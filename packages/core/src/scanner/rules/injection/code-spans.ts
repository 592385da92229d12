/**
 * Where Markdown code sits in a prompt text: fenced blocks and inline code spans, as offset ranges, so
 * stage 3 can blank them (patterns then match prose only). Both passes stay linear on hostile input.
 */

const fenceLine = /^ {0,3}(`{3,}|~{3,})([^\n]*)$/gm;
const backtickRun = /`+/g;
/** Longest inline code span considered; keeps pairing of backtick runs linear on pathological lines. */
const maxInlineSpan = 1000;

interface Fence {
  start: number;
  end: number;
  char: string;
  length: number;
  bare: boolean;
}

/** Fenced code blocks: ``` or ~~~, closed by a bare fence of the same character at least as long. */
export function fencedBlocks(norm: string): [number, number][] {
  const ranges: [number, number][] = [];
  if (!norm.includes('```') && !norm.includes('~~~')) return ranges;
  const fences: Fence[] = [];
  fenceLine.lastIndex = 0;
  for (let m = fenceLine.exec(norm); m !== null; m = fenceLine.exec(norm)) {
    const run = m[1] ?? '';
    const rest = m[2] ?? '';
    // A backtick fence's info string may not contain backticks (CommonMark).
    if (run[0] === '`' && rest.includes('`')) continue;
    fences.push({
      start: m.index,
      end: m.index + m[0].length,
      char: run[0] ?? '',
      length: run.length,
      bare: rest.trim() === '',
    });
  }
  // Longest bare fence of each character from index j on: an opener longer than that can never close,
  // which keeps pairing linear however many fence lines a hostile file has.
  const longestAfter = {
    '`': new Array<number>(fences.length + 1).fill(0),
    '~': new Array<number>(fences.length + 1).fill(0),
  };
  for (let j = fences.length - 1; j >= 0; j--) {
    const fence = fences[j];
    for (const char of ['`', '~'] as const) {
      const next = longestAfter[char][j + 1] ?? 0;
      longestAfter[char][j] = fence?.bare && fence.char === char ? Math.max(next, fence.length) : next;
    }
  }
  for (let i = 0; i < fences.length; i++) {
    const open = fences[i];
    if (!open) continue;
    if ((longestAfter[open.char === '~' ? '~' : '`'][i + 1] ?? 0) < open.length) continue;
    let close: Fence | undefined;
    let j = i + 1;
    for (; j < fences.length; j++) {
      const candidate = fences[j];
      if (candidate?.bare && candidate.char === open.char && candidate.length >= open.length) {
        close = candidate;
        break;
      }
    }
    if (!close) continue;
    ranges.push([open.start, close.end]);
    i = j;
  }
  return ranges;
}

/** Inline code spans: a run of n backticks closed by the next run of exactly n on the same line. */
export function inlineSpans(norm: string, blocks: readonly [number, number][]): [number, number][] {
  const spans: [number, number][] = [];
  if (!norm.includes('`')) return spans;
  let block = 0;
  let lineEnd = -1;
  backtickRun.lastIndex = 0;
  for (let m = backtickRun.exec(norm); m !== null; m = backtickRun.exec(norm)) {
    const start = m.index;
    while (block < blocks.length && (blocks[block]?.[1] ?? 0) <= start) block += 1;
    const inBlock = blocks[block];
    if (inBlock && inBlock[0] <= start) {
      backtickRun.lastIndex = inBlock[1];
      continue;
    }
    const ticks = m[0].length;
    if (lineEnd < start) {
      lineEnd = norm.indexOf('\n', start);
      if (lineEnd < 0) lineEnd = norm.length;
    }
    const limit = Math.min(lineEnd, start + maxInlineSpan);
    let search = start + ticks;
    while (search < limit) {
      const next = norm.indexOf('`', search);
      if (next < 0 || next >= limit) break;
      let end = next;
      while (norm.charCodeAt(end) === 96) end += 1;
      if (end - next === ticks) {
        spans.push([start, end]);
        backtickRun.lastIndex = end;
        break;
      }
      search = end;
    }
  }
  return spans;
}
