/**
 * The read cache of the hot path: answers of download and metadata routes (package rows, version
 * lookups, rendered JSON, small tarballs), bounded by entries and bytes, least recently used first out.
 *
 * Every entry carries a tag (a package id): a change to that package drops all its entries. Changes are
 * announced by the database itself (triggers NOTIFY on `agentry_cache` at commit, see migration 0013),
 * so every process sharing the database hears them, whichever process or job made the change.
 *
 * A lookup that misses reads the database, then stores what it read. If an invalidation arrived in
 * between, what it read may already be stale: `generation()` taken before the read and handed to
 * `set()` makes such a store a no-op.
 */

export interface HotCacheOptions {
  maxEntries: number;
  maxBytes: number;
  /** Safety net for what no trigger announces (a publisher's user name): entries expire after this. */
  maxAgeMs?: number;
  now?: () => number;
}

interface Entry {
  value: unknown;
  tag: string;
  bytes: number;
  expiresAt: number;
}

export interface HotCacheStats {
  entries: number;
  bytes: number;
  hits: number;
  misses: number;
  invalidations: number;
}

export interface HotCache {
  /** False while invalidations cannot be trusted to arrive (listener reconnecting): nothing is served or kept. */
  enabled: boolean;
  get<T>(key: string): T | undefined;
  generation(): number;
  set(key: string, tag: string, value: unknown, bytes: number, generation: number): void;
  invalidate(tag: string): void;
  clear(): void;
  stats(): HotCacheStats;
}

export function createHotCache(options: HotCacheOptions): HotCache {
  const now = options.now ?? Date.now;
  const maxAgeMs = options.maxAgeMs ?? 300_000;
  // Map iteration order is insertion order: re-inserting on a hit makes the first key the least recent.
  const entries = new Map<string, Entry>();
  const byTag = new Map<string, Set<string>>();
  let bytes = 0;
  let gen = 0;
  let hits = 0;
  let misses = 0;
  let invalidations = 0;

  const remove = (key: string) => {
    const entry = entries.get(key);
    if (!entry) return;
    entries.delete(key);
    bytes -= entry.bytes;
    const keys = byTag.get(entry.tag);
    keys?.delete(key);
    if (keys?.size === 0) byTag.delete(entry.tag);
  };

  const cache: HotCache = {
    enabled: options.maxEntries > 0 && options.maxBytes > 0,
    get<T>(key: string): T | undefined {
      if (!cache.enabled) return undefined;
      const entry = entries.get(key);
      if (!entry || entry.expiresAt <= now()) {
        if (entry) remove(key);
        misses += 1;
        return undefined;
      }
      entries.delete(key);
      entries.set(key, entry);
      hits += 1;
      return entry.value as T;
    },
    generation: () => gen,
    set(key, tag, value, size, generation) {
      if (!cache.enabled || generation !== gen || size > options.maxBytes) return;
      remove(key);
      entries.set(key, { value, tag, bytes: size, expiresAt: now() + maxAgeMs });
      bytes += size;
      const keys = byTag.get(tag) ?? new Set<string>();
      byTag.set(tag, keys);
      keys.add(key);
      for (const oldest of entries.keys()) {
        if (entries.size <= options.maxEntries && bytes <= options.maxBytes) break;
        remove(oldest);
      }
    },
    invalidate(tag) {
      gen += 1;
      invalidations += 1;
      for (const key of [...(byTag.get(tag) ?? [])]) remove(key);
    },
    clear() {
      gen += 1;
      entries.clear();
      byTag.clear();
      bytes = 0;
    },
    stats: () => ({ entries: entries.size, bytes, hits, misses, invalidations }),
  };
  return cache;
}

/** Rough size of a cached value in bytes, for the byte bound (UTF-16 strings, plus per-entry overhead). */
export function sizeOf(value: unknown): number {
  if (value instanceof Uint8Array) return value.byteLength + 64;
  if (typeof value === 'string') return value.length * 2 + 64;
  return JSON.stringify(value ?? null).length * 2 + 256;
}
