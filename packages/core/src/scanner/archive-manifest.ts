/**
 * What a scan takes from the manifest packed inside an archive: kind, description and declared
 * permissions, read in the order `agentry publish` reads a folder (tank.json, skills.json,
 * aitk-artifact.json, SKILL.md frontmatter). A tarball scanned without a separate manifest then gets
 * the verdict and score its publish gets, wherever it is scanned.
 */
import { parseFrontmatter } from '../install/frontmatter.js';
import { type ArtifactKind, artifactKinds } from '../names.js';
import { type Permissions, permissionsSchema } from '../permissions.js';
import type { ArchiveEntry } from './archive.js';

export interface ArchiveManifest {
  kind?: ArtifactKind;
  description?: string;
  /** Undefined when nothing (or nothing valid) is declared: the score counts declared permissions. */
  permissions?: Permissions;
}

function parseJson(entry: ArchiveEntry): Record<string, unknown> | undefined {
  try {
    const value = JSON.parse(entry.content.toString('utf8')) as unknown;
    return value && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

function shape(kind: unknown, description: unknown, permissions: unknown): ArchiveManifest {
  const parsed = permissions === undefined ? undefined : permissionsSchema.safeParse(permissions);
  return {
    ...(typeof kind === 'string' && (artifactKinds as readonly string[]).includes(kind)
      ? { kind: kind as ArtifactKind }
      : {}),
    ...(typeof description === 'string' ? { description } : {}),
    ...(parsed?.success ? { permissions: parsed.data } : {}),
  };
}

export function readArchiveManifest(files: ReadonlyMap<string, ArchiveEntry>): ArchiveManifest {
  for (const name of ['tank.json', 'skills.json']) {
    const entry = files.get(name);
    const json = entry && parseJson(entry);
    if (json) return shape(json.kind, json.description, json.permissions);
  }
  const aitk = files.get('aitk-artifact.json');
  const aitkJson = aitk && parseJson(aitk);
  // As publish does: an AI Toolkit manifest or a bare SKILL.md declares "no permissions" when silent.
  if (aitkJson) return shape(aitkJson.type ?? 'skill', aitkJson.description, aitkJson.permissions ?? {});
  const skill = files.get('SKILL.md');
  if (skill) {
    const { data } = parseFrontmatter(skill.content.toString('utf8'));
    return shape('skill', data.description, data.permissions ?? {});
  }
  return {};
}
