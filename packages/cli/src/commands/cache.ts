/**
 * `agentry cache ls|verify|clean`: the content-addressed archive cache installs read first (as `npm
 * cache ls|verify|clean`). Clearing it is always safe: archives are fetched again when needed.
 */
import { type CacheEntry, cacheDir, createCache } from '../install/cache.js';
import type { CommandContext } from './context.js';

const cacheOf = (ctx: CommandContext) => createCache(cacheDir(ctx.env, ctx.home));

export interface CacheList {
  dir: string;
  entries: CacheEntry[];
  bytes: number;
}

export function runCacheList(ctx: CommandContext): CacheList {
  const cache = cacheOf(ctx);
  const entries = cache.ls();
  return { dir: cache.dir, entries, bytes: entries.reduce((sum, e) => sum + e.size, 0) };
}

export function formatCacheList(list: CacheList): string {
  if (list.entries.length === 0) return `The cache in ${list.dir} is empty.`;
  return [
    ...list.entries.map(
      (e) => `${e.name}@${e.version}  ${e.integrity.slice(0, 19)}…  ${e.size} B  ${e.registry}`,
    ),
    `${list.entries.length} archives, ${list.bytes} bytes in ${list.dir}`,
  ].join('\n');
}

export function runCacheVerify(ctx: CommandContext) {
  const cache = cacheOf(ctx);
  return { dir: cache.dir, ...cache.verify() };
}

export function formatCacheVerify(result: ReturnType<typeof runCacheVerify>): string {
  return [
    `checked ${result.checked} archives (${result.bytes} bytes intact) in ${result.dir}`,
    ...(result.removed.length > 0
      ? [`removed ${result.removed.length} damaged or orphaned: ${result.removed.join(', ')}`]
      : []),
  ].join('\n');
}

export function runCacheClean(ctx: CommandContext) {
  const cache = cacheOf(ctx);
  return { dir: cache.dir, removed: cache.clean() };
}

export function formatCacheClean(result: ReturnType<typeof runCacheClean>): string {
  return `removed ${result.removed} archives from ${result.dir}`;
}
