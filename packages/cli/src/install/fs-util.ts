/** File writes that never leave a half-written file: temp file in the same folder, then rename. */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export function readTextIfExists(path: string): string | undefined {
  return existsSync(path) ? readFileSync(path, 'utf8') : undefined;
}

export function writeFileAtomic(path: string, content: string | Uint8Array, mode?: number): void {
  mkdirSync(dirname(path), { recursive: true });
  const temp = `${path}.agentry-${randomBytes(4).toString('hex')}.tmp`;
  try {
    writeFileSync(temp, content, mode === undefined ? {} : { mode });
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}

/** Ancestors of `path` below `base` that do not exist yet, deepest last. */
export function missingAncestors(base: string, path: string): string[] {
  const out: string[] = [];
  let dir = dirname(path);
  while (dir.startsWith(base) && dir !== base && !existsSync(dir)) {
    out.unshift(dir);
    dir = dirname(dir);
  }
  return out;
}
