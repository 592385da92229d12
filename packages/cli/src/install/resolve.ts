/**
 * Resolution: from the project's ranges to one exact version per name, transitive dependencies
 * included — both the registry's declared dependencies and `requires` in a SKILL.md, which Tank's
 * installer ignores (Tank #49/#484). Locked versions are kept while they satisfy every range.
 * Every archive is fetched (at most `concurrency` at once), checked against the registry's SHA-512
 * and the lockfile's, and read with the scanner's safe reader before anything is written to disk. An
 * archive already in the local cache (cache.ts) is asked for with If-None-Match, so the registry answers
 * 304 without bytes and counts no download; `beforeDownload` may refuse an artifact from its metadata
 * before any bytes are asked for, so a refused install downloads (and counts) nothing.
 */
import {
  type ArtifactKind,
  artifactKinds,
  computeIntegrity,
  integrityEquals,
  type LockEntry,
  type Lockfile,
  parseFrontmatter,
  readRequires,
} from '@agentry/core';
import { readArchive } from '@agentry/core/scanner';
import semver from 'semver';
import { RegistryError } from '../api-client.js';
import { CliError } from '../cli-error.js';
import type { Registry, VersionDetail, VersionSummary } from '../registry.js';
import type { ArchiveCache } from './cache.js';
import type { ArtifactPayload } from './place.js';

export interface ResolvedArtifact {
  name: string;
  version: string;
  detail: VersionDetail;
  payload: ArtifactPayload;
  /** Declared dependencies and SKILL.md `requires`, name → range. */
  dependencies: Record<string, string>;
  /** The stable address of this version's metadata (the download URL itself is signed and expires). */
  resolved: string;
  files: Record<string, string>;
}

export interface ProgressEvent {
  done: number;
  total: number;
  name: string;
  version: string;
  bytes: number;
  /** The bytes came from the local cache (the registry answered 304). */
  cached?: boolean;
}

/** An artifact known by its metadata, before its bytes are fetched. */
export interface ArtifactMetadata {
  name: string;
  version: string;
  detail: VersionDetail;
}

export interface ResolveOptions {
  registry: Registry;
  /** What the project asks for: name → range. */
  roots: Record<string, string>;
  lock?: Lockfile | undefined;
  /** Names whose locked version is not preferred (`update`), or every name. */
  unlock?: Set<string> | 'all';
  concurrency?: number;
  onProgress?: (event: ProgressEvent) => void;
  /** Called with each artifact's metadata before its bytes are asked for; throwing stops the install. */
  beforeDownload?: (artifact: ArtifactMetadata) => Promise<void>;
  cache?: ArchiveCache | undefined;
  /** Sent as Agentry-Command: the CLI command that wants the bytes. */
  command?: string;
  /** Nothing will be written: sent as Agentry-Dry-Run, so the registry counts no download. */
  dryRun?: boolean;
}

const maxRounds = 50;

async function mapLimit<T, R>(items: T[], limit: number, run: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      out[index] = await run(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** Ingest findings that mean an entry was refused or the archive cannot be trusted as a whole. */
const unsafeEntryRules = new Set([
  'archive_corrupt',
  'archive_malformed',
  'archive_link',
  'archive_special_file',
  'case_duplicate_path',
  'duplicate_path',
  'compression_bomb',
  'size_exceeded',
  'too_many_files',
  'file_too_large',
  'path_absolute',
  'path_backslash',
  'path_control_char',
  'path_traversal',
]);

/** Checks downloaded bytes against the registry and the lockfile, and reads them safely. */
export function verifyDownload(
  detail: VersionDetail,
  bytes: Buffer,
  locked: LockEntry | undefined,
): ArtifactPayload {
  const label = `${detail.name}@${detail.version}`;
  if (!detail.integrity)
    throw new CliError(
      'integrity_mismatch',
      `${label} has no integrity on the registry`,
      'ask its publisher to publish it again',
    );
  const actual = computeIntegrity(bytes);
  if (!integrityEquals(actual, detail.integrity)) {
    throw new CliError(
      'integrity_mismatch',
      `${label}: the downloaded bytes do not match the registry's SHA-512`,
      'nothing was written; try again, and report it if it repeats',
      {
        expected: detail.integrity,
        actual,
      },
    );
  }
  if (locked && locked.version === detail.version && !integrityEquals(locked.integrity, detail.integrity)) {
    throw new CliError(
      'integrity_mismatch',
      `${label}: the registry now serves different bytes than agentry.lock recorded`,
      `nothing was written; if the change is expected, run agentry update ${detail.name}`,
      {
        expected: locked.integrity,
        actual: detail.integrity,
      },
    );
  }
  const archive = readArchive(bytes);
  const unsafe = archive.findings.filter((f) => unsafeEntryRules.has(f.rule));
  if (archive.fatal || unsafe.length > 0) {
    throw new CliError(
      'unsafe_archive',
      `${label}: the archive has unsafe entries (${unsafe.map((f) => f.rule).join(', ') || 'unreadable'})`,
      'nothing was written',
      unsafe,
    );
  }
  const expected = new Map(detail.files.map((file) => [file.path, file.sha256]));
  const differs = [...archive.files.values()]
    .filter((entry) => expected.get(entry.path) !== entry.sha256)
    .map((entry) => entry.path);
  const missing = [...expected.keys()].filter((path) => !archive.files.has(path));
  if (differs.length > 0 || missing.length > 0) {
    throw new CliError(
      'integrity_mismatch',
      `${label}: the archive's files differ from the registry's file list`,
      'nothing was written',
      { differs, missing },
    );
  }
  const kind = (artifactKinds as readonly string[]).includes(detail.kind)
    ? (detail.kind as ArtifactKind)
    : 'skill';
  return {
    name: detail.name,
    version: detail.version,
    kind,
    integrity: detail.integrity,
    files: new Map([...archive.files].map(([path, entry]) => [path, entry.content])),
    modes: new Map([...archive.files].map(([path, entry]) => [path, entry.mode])),
  };
}

function requiresOf(payload: ArtifactPayload): Record<string, string> {
  const skill = payload.files.get('SKILL.md');
  if (!skill) return {};
  const requires = readRequires(parseFrontmatter(skill.toString('utf8')).data);
  for (const [name, range] of Object.entries(requires)) {
    if (semver.validRange(range) === null) {
      throw new CliError(
        'invalid_artifact',
        `${payload.name}@${payload.version} requires ${name}@${range}, which is not a semver range`,
      );
    }
  }
  return requires;
}

function notFound(error: unknown): boolean {
  return error instanceof RegistryError && error.status === 404;
}

export async function resolveArtifacts(options: ResolveOptions): Promise<Map<string, ResolvedArtifact>> {
  const { registry, lock } = options;
  const unlock = options.unlock ?? new Set<string>();
  const versionLists = new Map<string, Promise<VersionSummary[]>>();
  const fetched = new Map<string, Promise<ResolvedArtifact>>();
  let done = 0;
  let total = 0;

  const listVersions = (name: string) => {
    let pending = versionLists.get(name);
    if (!pending) {
      pending = registry.getVersions(name).then(
        (answer) => answer.versions,
        (error) => {
          if (notFound(error))
            throw new CliError(
              'no_matching_version',
              `${name} is not on ${registry.client.base}`,
              'check the name with agentry search',
            );
          throw error;
        },
      );
      versionLists.set(name, pending);
    }
    return pending;
  };

  const fetchVersion = (name: string, version: string) => {
    const key = `${name}@${version}`;
    let pending = fetched.get(key);
    if (!pending) {
      total += 1;
      pending = (async () => {
        const detail = await registry.getVersion(name, version);
        await options.beforeDownload?.({ name, version, detail });
        const cached = detail.integrity ? options.cache?.get(detail.integrity) : undefined;
        const answer = await registry.client.downloadIfChanged(detail.downloadUrl, {
          ifNoneMatch: cached ? `"${detail.integrity}"` : undefined,
          headers: {
            'agentry-command': options.command ?? 'install',
            ...(options.dryRun ? { 'agentry-dry-run': '1' } : {}),
          },
        });
        const bytes = answer === 'not-modified' && cached ? cached : (answer as Buffer);
        const payload = verifyDownload(detail, bytes, lock?.artifacts[name]);
        if (answer !== 'not-modified')
          options.cache?.put(bytes, { name, version, registry: registry.client.base });
        const dependencies = { ...detail.dependencies, ...requiresOf(payload) };
        done += 1;
        options.onProgress?.({
          done,
          total,
          name,
          version,
          bytes: bytes.length,
          cached: answer === 'not-modified',
        });
        return {
          name,
          version,
          detail,
          payload,
          dependencies,
          resolved: `${registry.client.base}/api/v1/skills/${encodeURIComponent(name)}/${encodeURIComponent(version)}`,
          files: Object.fromEntries(detail.files.map((file) => [file.path, file.sha256])),
        };
      })();
      fetched.set(key, pending);
    }
    return pending;
  };

  const pick = async (name: string, ranges: string[], current: string | undefined): Promise<string> => {
    const satisfiesAll = (version: string) =>
      ranges.every((range) => semver.satisfies(version, range, { includePrerelease: false }));
    if (current && satisfiesAll(current)) return current;
    const locked = lock?.artifacts[name]?.version;
    const unlocked = unlock === 'all' || unlock.has(name);
    // A locked version is kept without asking the registry for the list, even if it was yanked since.
    if (locked && !unlocked && satisfiesAll(locked)) return locked;
    const versions = await listVersions(name);
    const candidates = versions
      .filter((v) => !v.yanked && semver.valid(v.version) && satisfiesAll(v.version))
      .map((v) => v.version)
      .sort(semver.rcompare);
    if (candidates[0]) return candidates[0];
    if (ranges.length > 1) {
      const alone = ranges.filter((range) =>
        versions.some((v) => !v.yanked && semver.satisfies(v.version, range)),
      );
      if (alone.length === ranges.length) {
        throw new CliError(
          'dependency_conflict',
          `no version of ${name} satisfies every range asked for (${ranges.join(', ')})`,
          'relax one of the ranges in agentry.json or ask the dependent artifact to',
          { name, ranges },
        );
      }
    }
    throw new CliError(
      'no_matching_version',
      `no published version of ${name} matches ${ranges.join(' and ')}`,
      `agentry info ${name} lists its versions`,
      { name, ranges },
    );
  };

  const choices = new Map<string, string>();
  for (let round = 0; round < maxRounds; round++) {
    // Constraints from the roots and from every version chosen so far that is still reachable.
    const constraints = new Map<string, string[]>();
    const add = (name: string, range: string) =>
      constraints.set(name, [...(constraints.get(name) ?? []), range]);
    for (const [name, range] of Object.entries(options.roots)) add(name, range);
    const seen = new Set<string>();
    const queue = Object.keys(options.roots);
    while (queue.length > 0) {
      const name = queue.shift() as string;
      if (seen.has(name)) continue;
      seen.add(name);
      const version = choices.get(name);
      if (!version) continue;
      const resolved = await fetchVersion(name, version);
      for (const [dep, range] of Object.entries(resolved.dependencies)) {
        add(dep, range);
        queue.push(dep);
      }
    }
    let changed = false;
    const names = [...constraints.keys()];
    const picks = await mapLimit(names, options.concurrency ?? 8, (name) =>
      pick(name, constraints.get(name) ?? [], choices.get(name)),
    );
    names.forEach((name, index) => {
      if (choices.get(name) !== picks[index]) {
        choices.set(name, picks[index] as string);
        changed = true;
      }
    });
    for (const name of [...choices.keys()]) {
      if (!constraints.has(name)) {
        choices.delete(name);
        changed = true;
      }
    }
    // Download this round's choices together, under the concurrency limit.
    await mapLimit([...choices], options.concurrency ?? 8, ([name, version]) => fetchVersion(name, version));
    if (!changed) {
      const out = new Map<string, ResolvedArtifact>();
      for (const [name, version] of [...choices].sort(([a], [b]) => (a < b ? -1 : 1)))
        out.set(name, await fetchVersion(name, version));
      return out;
    }
  }
  throw new CliError(
    'dependency_conflict',
    'dependency resolution did not settle',
    'the dependency ranges chase each other; pin one of them in agentry.json',
  );
}

/** The lockfile entry for a resolved artifact. */
export function lockEntryOf(artifact: ResolvedArtifact): LockEntry {
  return {
    name: artifact.name,
    version: artifact.version,
    kind: artifact.payload.kind,
    resolved: artifact.resolved,
    integrity: artifact.payload.integrity,
    dependencies: artifact.dependencies,
    verdict: artifact.detail.verdict,
    auditScore: artifact.detail.auditScore,
    permissions: artifact.detail.permissions ?? {},
    files: artifact.files,
  };
}
