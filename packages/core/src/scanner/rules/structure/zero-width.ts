/**
 * `zero_width`: invisible characters (U+200B ZERO WIDTH SPACE, U+200C ZWNJ, U+200D ZWJ, U+2060 WORD
 * JOINER, U+FEFF) in text files, where they hide text from review or split words so filters miss
 * them. Medium. Not reported: a byte-order mark at the very start of a file; a ZWJ inside an emoji
 * sequence (👩‍💻); ZWNJ/ZWJ between letters of scripts that need them for shaping (Arabic, Persian,
 * the Indic scripts, Sinhala, Myanmar, Khmer, …).
 */
import type { Hit, Rule } from '../../rule.js';
import { describeChar, FileHits, linesOf, visibleLine } from './unicode-shared.js';

const zeroWidth = /\u200b|\u200c|\u200d|\u2060|\ufeff/g;
const anyZeroWidth = /\u200b|\u200c|\u200d|\u2060|\ufeff/;
const pictographic = /\p{Extended_Pictographic}|\p{Emoji_Modifier}|\uFE0F|\u20E3/u;
const joiningScript =
  /[\p{Script=Arabic}\p{Script=Syriac}\p{Script=Nko}\p{Script=Devanagari}\p{Script=Bengali}\p{Script=Gurmukhi}\p{Script=Gujarati}\p{Script=Oriya}\p{Script=Tamil}\p{Script=Telugu}\p{Script=Kannada}\p{Script=Malayalam}\p{Script=Sinhala}\p{Script=Myanmar}\p{Script=Khmer}\p{Script=Tibetan}\p{Script=Mongolian}]/u;

/** The code point just before / after a UTF-16 offset. */
function before(text: string, index: number): string {
  const prev = text.codePointAt(index - 1);
  if (prev !== undefined && prev >= 0xdc00 && prev <= 0xdfff && index >= 2)
    return String.fromCodePoint(text.codePointAt(index - 2) ?? 0);
  return index > 0 ? (text[index - 1] ?? '') : '';
}
function after(text: string, index: number): string {
  const next = text.codePointAt(index + 1);
  return next === undefined ? '' : String.fromCodePoint(next);
}

function legitimate(text: string, index: number, char: string): boolean {
  if (char === '\ufeff' && index === 0) return true;
  if (char === '\u200d' && pictographic.test(before(text, index)) && pictographic.test(after(text, index)))
    return true;
  if ((char === '\u200c' || char === '\u200d') && joiningScript.test(before(text, index))) {
    // Between two letters of the script, or closing a word (Malayalam chillu: ന്‍).
    const next = after(text, index);
    return joiningScript.test(next) || !/\p{L}/u.test(next);
  }
  return false;
}

export const zeroWidthCharacters: Rule = {
  id: 'zero_width',
  stage: 'structure',
  severity: 'medium',
  title: 'Zero-width characters that hide or split text',
  check: (ctx) => {
    const hits: Hit[] = [];
    for (const file of ctx.textFiles()) {
      const text = ctx.textOf(file) ?? '';
      if (!anyZeroWidth.test(text)) continue;
      const fileHits = new FileHits();
      for (const { line, text: content, offset } of linesOf(text)) {
        const found = new Set<string>();
        for (const match of content.matchAll(zeroWidth)) {
          if (!legitimate(text, offset + match.index, match[0])) found.add(match[0]);
        }
        if (found.size === 0) continue;
        fileHits.add(() => ({
          message: `Invisible ${[...found].map(describeChar).join(', ')} in ${file}.`,
          file,
          line,
          evidence: visibleLine(content),
        }));
      }
      hits.push(...fileHits.done());
    }
    return hits;
  },
};
