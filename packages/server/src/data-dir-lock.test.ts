import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { makeTempDir as makeDir } from '../../../test-support/db.js';
import { type DataDirLock, DataDirLockedError, lockDataDir } from './data-dir-lock.js';
import { resolveSecretKey } from './secret-key.js';

const held: DataDirLock[] = [];
afterEach(() => {
  for (const lock of held.splice(0)) lock.release();
});

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function makeTempDir(prefix: string): string {
  const dir = makeDir(prefix);
  dirs.push(dir);
  return dir;
}

function lock(dir: string): DataDirLock {
  const taken = lockDataDir(dir);
  held.push(taken);
  return taken;
}

function lockError(dir: string): DataDirLockedError {
  try {
    lock(dir);
  } catch (error) {
    if (error instanceof DataDirLockedError) return error;
    throw error;
  }
  throw new Error('expected DataDirLockedError');
}

/** The pid of a process that has already exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', '']);
  expect(child.status).toBe(0);
  const pid = child.pid;
  expect(() => process.kill(pid, 0)).toThrow();
  return pid;
}

function writeOwner(dir: string, pid: number, host = hostname()) {
  writeFileSync(join(dir, 'agentry.lock'), JSON.stringify({ pid, host, since: new Date().toISOString() }));
}

function ownerOf(dir: string): { pid: number; host: string } {
  return JSON.parse(readFileSync(join(dir, 'agentry.lock'), 'utf8')) as { pid: number; host: string };
}

describe('lockDataDir', () => {
  it('writes this process as the owner and refuses a second lock on the same directory', () => {
    const dir = makeTempDir('lock');
    lock(dir);
    expect(ownerOf(dir)).toMatchObject({ pid: process.pid, host: hostname() });
    const error = lockError(dir);
    expect(error.ownerPid).toBe(process.pid);
    expect(error.dataDir).toBe(dir);
    // The refused attempt did not disturb the lock or leave anything behind.
    expect(ownerOf(dir).pid).toBe(process.pid);
    expect(readdirSync(dir)).toEqual(['agentry.lock']);
  });

  it('creates a missing data directory', () => {
    const dir = join(makeTempDir('lock'), 'nested', 'data');
    lock(dir);
    expect(existsSync(join(dir, 'agentry.lock'))).toBe(true);
  });

  it('removes the file on release and can be taken again', () => {
    const dir = makeTempDir('lock');
    const first = lockDataDir(dir);
    first.release();
    first.release();
    expect(existsSync(join(dir, 'agentry.lock'))).toBe(false);
    lock(dir);
    expect(ownerOf(dir).pid).toBe(process.pid);
  });

  it('takes a lock file left by a process that is gone', () => {
    const dir = makeTempDir('lock');
    writeOwner(dir, deadPid());
    lock(dir);
    expect(ownerOf(dir)).toMatchObject({ pid: process.pid, host: hostname() });
  });

  it('takes a lock file that does not name an owner', () => {
    const dir = makeTempDir('lock');
    writeFileSync(join(dir, 'agentry.lock'), 'not json');
    lock(dir);
    expect(ownerOf(dir).pid).toBe(process.pid);
  });

  it('takes a lock file written on another host (a container recreated over the same volume)', () => {
    const dir = makeTempDir('lock');
    writeOwner(dir, process.pid, `not-${hostname()}`);
    lock(dir);
    expect(ownerOf(dir)).toMatchObject({ pid: process.pid, host: hostname() });
  });

  it.each([
    ['PID 1 of a restarted container', 1],
    ['a reused pid', process.ppid],
  ])('takes a lock file naming a live pid that holds no lock (%s)', (_, pid) => {
    const dir = makeTempDir('lock');
    writeOwner(dir, pid);
    lock(dir);
    expect(ownerOf(dir).pid).toBe(process.pid);
  });
});

describe('resolveSecretKey', () => {
  it('generates a key once into secret.key with mode 0600 and reuses it', () => {
    const dir = makeTempDir('secret');
    const key = resolveSecretKey(undefined, dir);
    expect(key.length).toBeGreaterThanOrEqual(32);
    const path = join(dir, 'secret.key');
    expect(readFileSync(path, 'utf8').trim()).toBe(key);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(resolveSecretKey(undefined, dir)).toBe(key);
    expect(resolveSecretKey('', dir)).toBe(key);
    // A second data directory gets its own key.
    expect(resolveSecretKey(undefined, makeTempDir('secret'))).not.toBe(key);
  });

  it('creates the data directory when it does not exist yet', () => {
    const dir = join(makeTempDir('secret'), 'fresh');
    const key = resolveSecretKey(undefined, dir);
    expect(readFileSync(join(dir, 'secret.key'), 'utf8').trim()).toBe(key);
  });

  it('prefers a configured key and writes nothing', () => {
    const dir = makeTempDir('secret');
    const configured = 'configured-secret-key-0123456789-abcdefghij';
    expect(resolveSecretKey(configured, dir)).toBe(configured);
    expect(existsSync(join(dir, 'secret.key'))).toBe(false);
    const generated = resolveSecretKey(undefined, dir);
    expect(resolveSecretKey(configured, dir)).toBe(configured);
    expect(generated).not.toBe(configured);
  });

  it('replaces a key file too short to be a key', () => {
    const dir = makeTempDir('secret');
    writeFileSync(join(dir, 'secret.key'), 'short\n', { mode: 0o644 });
    const key = resolveSecretKey(undefined, dir);
    expect(key).not.toBe('short');
    expect(key.length).toBeGreaterThanOrEqual(32);
    expect(statSync(join(dir, 'secret.key')).mode & 0o777).toBe(0o600);
    expect(resolveSecretKey(undefined, dir)).toBe(key);
  });
});
