/**
 * Agent Skills well-known discovery (RFC 8615 `/.well-known/…`), the two shapes in circulation:
 * v0.1 at `/.well-known/skills/index.json` (`files` as a list of paths, each served beside the index)
 * and v0.2.0 at `/.well-known/agent-skills/index.json` (the `$schema` form the `skills` CLI reads: per
 * skill a `type`, an archive `url` and the `sha256:` digest of the bytes at that URL). The rules here
 * are the reference's (peers.md §3); `validateDiscoveryIndex` checks a document against them.
 */
import { createHash } from 'node:crypto';

export const discoverySchemaV2 = 'https://schemas.agentskills.io/discovery/0.2.0/schema.json';

export interface DiscoveryIndexV1 {
  skills: { name: string; description: string; files: string[] }[];
}

export interface DiscoverySkillV2 {
  name: string;
  type: 'archive' | 'skill-md';
  description: string;
  url: string;
  digest: string;
  /** Beyond the `$schema` form, as v0.2.0 lists them: each file with its own digest, SKILL.md first. */
  files?: { path: string; digest: string }[];
}

export interface DiscoveryIndexV2 {
  $schema: typeof discoverySchemaV2;
  version: '0.2.0';
  skills: DiscoverySkillV2[];
}

const skillNamePattern = /^[a-z0-9]+(-[a-z0-9]+)*$/;

/** The Agent Skills name rule: 1–64 characters, `a-z`, `0-9` and single inner hyphens. */
export function isAgentSkillName(name: string): boolean {
  return name.length >= 1 && name.length <= 64 && skillNamePattern.test(name);
}

/**
 * A file path a discovery index may list: relative with `/` separators, no empty, `.` or `..`
 * segment, printable ASCII (0x20–0x7E) except `\ ? # [ ]`. Clients also refuse any `..` substring.
 */
export function isDiscoveryFilePath(path: string): boolean {
  if (path.length === 0 || path.startsWith('/') || path.includes('..')) return false;
  if (!/^[\x20-\x7e]+$/.test(path) || /[\\?#[\]]/.test(path)) return false;
  return path.split('/').every((segment) => segment !== '' && segment !== '.');
}

export function sha256Digest(bytes: Uint8Array | string): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

/**
 * The v0.2.0 skill digest: files sorted by path (byte order), one line `{path}\0{hex}\n` each, hashed.
 * `hexByPath` holds each file's SHA-256 as lowercase hex.
 */
export function skillDigest(hexByPath: ReadonlyMap<string, string>): string {
  const paths = [...hexByPath.keys()].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  return sha256Digest(paths.map((path) => `${path}\0${hexByPath.get(path)}\n`).join(''));
}

/** Files in index order: SKILL.md first, then by path. */
export function orderDiscoveryFiles<T>(items: readonly T[], pathOf: (item: T) => string): T[] {
  return [...items].sort((a, b) => {
    const pa = pathOf(a);
    const pb = pathOf(b);
    if (pa === 'SKILL.md' || pb === 'SKILL.md') return pa === 'SKILL.md' ? -1 : 1;
    return pa < pb ? -1 : pa > pb ? 1 : 0;
  });
}

const digestPattern = /^sha256:[0-9a-f]{64}$/;

/** Every rule the document breaks, as `skills[i].field: problem` lines; empty when it is valid. */
export function validateDiscoveryIndex(doc: unknown, shape: 'v0.1' | 'v0.2'): string[] {
  const problems: string[] = [];
  if (!doc || typeof doc !== 'object') return ['the document is not a JSON object'];
  const record = doc as Record<string, unknown>;
  if (shape === 'v0.2') {
    if (record.$schema !== discoverySchemaV2) problems.push(`$schema: must be ${discoverySchemaV2}`);
    if (
      typeof record.version !== 'string' ||
      !/^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$/.test(record.version)
    )
      problems.push('version: must be M.m.p without leading zeros');
  }
  if (!Array.isArray(record.skills)) return [...problems, 'skills: must be an array'];
  const names = new Set<string>();
  record.skills.forEach((entry: unknown, i) => {
    const at = `skills[${i}]`;
    if (!entry || typeof entry !== 'object') {
      problems.push(`${at}: not an object`);
      return;
    }
    const e = entry as Record<string, unknown>;
    if (typeof e.name !== 'string' || !isAgentSkillName(e.name))
      problems.push(`${at}.name: not an Agent Skills name`);
    else if (names.has(e.name)) problems.push(`${at}.name: listed twice`);
    else names.add(e.name);
    if (typeof e.description !== 'string' || e.description.length < 1 || e.description.length > 1024)
      problems.push(`${at}.description: 1–1024 characters required`);
    if (shape === 'v0.1') {
      const files = e.files;
      if (!Array.isArray(files) || files.length === 0)
        problems.push(`${at}.files: must be a non-empty array`);
      else {
        if (files[0] !== 'SKILL.md') problems.push(`${at}.files: SKILL.md must come first`);
        for (const file of files)
          if (typeof file !== 'string' || !isDiscoveryFilePath(file))
            problems.push(`${at}.files: bad path ${String(file)}`);
      }
      return;
    }
    if (e.type !== 'archive' && e.type !== 'skill-md') problems.push(`${at}.type: archive or skill-md`);
    if (typeof e.url !== 'string' || e.url.length === 0) problems.push(`${at}.url: required`);
    if (typeof e.digest !== 'string' || !digestPattern.test(e.digest))
      problems.push(`${at}.digest: sha256:<64 hex>`);
    if (e.files !== undefined) {
      const files = e.files as { path?: unknown; digest?: unknown }[];
      if (!Array.isArray(files) || files.length === 0)
        problems.push(`${at}.files: must be a non-empty array`);
      else {
        if (files[0]?.path !== 'SKILL.md') problems.push(`${at}.files: SKILL.md must come first`);
        for (const file of files) {
          if (typeof file.path !== 'string' || !isDiscoveryFilePath(file.path))
            problems.push(`${at}.files: bad path ${String(file.path)}`);
          if (typeof file.digest !== 'string' || !digestPattern.test(file.digest))
            problems.push(`${at}.files: bad digest for ${String(file.path)}`);
        }
      }
    }
  });
  return problems;
}
