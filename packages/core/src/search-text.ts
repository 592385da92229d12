/**
 * Text folding for search: compatibility-normalised, accents removed, lower-cased. Stored text and
 * queries go through the same function, so "Café" finds "cafe" on any database without extensions.
 */
export function foldSearchText(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase();
}
