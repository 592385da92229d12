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

/**
 * Names the same thing under two spellings where neither is a prefix of the other's stem, so prefix
 * matching alone would find it one way only (`postgres` finds "PostgreSQL", not the reverse).
 */
const sameWords: readonly (readonly string[])[] = [
  ['postgres', 'postgresql'],
  ['javascript', 'js'],
  ['typescript', 'ts'],
  ['python', 'py'],
  ['kubernetes', 'k8s'],
  ['mongodb', 'mongo'],
  ['database', 'db'],
  ['markdown', 'md'],
];
const alternatives = new Map<string, readonly string[]>();
for (const group of sameWords) for (const word of group) alternatives.set(word, group);

/** Words at least this long also match longer words they begin (`postgres` → "postgresql"). */
export const searchPrefixMinLength = 4;

/**
 * The `to_tsquery` text for a folded search query: every word must match (AND), each in its word forms
 * (the english stemmer turns "reviews" and "reviewing" into "review"), as a prefix when it is at least
 * `searchPrefixMinLength` long, and under its other spellings. Only letters and digits reach the text,
 * so nothing a user types is a tsquery operator. An empty string means no words.
 */
export function searchTsQuery(folded: string): string {
  const words = [...new Set(folded.split(/[^\p{L}\p{N}]+/u).filter(Boolean))].slice(0, 16);
  const term = (word: string) => (word.length >= searchPrefixMinLength ? `${word}:*` : word);
  return words
    .map((word) => {
      const forms = alternatives.get(word) ?? [word];
      return forms.length === 1 ? term(word) : `(${forms.map(term).join(' | ')})`;
    })
    .join(' & ');
}
