/**
 * An exclusive lock on the data directory. PGlite has none of its own, and two processes on one
 * directory silently lose writes, so a second server must refuse to start and touch nothing.
 *
 * The lock is a file created exclusively (hard link of a written temp file) holding the owner's pid and
 * host. A lock whose pid is no longer alive on this host (after kill -9 or a crash) is stale and taken
 * over; the takeover itself is guarded by a second exclusive file so two starters cannot both take over
 * the same stale lock.
 */
import { randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

export class DataDirLockedError extends Error {
  constructor(
    readonly dataDir: string,
    readonly ownerPid: number | undefined,
  ) {
    super(
      `data directory ${dataDir} is in use by another Agentry process${ownerPid ? ` (pid ${ownerPid})` : ''}. ` +
        'Stop it first, or give this one its own DATA_DIR.',
    );
    this.name = 'DataDirLockedError';
  }
}

export interface DataDirLock {
  release(): void;
}

interface Owner {
  pid: number;
  host: string;
}

function readOwner(path: string): Owner | undefined {
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as Partial<Owner>;
    return typeof parsed.pid === 'number' && typeof parsed.host === 'string'
      ? { pid: parsed.pid, host: parsed.host }
      : undefined;
  } catch {
    return undefined;
  }
}

function isAlive(owner: Owner): boolean {
  // A lock written by another host (a shared volume) cannot be checked: treat it as held.
  if (owner.host !== hostname()) return true;
  try {
    process.kill(owner.pid, 0);
    return true;
  } catch (error) {
    return (error as { code?: string }).code === 'EPERM';
  }
}

function tryCreate(path: string, content: string): boolean {
  // The file appears with its content in one step (link fails on an existing name): created empty and
  // written after, a racing starter could read it empty, judge it stale and take it over.
  const temp = `${path}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(temp, content, { flag: 'wx', mode: 0o644 });
  try {
    linkSync(temp, path);
    return true;
  } catch (error) {
    if ((error as { code?: string }).code === 'EEXIST') return false;
    throw error;
  } finally {
    rmSync(temp, { force: true });
  }
}

export function lockDataDir(dataDir: string): DataDirLock {
  mkdirSync(dataDir, { recursive: true });
  const path = join(dataDir, 'agentry.lock');
  const me = JSON.stringify({ pid: process.pid, host: hostname(), since: new Date().toISOString() });
  const release = () => {
    if (readOwner(path)?.pid === process.pid) rmSync(path, { force: true });
  };
  if (tryCreate(path, me)) return { release };

  const owner = readOwner(path);
  if (owner && isAlive(owner)) throw new DataDirLockedError(dataDir, owner.pid);

  const takeover = `${path}.takeover`;
  // A takeover file older than a few seconds was left by a starter that died mid-takeover.
  try {
    if (Date.now() - statSync(takeover).mtimeMs > 5000) rmSync(takeover, { force: true });
  } catch {}
  if (!tryCreate(takeover, me)) throw new DataDirLockedError(dataDir, owner?.pid);
  try {
    const again = readOwner(path);
    if (again && isAlive(again)) throw new DataDirLockedError(dataDir, again.pid);
    unlinkSync(path);
    if (!tryCreate(path, me)) throw new DataDirLockedError(dataDir, undefined);
    return { release };
  } finally {
    rmSync(takeover, { force: true });
  }
}
