/**
 * Stage 0, ingest: read a gzipped tarball entirely in memory and decide, before anything touches a
 * disk, which entries are safe. Only regular files and directories with relative, normalised paths are
 * kept; links, devices, absolute or `..` paths and case-duplicate paths are findings and are dropped.
 * A single top-level folder (npm's `package/`, or the skill's own folder) is stripped.
 */
import { gunzipSync } from 'node:zlib';
import { Parser, type ReadEntry } from 'tar';
import { computeSha256 } from '../integrity.js';
import { type ArchiveLimits, defaultArchiveLimits } from './limits.js';
import type { Finding, Severity } from './types.js';

export interface ArchiveEntry {
  path: string;
  content: Buffer;
  size: number;
  sha256: string;
  mode: number;
}

export interface ReadArchiveResult {
  /** Safe regular files by normalised path; empty when the archive could not be read at all. */
  files: Map<string, ArchiveEntry>;
  findings: Finding[];
  /** True when the archive is unusable as a whole (corrupt, too large, a bomb). */
  fatal: boolean;
  unpackedBytes: number;
}

/** Extensions refused as compiled or binary; `binary_content` (stage 1) finds the same by magic bytes. */
export const blockedExtensions = /\.(exe|so|dll|dylib|wasm|class|pyc|pyo|jar|war|bin|dat)$/i;

/**
 * Stage-0 findings that make an archive unsafe to store or serve at all, whatever the tenant's policy:
 * a client that extracts it (Python's `tarfile.extractall`, GNU tar, a case-insensitive disk) would write
 * outside its folder, follow a link, create a device, or get a file the scanner never saw. Publishing
 * refuses such an archive (`unsafe_archive`); `POST /api/v1/scan` reports them as findings.
 */
export const unsafeArchiveRules: ReadonlySet<string> = new Set([
  'path_absolute',
  'path_traversal',
  'path_backslash',
  'path_control_char',
  'archive_link',
  'archive_special_file',
  'duplicate_path',
  'case_duplicate_path',
  'compression_bomb',
  'too_many_files',
]);

/** The findings of a scan that make its archive unpublishable (see unsafeArchiveRules). */
export function findUnsafeEntries(findings: readonly Finding[]): Finding[] {
  return findings.filter((f) => f.stage === 'ingest' && unsafeArchiveRules.has(f.rule));
}

function finding(severity: Severity, rule: string, message: string, file?: string): Finding {
  return { stage: 'ingest', severity, rule, message, ...(file === undefined ? {} : { file }) };
}

/** The normalised relative path, or a reason the path is unsafe. */
function normalisePath(raw: string): { path: string } | { problem: string; rule: string } {
  if (raw.includes('\\')) return { rule: 'path_backslash', problem: 'contains a backslash' };
  if (raw.startsWith('/') || /^[A-Za-z]:/.test(raw)) return { rule: 'path_absolute', problem: 'is absolute' };
  const parts = raw.split('/').filter((part) => part !== '' && part !== '.');
  if (parts.includes('..')) return { rule: 'path_traversal', problem: 'climbs out with ..' };
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what this refuses.
  if (parts.some((part) => /[\u0000-\u001f\u007f]/.test(part)))
    return { rule: 'path_control_char', problem: 'contains control characters' };
  return { path: parts.join('/') };
}

/** Files that mark a folder as the artifact's own root, so a wrapping folder around it can go. */
const rootMarkers = [
  'SKILL.md',
  'tank.json',
  'skills.json',
  'agentry.json',
  'aitk-artifact.json',
  'ayaiay.yaml',
  'package.json',
];

/**
 * Strips one wrapping folder: npm's `package/`, or a folder holding the artifact's own root files
 * (`my-skill/SKILL.md`). A lone `hooks/` or `agents/` folder is content, and stays.
 */
function stripCommonRoot(files: Map<string, ArchiveEntry>): Map<string, ArchiveEntry> {
  const paths = [...files.keys()];
  if (paths.length === 0 || paths.some((path) => !path.includes('/'))) return files;
  const root = paths[0]?.split('/')[0];
  if (!root || paths.some((path) => path.split('/')[0] !== root)) return files;
  if (root !== 'package' && !rootMarkers.some((marker) => files.has(`${root}/${marker}`))) return files;
  return new Map(
    [...files].map(([path, entry]) => {
      const stripped = path.slice(root.length + 1);
      return [stripped, { ...entry, path: stripped }];
    }),
  );
}

export function readArchive(
  bytes: Uint8Array,
  limits: ArchiveLimits = defaultArchiveLimits,
): ReadArchiveResult {
  const findings: Finding[] = [];
  const fail = (rule: string, message: string): ReadArchiveResult => ({
    files: new Map(),
    findings: [...findings, finding('critical', rule, message)],
    fatal: true,
    unpackedBytes: 0,
  });
  if (bytes.length > limits.maxArchiveBytes) {
    return fail(
      'size_exceeded',
      `The archive is ${bytes.length} bytes; the limit is ${limits.maxArchiveBytes}.`,
    );
  }
  let tarBytes: Buffer;
  try {
    // The output cap makes a decompression bomb stop early instead of filling memory.
    tarBytes = gunzipSync(bytes, { maxOutputLength: limits.maxUnpackedBytes + 1024 * 1024 });
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'ERR_BUFFER_TOO_LARGE') {
      // The cap was hit, so the archive expands at least this much: a bomb when that alone is too much.
      const cap = limits.maxUnpackedBytes + 1024 * 1024;
      if (cap / Math.max(bytes.length, 1) > limits.maxCompressionRatio) {
        return fail(
          'compression_bomb',
          `The archive expands more than ${Math.round(cap / Math.max(bytes.length, 1))}× (limit ${limits.maxCompressionRatio}×).`,
        );
      }
      return fail('size_exceeded', `The archive unpacks to more than ${limits.maxUnpackedBytes} bytes.`);
    }
    return fail('archive_corrupt', 'The upload is not a gzip-compressed tar archive.');
  }
  if (
    tarBytes.length > 1024 * 1024 &&
    tarBytes.length / Math.max(bytes.length, 1) > limits.maxCompressionRatio
  ) {
    return fail(
      'compression_bomb',
      `The archive expands ${Math.round(tarBytes.length / bytes.length)}× (limit ${limits.maxCompressionRatio}×).`,
    );
  }
  // node-tar's Parser sniffs its input and would transparently gunzip a second layer, bypassing the
  // output cap and ratio check above. No real tar header starts with these bytes (0x1f is a control
  // character in a name), so a nested gzip is refused outright; zstd/brotli sniffing is switched off.
  if (tarBytes[0] === 0x1f && tarBytes[1] === 0x8b) {
    return fail('archive_corrupt', 'The archive is compressed twice; upload a single gzip layer over a tar.');
  }
  // A valid tar with no entries at all is only end-of-archive zero blocks; node-tar calls that an
  // unrecognised format, but it is an empty archive, for stage 1 to judge.
  if (tarBytes.length >= 512 && tarBytes.every((byte) => byte === 0)) {
    return { files: new Map(), findings, fatal: false, unpackedBytes: 0 };
  }

  const files = new Map<string, ArchiveEntry>();
  const lowerCase = new Map<string, string>();
  let entries = 0;
  let unpackedBytes = 0;
  let fatal: ReadArchiveResult | undefined;
  let parseError = false;
  const countEntry = () => {
    entries += 1;
    if (entries > limits.maxFiles && !fatal)
      fatal = fail('too_many_files', `The archive has more than ${limits.maxFiles} entries.`);
  };
  const parser = new Parser({
    strict: false,
    zstd: false,
    brotli: false,
    onwarn: () => {
      parseError = true;
    },
    onReadEntry: (entry: ReadEntry) => {
      countEntry();
      const normalised = normalisePath(entry.path);
      if ('problem' in normalised) {
        findings.push(
          finding(
            'critical',
            normalised.rule,
            `Entry "${entry.path.slice(0, 200)}" ${normalised.problem}; it was refused.`,
            entry.path.slice(0, 200),
          ),
        );
        entry.resume();
        return;
      }
      const path = normalised.path;
      if (entry.type === 'Directory') {
        entry.resume();
        return;
      }
      if (path === '') {
        findings.push(
          finding(
            'high',
            'archive_malformed',
            `Entry "${entry.path.slice(0, 200)}" is a file without a name; it was refused.`,
          ),
        );
        entry.resume();
        return;
      }
      if (entry.type === 'SymbolicLink' || entry.type === 'Link') {
        findings.push(
          finding(
            'high',
            'archive_link',
            `${entry.type === 'Link' ? 'Hard' : 'Symbolic'} link "${path}" → "${entry.linkpath ?? ''}" was refused.`,
            path,
          ),
        );
        entry.resume();
        return;
      }
      if (entry.type !== 'File' && entry.type !== 'OldFile' && entry.type !== 'ContiguousFile') {
        findings.push(
          finding(
            'critical',
            'archive_special_file',
            `Entry "${path}" is a ${entry.type}; only files and folders are allowed.`,
            path,
          ),
        );
        entry.resume();
        return;
      }
      const size = entry.size ?? 0;
      if (size > limits.maxFileBytes) {
        findings.push(
          finding(
            'high',
            'file_too_large',
            `"${path}" is ${size} bytes; the limit per file is ${limits.maxFileBytes}.`,
            path,
          ),
        );
        entry.resume();
        return;
      }
      if (files.has(path)) {
        findings.push(
          finding(
            'critical',
            'duplicate_path',
            `"${path}" appears twice; a later copy could replace a scanned one.`,
            path,
          ),
        );
        entry.resume();
        return;
      }
      // macOS folds Unicode normalisation as well as case: NFC and NFD spellings are one file there.
      const folded = path.normalize('NFC').toLowerCase();
      const clash = lowerCase.get(folded);
      if (clash !== undefined) {
        findings.push(
          finding(
            'high',
            'case_duplicate_path',
            `"${path}" and "${clash}" differ only in case and collide on macOS and Windows.`,
            path,
          ),
        );
        entry.resume();
        return;
      }
      lowerCase.set(folded, path);
      if (blockedExtensions.test(path)) {
        findings.push(
          finding(
            'critical',
            'blocked_file_type',
            `"${path}" is a binary or compiled file type that artifacts may not ship.`,
            path,
          ),
        );
      }
      const chunks: Buffer[] = [];
      entry.on('data', (chunk: Buffer) => chunks.push(chunk));
      entry.on('end', () => {
        // The parser hands out views of the unpacked tar: a body in one piece is kept as that view
        // rather than copied (see detach below for when that would keep too much alive).
        const content = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks);
        if (content.length !== size) {
          // The archive ended inside this entry (node-tar still ends it with what it had).
          findings.push(
            finding(
              'high',
              'archive_malformed',
              `"${path}" is cut short; the partial file was dropped.`,
              path,
            ),
          );
          return;
        }
        unpackedBytes += content.length;
        files.set(path, {
          path,
          content,
          size: content.length,
          sha256: computeSha256(content),
          mode: (entry.mode ?? 0o644) & 0o7777,
        });
      });
    },
  });
  // Types node-tar does not model (GNU sparse `S`, volume headers, vendor or unknown flags) are
  // skipped silently by the parser, yet GNU tar extracts some of them as regular files: a file the
  // scanner never saw. Oversized pax headers land here too.
  parser.on('ignoredEntry', (entry: ReadEntry) => {
    countEntry();
    const normalised = normalisePath(entry.path);
    const shown = 'path' in normalised ? normalised.path : entry.path.slice(0, 200);
    findings.push(
      finding(
        'critical',
        'archive_special_file',
        `Entry "${shown}" has an unsupported type (${entry.type}); only files and folders are allowed.`,
        shown,
      ),
    );
  });
  try {
    parser.end(tarBytes);
  } catch {
    parseError = true;
  }
  if (fatal) return fatal;
  if (parseError && files.size === 0) return fail('archive_corrupt', 'The tar archive could not be read.');
  if (parseError && !findings.some((f) => f.rule === 'archive_malformed'))
    findings.push(
      finding('high', 'archive_malformed', 'Parts of the tar archive are malformed and were skipped.'),
    );
  if (unpackedBytes > limits.maxUnpackedBytes) {
    return fail(
      'size_exceeded',
      `The archive unpacks to ${unpackedBytes} bytes; the limit is ${limits.maxUnpackedBytes}.`,
    );
  }
  // Entry views keep the whole unpacked tar alive. That is the files themselves plus headers, unless
  // refused entries (too large, duplicates …) took much of it: then the kept files are copied out.
  if (tarBytes.length - unpackedBytes > Math.max(1024 * 1024, unpackedBytes / 4)) {
    for (const entry of files.values()) {
      if (entry.content.buffer === tarBytes.buffer) entry.content = Buffer.from(entry.content);
    }
  }
  return { files: stripCommonRoot(files), findings, fatal: false, unpackedBytes };
}
