/**
 * skill-pool's wire vocabulary over Agentry's catalogue. skill-pool names a skill by an unscoped
 * `slug` plus a `kind`; Agentry names an artifact `name` or `@org/name`, one name per tenant, and the
 * kind is a property of the artifact. The mapping (documented in docs/api.md, "skill-pool slugs"):
 *
 * - an unscoped name is its own slug: `code-review` ↔ `code-review`;
 * - a scoped name flattens with a double underscore: `@acme/code-review` ↔ `acme__code-review`. Names
 *   are lower-case letters, digits and hyphens, so `__` never occurs in a name and the mapping is
 *   reversible; it is also the folder name the CLI installs the artifact under (flattenArtifactName);
 * - the scoped form itself (`@acme/code-review`, percent-encoded in a path) is accepted as a slug too;
 * - `(slug, kind)` finds the artifact with that name only when its kind is that kind: one name cannot be a
 *   skill and an agent at once, so publishing `x` as an agent while a skill `x` exists is a conflict;
 * - artifacts of Agentry's other kinds (prompt, hook, mcp, …) do not appear on the skill-pool surface.
 */
import { artifactNamePattern, flattenArtifactName, maxArtifactNameLength } from './names.js';

export const skillPoolKinds = ['skill', 'agent', 'command'] as const;
export type SkillPoolKind = (typeof skillPoolKinds)[number];

export function isSkillPoolKind(value: string): value is SkillPoolKind {
  return (skillPoolKinds as readonly string[]).includes(value);
}

const unscopedSlug = /^[a-z0-9-]+$/;
const flattenedSlug = /^([a-z0-9-]+)__([a-z0-9-]+)$/;

/** The Agentry artifact name a skill-pool slug stands for, or undefined when no artifact can have it. */
export function packageNameOfSlug(slug: string): string | undefined {
  let name: string | undefined;
  if (unscopedSlug.test(slug)) name = slug;
  else if (slug.startsWith('@')) name = slug;
  else {
    const match = flattenedSlug.exec(slug);
    if (match) name = `@${match[1]}/${match[2]}`;
  }
  if (!name || name.length > maxArtifactNameLength || !artifactNamePattern.test(name)) return undefined;
  return name;
}

/** The slug skill-pool clients see for an Agentry artifact name. */
export function slugOfPackageName(name: string): string {
  return flattenArtifactName(name);
}

/** A catalog row as skill-pool documents it (`GET /v1/skills`, `GET /v1/skills/{slug}`, publish). */
export interface SkillPoolSkill {
  slug: string;
  version: string;
  description: string;
  when_to_use?: string;
  tags: string[];
  status: 'published' | 'archived';
  created_at: string;
  /** Only on semantic searches, in [0, 1]. */
  similarity?: number;
  /** Beyond the reference's real server, as the seed document promises (clients ignore extra keys). */
  kind: SkillPoolKind;
  /** The Agentry name, so other surfaces can be asked about the same artifact. */
  name: string;
}

export interface SkillPoolVersion {
  version: string;
  published_at: string;
  published_by?: string;
  change_summary: string;
  status: 'published' | 'yanked' | 'archived';
}

export interface SkillPoolDependency {
  slug: string;
  version_range: string;
  depth: number;
}
