/** Reads the operator's extra known-malicious list (SCANNER_EXTRA_MALICIOUS); a bad file stops start-up. */
import { readFileSync } from 'node:fs';

export function readExtraMalicious(path: string | undefined): string[] {
  if (!path) return [];
  const entries = readFileSync(path, 'utf8')
    .split('\n')
    .map((line) => line.replace(/#.*/, '').trim())
    .filter(Boolean);
  const bad = entries.find((entry) => !/^(npm|pypi):[^\s]+$/.test(entry));
  if (bad) throw new Error(`${path}: "${bad}" is not npm:<name> or pypi:<name>`);
  return entries;
}
