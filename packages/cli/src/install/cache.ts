/**
 * The local archive cache, content-addressed by integrity as npm's cacache is: the bytes of an archive
 * live at `content-v1/sha512/<2 hex>/<2 hex>/<rest of hex>` and an index entry beside them says which
 * artifact and registry they came from. Bytes are re-hashed on every read, so a damaged file is dropped
 * and fetched again rather than installed. Where: `$AGENTRY_CACHE_DIR`, else `$XDG_CACHE_HOME/agentry`,
 * else `~/.cache/agentry` (`%LOCALAPPDATA%\agentry\Cache` on Windows).
 */
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { computeIntegrity, integrityEquals } from '@agentry/core';

export interface CacheEntry {
  integrity: string;
  name: string;
  version: string;
  registry: string;
  size: number;
  storedAt: string;
}

export function cacheDir(env: Record<string, string | undefined>, home = homedir()): string {
  if (env.AGENTRY_CACHE_DIR) return env.AGENTRY_CACHE_DIR;
  if (process.platform === 'win32' && env.LOCALAPPDATA) return join(env.LOCALAPPDATA, 'agentry', 'Cache');
  return join(env.XDG_CACHE_HOME || join(home, '.cache'), 'agentry');
}

/** The hex digest of an `sha512-<base64>` integrity, or undefined for anything else. */
function hexOf(integrity: string): string | undefined {
  const match = /^sha512-([A-Za-z0-9+/]+={0,2})$/.exec(integrity.trim());
  if (!match?.[1]) return undefined;
  const hex = Buffer.from(match[1], 'base64').toString('hex');
  return hex.length === 128 ? hex : undefined;
}

function writeAtomic(path: string, data: string | Buffer): void {
  const temp = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  writeFileSync(temp, data);
  renameSync(temp, path);
}

export function createCache(dir: string) {
  const contentPath = (hex: string) =>
    join(dir, 'content-v1', 'sha512', hex.slice(0, 2), hex.slice(2, 4), hex.slice(4));
  const indexPath = (hex: string) => join(dir, 'index-v1', `${hex}.json`);

  const remove = (hex: string) => {
    rmSync(contentPath(hex), { force: true });
    rmSync(indexPath(hex), { force: true });
  };

  const entries = (): CacheEntry[] => {
    const index = join(dir, 'index-v1');
    if (!existsSync(index)) return [];
    const out: CacheEntry[] = [];
    for (const file of readdirSync(index)) {
      if (!file.endsWith('.json')) continue;
      try {
        out.push(JSON.parse(readFileSync(join(index, file), 'utf8')) as CacheEntry);
      } catch {
        // A half-written or foreign file is not an entry; verify removes it.
      }
    }
    return out.sort((a, b) => a.name.localeCompare(b.name) || a.version.localeCompare(b.version));
  };

  return {
    dir,
    /** The bytes for this integrity if cached and intact; a damaged copy is removed. */
    get(integrity: string): Buffer | undefined {
      const hex = hexOf(integrity);
      if (!hex || !existsSync(contentPath(hex))) return undefined;
      const bytes = readFileSync(contentPath(hex));
      if (integrityEquals(computeIntegrity(bytes), integrity)) return bytes;
      remove(hex);
      return undefined;
    },
    /** Stores bytes under their own integrity (never under a claimed one). */
    put(bytes: Buffer, meta: Omit<CacheEntry, 'integrity' | 'size' | 'storedAt'>): void {
      const integrity = computeIntegrity(bytes);
      const hex = hexOf(integrity);
      if (!hex) return;
      mkdirSync(join(contentPath(hex), '..'), { recursive: true });
      mkdirSync(join(dir, 'index-v1'), { recursive: true });
      writeAtomic(contentPath(hex), bytes);
      const entry: CacheEntry = {
        integrity,
        ...meta,
        size: bytes.length,
        storedAt: new Date().toISOString(),
      };
      writeAtomic(indexPath(hex), `${JSON.stringify(entry, null, 2)}\n`);
    },
    ls: entries,
    /** Re-hashes every entry; removes damaged ones and content without an index entry. */
    verify(): { checked: number; removed: string[]; bytes: number } {
      const removed: string[] = [];
      let checked = 0;
      let bytes = 0;
      const known = new Set<string>();
      for (const entry of entries()) {
        checked += 1;
        const hex = hexOf(entry.integrity);
        if (!hex) continue;
        known.add(hex);
        const path = contentPath(hex);
        const intact =
          existsSync(path) && integrityEquals(computeIntegrity(readFileSync(path)), entry.integrity);
        if (intact) bytes += statSync(path).size;
        else {
          remove(hex);
          removed.push(`${entry.name}@${entry.version}`);
        }
      }
      const root = join(dir, 'content-v1', 'sha512');
      if (existsSync(root)) {
        for (const a of readdirSync(root))
          for (const b of readdirSync(join(root, a)))
            for (const rest of readdirSync(join(root, a, b))) {
              const hex = `${a}${b}${rest}`;
              if (!known.has(hex)) {
                rmSync(join(root, a, b, rest), { force: true });
                removed.push(`orphan ${hex.slice(0, 12)}…`);
              }
            }
      }
      return { checked, removed, bytes };
    },
    /** Empties the cache; returns how many archives it held. */
    clean(): number {
      const count = entries().length;
      rmSync(join(dir, 'content-v1'), { recursive: true, force: true });
      rmSync(join(dir, 'index-v1'), { recursive: true, force: true });
      return count;
    },
  };
}
export type ArchiveCache = ReturnType<typeof createCache>;
