/**
 * The project manifest `agentry.json` (what a project wants: dependencies with ranges, tools, a
 * permission budget, a minimum verdict) and the lockfile `agentry.lock` (what it got: exact versions,
 * resolved URLs, integrity, dependencies, verdicts, permissions, file hashes). The lockfile is
 * written with sorted keys and a trailing newline so the same resolution always gives the same bytes.
 */
import semver from 'semver';
import { z } from 'zod';
import { artifactKinds, artifactNamePattern } from '../names.js';
import { permissionsSchema } from '../permissions.js';
import type { Verdict } from '../scanner/types.js';
import { toolIds } from './install-targets.js';

/** Best first. */
export const verdictOrder: readonly Verdict[] = ['PASS', 'PASS_WITH_NOTES', 'FLAGGED', 'FAIL'];

const range = z.string().refine((value) => semver.validRange(value) !== null, 'Invalid semver range.');

export const projectManifestSchema = z.looseObject({
  /** The registry for this project (after --registry and AGENTRY_REGISTRY, before the user's default). */
  registry: z.url({ protocol: /^https?$/ }).optional(),
  dependencies: z.record(z.string().regex(artifactNamePattern), range).default({}),
  /** Tools to install into; when absent the installer detects the tools in use. */
  targets: z.array(z.enum(toolIds)).optional(),
  /** The most any artifact may declare; absent means no limit beyond the verdict policy. */
  permissions: permissionsSchema.optional(),
  /** The worst verdict accepted without asking: PASS, PASS_WITH_NOTES or FLAGGED. FAIL is never accepted. */
  minVerdict: z.enum(['PASS', 'PASS_WITH_NOTES', 'FLAGGED']).optional(),
});
export type ProjectManifest = z.infer<typeof projectManifestSchema>;

export const lockEntrySchema = z.object({
  name: z.string(),
  version: z.string(),
  kind: z.enum(artifactKinds),
  resolved: z.string(),
  integrity: z.string(),
  dependencies: z.record(z.string(), z.string()),
  verdict: z.string().nullable(),
  auditScore: z.number().nullable(),
  permissions: z.record(z.string(), z.unknown()),
  /** SHA-256 (hex) of every file in the archive, by path. */
  files: z.record(z.string(), z.string()),
});
export type LockEntry = z.infer<typeof lockEntrySchema>;

export const lockfileSchema = z.object({
  lockfileVersion: z.literal(1),
  registry: z.string(),
  /** Keyed by artifact name: one version per name, as each tool has one folder per name. */
  artifacts: z.record(z.string(), lockEntrySchema),
});
export type Lockfile = z.infer<typeof lockfileSchema>;

function sortDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortDeep);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value as Record<string, unknown>)
        .sort()
        .map((key) => [key, sortDeep((value as Record<string, unknown>)[key])]),
    );
  }
  return value;
}

export function serializeLockfile(lock: Lockfile): string {
  return `${JSON.stringify(sortDeep(lock), null, 2)}\n`;
}

export function serializeProjectManifest(manifest: ProjectManifest): string {
  const { dependencies, ...rest } = manifest;
  return `${JSON.stringify({ ...rest, dependencies: sortDeep(dependencies) }, null, 2)}\n`;
}

/** Lower is better; unknown or missing verdicts rank as FLAGGED so they are asked about, not trusted. */
export function verdictRank(verdict: string | null | undefined): number {
  const index = verdictOrder.indexOf((verdict ?? '') as Verdict);
  return index < 0 ? 2 : index;
}

function hostAllowed(host: string, budget: string[]): boolean {
  return budget.some((allowed) => {
    if (allowed === '*' || allowed === host) return true;
    if (allowed.startsWith('*.')) {
      const suffix = allowed.slice(1);
      return host.endsWith(suffix) || (host.startsWith('*.') && host.slice(1).endsWith(suffix));
    }
    return false;
  });
}

function pathAllowed(path: string, budget: string[]): boolean {
  return budget.some((allowed) => {
    if (allowed === path || allowed === '**' || allowed === '*' || allowed === './**') return true;
    if (allowed.endsWith('/**')) {
      const prefix = allowed.slice(0, -2);
      return path.startsWith(prefix);
    }
    return false;
  });
}

/** Each declared permission the budget does not cover, as a readable line (empty: within budget). */
export function exceedsBudget(
  declared: Record<string, unknown>,
  budget: ProjectManifest['permissions'],
): string[] {
  if (!budget) return [];
  const parsed = permissionsSchema.safeParse(declared);
  if (!parsed.success) return ['declared permissions are malformed'];
  const d = parsed.data;
  const out: string[] = [];
  for (const host of d.network?.outbound ?? []) {
    if (!hostAllowed(host, budget.network?.outbound ?? [])) out.push(`network.outbound ${host}`);
  }
  for (const mode of ['read', 'write'] as const) {
    for (const path of d.filesystem?.[mode] ?? []) {
      if (!pathAllowed(path, budget.filesystem?.[mode] ?? [])) out.push(`filesystem.${mode} ${path}`);
    }
  }
  if (d.subprocess === true && budget.subprocess !== true) out.push('subprocess');
  return out;
}
