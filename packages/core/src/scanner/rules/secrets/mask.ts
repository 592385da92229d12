/** Stage 4 helpers: masking, placeholder recognition, entropy and line lookup. */

/**
 * Keeps the first 4 characters (fewer for short values, so at most a third shows) and replaces the rest
 * with `*`, capped at 24 stars. Findings only ever carry this form.
 */
export function mask(secret: string): string {
  const keep = Math.min(4, Math.floor(secret.length / 3));
  return `${secret.slice(0, keep)}${'*'.repeat(Math.min(24, Math.max(4, secret.length - keep)))}`;
}

/** Words that mark a value as a stand-in, not a credential. */
const placeholderWord =
  /(your|my)[_-]?(api[_-]?)?(key|token|secret|pass(word)?|pat|id)|_here\b|here[_-]|changeme|change[_-]me|replace[_-]?me|example|dummy|sample|placeholder|redacted|not[_-]?a[_-]?real|fake|test|xxxx|\*{3}|\.\.\.|…|insert|todo|fixme|lorem|secret[_-]?goes|goes[_-]?here|password|passwd|some[_-]?(user|pass|secret|token|key)|(very|super|top|my)[_-]?(long[_-]?)?secret|\bnone\b|\bnull\b|undefined|^password$|^pass$|^secret$|^token$/i;
/** Template syntax: `<…>`, `${VAR}`, `$VAR`, `{{…}}`, `%(x)s`, `<<X>>`, `[TOKEN]`. */
const templateSyntax =
  /<[^>]*>|\$\{[^}]*\}|^\$[A-Z_][A-Z0-9_]*$|\$\([^)]*\)|\{\{[^}]*\}\}|%\([^)]*\)[sd]|%s|^\[[^\]]+\]$|\{[A-Za-z_]+\}/;

/** True for values that are clearly not real secrets: placeholders, templates and low-variety strings. */
export function isPlaceholder(value: string): boolean {
  if (placeholderWord.test(value) || templateSyntax.test(value)) return true;
  // Repeated characters (xxxxxxxx, 00000000, aaaa…) and runs like 1234567890 / abcdefgh.
  if (/(.)\1{5,}/.test(value)) return true;
  if (/0123456789|123456789|abcdefghij|ABCDEFGHIJ/.test(value)) return true;
  const body = value.replace(/^[A-Za-z]+[_-]/, '');
  return new Set(body).size <= 4;
}

/** Shannon entropy in bits per character. */
export function shannonEntropy(value: string): number {
  if (value.length === 0) return 0;
  const counts = new Map<string, number>();
  for (const char of value) counts.set(char, (counts.get(char) ?? 0) + 1);
  let bits = 0;
  for (const n of counts.values()) {
    const p = n / value.length;
    bits -= p * Math.log2(p);
  }
  return bits;
}
