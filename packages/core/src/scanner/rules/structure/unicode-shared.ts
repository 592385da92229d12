/** Helpers shared by the Unicode rules of stage 1: naming code points, showing invisible ones, capping hits. */
import type { Hit } from '../../rule.js';

const names: Record<number, string> = {
  8203: 'ZERO WIDTH SPACE',
  8204: 'ZERO WIDTH NON-JOINER',
  8205: 'ZERO WIDTH JOINER',
  8206: 'LEFT-TO-RIGHT MARK',
  8207: 'RIGHT-TO-LEFT MARK',
  8234: 'LEFT-TO-RIGHT EMBEDDING',
  8235: 'RIGHT-TO-LEFT EMBEDDING',
  8236: 'POP DIRECTIONAL FORMATTING',
  8237: 'LEFT-TO-RIGHT OVERRIDE',
  8238: 'RIGHT-TO-LEFT OVERRIDE',
  8288: 'WORD JOINER',
  8294: 'LEFT-TO-RIGHT ISOLATE',
  8295: 'RIGHT-TO-LEFT ISOLATE',
  8296: 'FIRST STRONG ISOLATE',
  8297: 'POP DIRECTIONAL ISOLATE',
  65279: 'ZERO WIDTH NO-BREAK SPACE',
};

export function codePoint(char: string): string {
  return `U+${(char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
}

/** `U+202E RIGHT-TO-LEFT OVERRIDE`, or just the code point when unnamed here. */
export function describeChar(char: string): string {
  const name = names[char.codePointAt(0) ?? 0];
  return name ? `${codePoint(char)} ${name}` : codePoint(char);
}

const invisible =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this makes visible.
  /[\u0000-\u0008\u000b-\u001f\u007f\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff]/g;

/** The line with invisible and direction-changing characters shown as ⟨U+XXXX⟩, cut to a readable length. */
export function visibleLine(line: string, max = 160): string {
  const shown = line.trim().replace(invisible, (char) => `⟨${codePoint(char)}⟩`);
  return shown.length > max ? `${shown.slice(0, max - 1)}…` : shown;
}

/** Lines of a text with their 1-based numbers and start offsets. */
export function linesOf(text: string): { line: number; text: string; offset: number }[] {
  const out: { line: number; text: string; offset: number }[] = [];
  let offset = 0;
  text.split('\n').forEach((line, index) => {
    out.push({ line: index + 1, text: line, offset });
    offset += line.length + 1;
  });
  return out;
}

/**
 * The hits of one file, keeping the first `max` and counting the rest (noted on the last kept one), so
 * a hostile file with a million bad lines costs a counter, not a million findings.
 */
export class FileHits {
  private readonly hits: Hit[] = [];
  private more = 0;

  constructor(private readonly max = 5) {}

  add(make: () => Hit): void {
    if (this.hits.length < this.max) this.hits.push(make());
    else this.more += 1;
  }

  done(): Hit[] {
    const last = this.hits[this.hits.length - 1];
    if (last && this.more > 0) {
      this.hits[this.hits.length - 1] = {
        ...last,
        message: `${last.message} (${this.more} more in this file)`,
      };
    }
    return this.hits;
  }
}
