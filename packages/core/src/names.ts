/** Artifact names as Tank documents them: `name` or `@org/name`, lower-case letters, digits, hyphens. */
export const artifactNamePattern = /^(@[a-z0-9-]+\/)?[a-z0-9-]+$/;
export const maxArtifactNameLength = 214;

export interface ArtifactName {
  /** The org slug of a scoped name, without `@`. */
  scope: string | null;
  /** The part after the scope. */
  bare: string;
  full: string;
}

export function parseArtifactName(full: string): ArtifactName | undefined {
  if (full.length > maxArtifactNameLength || !artifactNamePattern.test(full)) return undefined;
  if (!full.startsWith('@')) return { scope: null, bare: full, full };
  const slash = full.indexOf('/');
  return { scope: full.slice(1, slash), bare: full.slice(slash + 1), full };
}

/** A file-system friendly form of a name: `@org/name` → `org__name`. */
export function flattenArtifactName(full: string): string {
  return full.replace(/^@/, '').replace('/', '__');
}

export const artifactKinds = [
  'skill',
  'agent',
  'command',
  'prompt',
  'instruction',
  'hook',
  'mcp',
  'template',
  'config',
  'pack',
] as const;
export type ArtifactKind = (typeof artifactKinds)[number];
