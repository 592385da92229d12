/**
 * An exclusive lock on the data directory. PGlite has none of its own, and two processes on one
 * directory silently lose writes, so a second server must refuse to start and touch nothing.
 *
 * The lock is an advisory lock the kernel holds on an open file description of `agentry.lock`
 * (`fcntl(F_OFD_SETLK)` on Linux, `flock` on macOS, through fs-native-extensions' prebuilt N-API addon).
 * The kernel drops it when the process ends, however it ends (kill -9, OOM kill, a container torn down),
 * so a restart never has to judge whether a recorded pid is still "ours": as PID 1 in a recreated
 * container, on another hostname over the same volume, or after the pid was reused, the old lock is
 * simply gone. The file's content (pid, host, since) is only for people and error messages.
 */
import {
  closeSync,
  fstatSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readFileSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { hostname } from 'node:os';
import { join } from 'node:path';

const { tryLock } = createRequire(import.meta.url)('fs-native-extensions') as {
  /** An exclusive lock on the whole file, without waiting; false when another holds it. */
  tryLock(fd: number): boolean;
};

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

function readOwnerPid(path: string): number | undefined {
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as { pid?: unknown };
    return typeof parsed.pid === 'number' ? parsed.pid : undefined;
  } catch {
    return undefined;
  }
}

/** Whether `fd` is still the file at `path` (a releasing owner unlinks it; a lock on the old inode is worthless). */
function isCurrentFile(fd: number, path: string): boolean {
  try {
    const open = fstatSync(fd);
    const named = statSync(path);
    return open.ino === named.ino && open.dev === named.dev;
  } catch {
    return false;
  }
}

export function lockDataDir(dataDir: string): DataDirLock {
  mkdirSync(dataDir, { recursive: true });
  const path = join(dataDir, 'agentry.lock');
  for (let attempt = 0; attempt < 10; attempt++) {
    // O_RDWR|O_CREAT without truncation: opening must not disturb the content of a live owner's file.
    const fd = openSync(path, 'a+', 0o644);
    let locked = false;
    try {
      locked = tryLock(fd);
    } finally {
      if (!locked) closeSync(fd);
    }
    if (!locked) throw new DataDirLockedError(dataDir, readOwnerPid(path));
    if (!isCurrentFile(fd, path)) {
      // The previous owner released (and unlinked) between our open and our lock: try the new file.
      closeSync(fd);
      continue;
    }
    ftruncateSync(fd, 0);
    writeSync(fd, JSON.stringify({ pid: process.pid, host: hostname(), since: new Date().toISOString() }), 0);
    let released = false;
    return {
      release: () => {
        if (released) return;
        released = true;
        // Unlink while still holding the lock, so no starter can lock this inode and believe it current.
        if (isCurrentFile(fd, path)) unlinkSync(path);
        closeSync(fd);
      },
    };
  }
  throw new DataDirLockedError(dataDir, readOwnerPid(path));
}
