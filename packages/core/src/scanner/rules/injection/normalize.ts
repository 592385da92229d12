/**
 * Text normalisation for stage 3: invisible characters dropped, NFKC, and the Cyrillic/Greek letters that
 * render like Latin ones folded to Latin, line by line so offsets keep their lines.
 */

/** Characters that render as nothing and are used to split words past a pattern. */
const invisible =
  /[\u00ad\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff]|\u034f|\ufe00|\ufe01|\ufe02|\ufe03|\ufe04|\ufe05|\ufe06|\ufe07|\ufe08|\ufe09|\ufe0a|\ufe0b|\ufe0c|\ufe0d|\ufe0e|\ufe0f/g;

/** Look-alikes NFKC leaves alone: Cyrillic and Greek letters that render like Latin ones. */
const confusables: Record<string, string> = {
  а: 'a',
  в: 'b',
  е: 'e',
  ё: 'e',
  һ: 'h',
  і: 'i',
  ї: 'i',
  ј: 'j',
  к: 'k',
  ӏ: 'l',
  м: 'm',
  н: 'h',
  о: 'o',
  р: 'p',
  с: 'c',
  ԁ: 'd',
  т: 't',
  у: 'y',
  х: 'x',
  ѕ: 's',
  ԛ: 'q',
  ԝ: 'w',
  А: 'A',
  В: 'B',
  Е: 'E',
  І: 'I',
  Ј: 'J',
  К: 'K',
  М: 'M',
  Н: 'H',
  О: 'O',
  Р: 'P',
  С: 'C',
  Т: 'T',
  У: 'Y',
  Х: 'X',
  Ѕ: 'S',
  α: 'a',
  ε: 'e',
  ι: 'i',
  κ: 'k',
  ν: 'v',
  ο: 'o',
  ρ: 'p',
  τ: 't',
  υ: 'u',
  χ: 'x',
  Α: 'A',
  Β: 'B',
  Ε: 'E',
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
  Ζ: 'Z',
};
const confusableClass = new RegExp(`[${Object.keys(confusables).join('')}]`, 'g');

/** NFKC with invisible characters dropped and look-alikes folded; applied per line so lines stay aligned. */
export function normalizeLine(line: string): string {
  return line
    .replace(invisible, '')
    .normalize('NFKC')
    .replace(confusableClass, (char) => confusables[char] ?? char);
}
