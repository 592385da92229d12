/**
 * skill-pool's bundle rules (its reference §5.2), in the order its server applies them: size, gzip+tar,
 * SKILL.md at the root, frontmatter delimiters, YAML, description of 1..1536 bytes, no absolute home
 * paths in the body, no secrets of four kinds in the whole file, then `tags` and `requires`. A failure is
 * `bad_request` with skill-pool's message. Pure, so the server's publish, validate and drafts and the
 * CLI's `agentry draft` judge a bundle alike. The archive itself is read by the scanner's stage 0.
 */
import semver from 'semver';
import { parse } from 'yaml';
import { AgentryError } from './errors.js';
import { computeSha256 } from './integrity.js';
import { readArchive } from './scanner/archive.js';
import { packageNameOfSlug } from './skill-pool.js';

export const skillPoolBundleMaxBytes = 5 * 1024 * 1024;
export const skillPoolDescriptionMaxBytes = 1536;

export interface SkillPoolBundle {
  /** The frontmatter `name`, informational only. */
  name: string | null;
  description: string;
  when_to_use: string | null;
  tags: string[];
  /** `requires` as Agentry names → range (`*` when none); slugs mapped through core/skill-pool.ts. */
  requires: Record<string, string>;
  frontmatter: Record<string, unknown>;
  skill_md: string;
  size_bytes: number;
  sha256: string;
}

function refuse(message: string): never {
  throw new AgentryError('bad_request', { message });
}

/** Leaked-credential shapes skill-pool's server refuses in SKILL.md (label, pattern). */
const secretRules: [string, RegExp][] = [
  ['AWS access key ID', /\bAKIA[0-9A-Z]{16}\b/],
  ['GitHub personal access token', /\bghp_[A-Za-z0-9]{36}\b/],
  ['GitHub OAuth token', /\bgho_[A-Za-z0-9]{36}\b/],
  ['PEM private key block', /-----BEGIN [A-Z ]*PRIVATE KEY-----/],
];

const homePaths = ['/home/', '/Users/', 'C:\\Users\\'];

function stringList(value: unknown, field: string): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'string')) {
    refuse(`SKILL.md frontmatter failed to parse: \`${field}\` must be a list of strings`);
  }
  return value as string[];
}

/** One `requires` entry: `slug` or `slug@range` (a scoped `@org/name` keeps its leading `@`). */
function parseRequires(entries: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of entries) {
    const trimmed = entry.trim();
    const at = trimmed.indexOf('@', trimmed.startsWith('@') ? 1 : 0);
    const slug = (at === -1 ? trimmed : trimmed.slice(0, at)).trim();
    const range = (at === -1 ? '' : trimmed.slice(at + 1)).trim() || '*';
    if (!slug) refuse(`invalid requires entry \`${entry.slice(0, 80)}\`: empty slug`);
    const name = packageNameOfSlug(slug);
    if (!name)
      refuse(`invalid requires entry \`${entry.slice(0, 80)}\`: \`${slug.slice(0, 80)}\` is not a slug`);
    // Agentry resolves dependencies by semver (the CLI installs them), so a range must be one.
    if (semver.validRange(range) === null) {
      refuse(
        `invalid requires entry \`${entry.slice(0, 80)}\`: \`${range.slice(0, 40)}\` is not a version range`,
      );
    }
    out[name] = range;
  }
  return out;
}

export function validateSkillPoolBundle(
  bytes: Uint8Array,
  maxBytes = skillPoolBundleMaxBytes,
): SkillPoolBundle {
  if (bytes.length > maxBytes) refuse(`bundle exceeds ${maxBytes} byte limit`);
  const archive = readArchive(bytes);
  if (archive.fatal) {
    refuse(`bundle is not a valid gzip + tar archive: ${archive.findings.at(-1)?.message ?? 'unreadable'}`);
  }
  // Stage 0 dropped an entry (a link, an absolute or `..` path, a device, a duplicate, a binary): the
  // whole bundle is refused, so validate never answers ok for bytes the publish would not keep intact.
  const unsafe = archive.findings.find(
    (finding) => finding.severity === 'critical' || finding.severity === 'high',
  );
  if (unsafe) refuse(`bundle has an unsafe entry: ${unsafe.message}`);
  const skillMd = archive.files.get('SKILL.md')?.content.toString('utf8');
  if (skillMd === undefined) refuse('SKILL.md missing at archive root');
  const match = /^---\r?\n([\s\S]*?)\r?\n---\r?\n/.exec(skillMd);
  if (!match) refuse('SKILL.md has no YAML frontmatter (expected leading `---` block)');
  let data: unknown;
  try {
    data = parse(match[1] ?? '');
  } catch (error) {
    refuse(`SKILL.md frontmatter failed to parse: ${(error as Error).message.split('\n')[0]}`);
  }
  if (data === null || data === undefined) data = {};
  if (typeof data !== 'object' || Array.isArray(data))
    refuse('SKILL.md frontmatter failed to parse: not a mapping');
  const frontmatter = data as Record<string, unknown>;
  const description = typeof frontmatter.description === 'string' ? frontmatter.description.trim() : '';
  const descriptionBytes = Buffer.byteLength(description, 'utf8');
  if (descriptionBytes < 1 || descriptionBytes > skillPoolDescriptionMaxBytes) {
    refuse(`description must be 1..=${skillPoolDescriptionMaxBytes} characters; got ${descriptionBytes}`);
  }
  const body = skillMd.slice(match[0].length);
  for (const path of homePaths) {
    const at = body.indexOf(path);
    if (at !== -1) {
      refuse(`forbidden absolute path in SKILL.md body: ${body.slice(Math.max(0, at - 10), at + 30).trim()}`);
    }
  }
  for (const [label, pattern] of secretRules) {
    if (pattern.test(skillMd)) refuse(`possible secret detected: ${label}`);
  }
  const whenToUse = frontmatter.when_to_use;
  return {
    name: typeof frontmatter.name === 'string' ? frontmatter.name : null,
    description,
    when_to_use: typeof whenToUse === 'string' ? whenToUse : null,
    tags: stringList(frontmatter.tags, 'tags'),
    requires: parseRequires(stringList(frontmatter.requires, 'requires')),
    frontmatter,
    skill_md: skillMd,
    size_bytes: bytes.length,
    sha256: computeSha256(bytes),
  };
}
