/** Human output helpers: aligned tables and colour that appears only on a terminal (and never with NO_COLOR). */
export function useColour(
  stream: { isTTY?: boolean } = process.stdout,
  env: Record<string, string | undefined> = process.env,
): boolean {
  return stream.isTTY === true && !env.NO_COLOR && env.TERM !== 'dumb';
}

const codes = { bold: '1', dim: '2', red: '31', green: '32', yellow: '33', cyan: '36' } as const;
export type Paint = (style: keyof typeof codes, text: string) => string;

export function painter(colour: boolean): Paint {
  return (style, text) => (colour ? `\x1b[${codes[style]}m${text}\x1b[0m` : text);
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: stripping terminal escapes is the point.
const escapes = /\x1b\[[0-9;]*m/g;

/** Columns padded to their widest cell (colour codes do not count); the last column is not padded. */
export function table(header: string[], rows: string[][]): string {
  const all = [header, ...rows];
  const widths = header.map((_, col) =>
    Math.max(...all.map((row) => (row[col] ?? '').replace(escapes, '').length)),
  );
  return all
    .map((row) =>
      row
        .map((cell, col) =>
          col === row.length - 1
            ? cell
            : cell + ' '.repeat((widths[col] ?? 0) - cell.replace(escapes, '').length),
        )
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

export function verdictColour(paint: Paint, verdict: string | null | undefined): string {
  const text = verdict ?? '-';
  if (verdict === 'PASS') return paint('green', text);
  if (verdict === 'PASS_WITH_NOTES') return paint('cyan', text);
  if (verdict === 'FLAGGED') return paint('yellow', text);
  if (verdict === 'FAIL') return paint('red', text);
  return text;
}

/** Removes terminal control characters from text that came from the registry, so it cannot drive the terminal. */
export function clean(text: string | null | undefined): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what this removes.
  return (text ?? '').replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, '');
}
