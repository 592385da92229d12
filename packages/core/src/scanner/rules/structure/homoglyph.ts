/**
 * `homoglyph`: a word written in Latin letters with Cyrillic or Greek look-alikes mixed in, such as
 * "pаypal" with a Cyrillic а (U+0430): it reads as one thing to a reviewer and is another string to a
 * program (domain names, package names, identifiers, trigger words). High. Only words whose non-Latin
 * letters are all look-alikes count, so ordinary Russian or Greek text (words entirely in their own
 * script, or a foreign word inside it) never fires, and neither does a Latin abbreviation next to a
 * Cyrillic word ("API-ключ": words split at anything but letters and combining marks).
 */
import type { Hit, Rule } from '../../rule.js';
import { codePoint, FileHits, linesOf, visibleLine } from './unicode-shared.js';

/** Cyrillic and Greek letters that render like a Latin letter in common fonts, with that letter. */
const lookAlikes: Record<string, string> = {
  // Cyrillic
  а: 'a',
  е: 'e',
  о: 'o',
  р: 'p',
  с: 'c',
  у: 'y',
  х: 'x',
  і: 'i',
  ј: 'j',
  ѕ: 's',
  ԁ: 'd',
  һ: 'h',
  ӏ: 'l',
  ԛ: 'q',
  ԝ: 'w',
  ү: 'y',
  А: 'A',
  В: 'B',
  Е: 'E',
  К: 'K',
  М: 'M',
  Н: 'H',
  О: 'O',
  Р: 'P',
  С: 'C',
  Т: 'T',
  Х: 'X',
  І: 'I',
  Ј: 'J',
  Ѕ: 'S',
  Ү: 'Y',
  Ԛ: 'Q',
  Ԝ: 'W',
  // Greek
  α: 'a',
  ο: 'o',
  ν: 'v',
  ρ: 'p',
  ι: 'i',
  κ: 'k',
  υ: 'u',
  χ: 'x',
  ϲ: 'c',
  ϳ: 'j',
  Α: 'A',
  Β: 'B',
  Ε: 'E',
  Ζ: 'Z',
  Η: 'H',
  Ι: 'I',
  Κ: 'K',
  Μ: 'M',
  Ν: 'N',
  Ο: 'O',
  Ρ: 'P',
  Τ: 'T',
  Υ: 'Y',
  Χ: 'X',
};

const word = /[\p{L}\p{M}]+/gu;
const latin = /\p{Script=Latin}/u;
const cyrillicOrGreek = /[\p{Script=Cyrillic}\p{Script=Greek}]/u;
const quick = /[\p{Script=Cyrillic}\p{Script=Greek}]/u;

/** The look-alike letters of a mixed word, or undefined when the word is not a spoof. */
export function spoofedLetters(candidate: string): string[] | undefined {
  let hasLatin = false;
  const foreign: string[] = [];
  for (const char of candidate) {
    if (latin.test(char)) hasLatin = true;
    else if (cyrillicOrGreek.test(char)) {
      if (lookAlikes[char] === undefined) return undefined;
      foreign.push(char);
    }
  }
  return hasLatin && foreign.length > 0 ? foreign : undefined;
}

export const homoglyph: Rule = {
  id: 'homoglyph',
  stage: 'structure',
  severity: 'high',
  title: 'Cyrillic or Greek look-alike letters inside a Latin word',
  check: (ctx) => {
    const hits: Hit[] = [];
    for (const file of ctx.textFiles()) {
      const text = ctx.textOf(file) ?? '';
      if (!quick.test(text)) continue;
      const fileHits = new FileHits();
      for (const { line, text: content } of linesOf(text)) {
        if (!quick.test(content)) continue;
        for (const match of content.matchAll(word)) {
          const letters = spoofedLetters(match[0]);
          if (!letters) continue;
          const shown = [...new Set(letters)]
            .map((char) => `${char} (${codePoint(char)}, looks like Latin "${lookAlikes[char]}")`)
            .join(', ');
          fileHits.add(() => ({
            message: `"${match[0]}" mixes Latin letters with look-alike ${shown}.`,
            file,
            line,
            evidence: visibleLine(content),
          }));
        }
      }
      hits.push(...fileHits.done());
    }
    return hits;
  },
};
