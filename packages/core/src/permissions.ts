/**
 * Declared permissions (Tank's budget: network hosts, filesystem globs, subprocess) and the rule that a
 * version may not quietly widen them: new permissions need at least a MINOR bump, and new network hosts
 * or subprocess use need a MAJOR bump.
 */
import semver from 'semver';
import { z } from 'zod';

const hostGlob = z
  .string()
  .max(253)
  .regex(
    /^(\*|(\*\.)?[a-z0-9-]+(\.[a-z0-9-]+)*(:\d{1,5})?)$/i,
    'Expected a host such as api.example.com or *.example.com.',
  );
const pathGlob = z
  .string()
  .min(1)
  .max(500)
  .refine((value) => !value.includes('\0'), 'Paths cannot contain NUL.');

export const permissionsSchema = z
  .object({
    network: z
      .object({ outbound: z.array(hostGlob).max(100).default([]) })
      .strict()
      .optional(),
    filesystem: z
      .object({ read: z.array(pathGlob).max(100).optional(), write: z.array(pathGlob).max(100).optional() })
      .strict()
      .optional(),
    subprocess: z.boolean().optional(),
  })
  .strict();
export type Permissions = z.infer<typeof permissionsSchema>;

export interface PermissionChange {
  kind: 'network' | 'filesystem.read' | 'filesystem.write' | 'subprocess';
  value: string;
}

/** Everything `next` grants that `previous` did not. */
export function diffPermissions(previous: Permissions, next: Permissions): PermissionChange[] {
  const added: PermissionChange[] = [];
  const newOf = (before: string[] | undefined, after: string[] | undefined) =>
    (after ?? []).filter((item) => !(before ?? []).includes(item));
  for (const host of newOf(previous.network?.outbound, next.network?.outbound))
    added.push({ kind: 'network', value: host });
  for (const path of newOf(previous.filesystem?.read, next.filesystem?.read))
    added.push({ kind: 'filesystem.read', value: path });
  for (const path of newOf(previous.filesystem?.write, next.filesystem?.write)) {
    added.push({ kind: 'filesystem.write', value: path });
  }
  if (next.subprocess === true && previous.subprocess !== true)
    added.push({ kind: 'subprocess', value: 'true' });
  return added;
}

export interface Escalation {
  bump: 'patch' | 'minor' | 'prerelease';
  /** The smallest release type that would allow these changes. */
  required: 'minor' | 'major';
  added: PermissionChange[];
}

/**
 * Undefined when `nextVersion` may declare `next` after `previousVersion` declared `previous`. A bump
 * that is not major (or a pre-release of the same version) may not add network or subprocess; a patch
 * may add nothing at all.
 */
export function findPermissionEscalation(
  previousVersion: string,
  previous: Permissions,
  nextVersion: string,
  next: Permissions,
): Escalation | undefined {
  const added = diffPermissions(previous, next);
  if (added.length === 0) return undefined;
  const prev = semver.parse(previousVersion);
  const curr = semver.parse(nextVersion);
  if (!prev || !curr) return undefined;
  const dangerous = added.some((change) => change.kind === 'network' || change.kind === 'subprocess');
  let bump: Escalation['bump'];
  if (curr.major !== prev.major) return undefined;
  if (curr.minor !== prev.minor) bump = 'minor';
  else if (curr.patch !== prev.patch) bump = 'patch';
  else bump = 'prerelease';
  if (bump === 'minor' && !dangerous) return undefined;
  return { bump, required: dangerous ? 'major' : 'minor', added };
}

/**
 * Declared permissions as lines a person reads before installing: network hosts, paths read and
 * written, subprocess. Anything that is not the documented shape is shown as it is, not hidden.
 */
export function describePermissions(raw: unknown): string[] {
  const parsed = permissionsSchema.safeParse(raw ?? {});
  if (!parsed.success) return [`undocumented permissions: ${JSON.stringify(raw)}`];
  const p = parsed.data;
  const lines: string[] = [];
  const hosts = p.network?.outbound ?? [];
  if (hosts.length > 0) lines.push(`network: connects to ${hosts.join(', ')}`);
  if (p.filesystem?.read?.length) lines.push(`files: reads ${p.filesystem.read.join(', ')}`);
  if (p.filesystem?.write?.length) lines.push(`files: writes ${p.filesystem.write.join(', ')}`);
  if (p.subprocess) lines.push('subprocess: runs other programs');
  return lines;
}
