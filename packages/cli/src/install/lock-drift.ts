/** How agentry.json, agentry.lock and the registry agree: what `install --frozen` checks, and what a removal keeps. */
import type { Lockfile, ProjectManifest } from '@agentry/core';
import semver from 'semver';
import type { ResolvedArtifact } from './resolve.js';

/** Every difference between manifest, lockfile and what the registry now serves; empty when in sync. */
export function frozenDrift(
  manifest: ProjectManifest,
  lock: Lockfile | undefined,
  resolved?: Map<string, ResolvedArtifact>,
): string[] {
  if (!lock) return ['agentry.lock does not exist'];
  const drift: string[] = [];
  const reach = new Set<string>();
  const queue = Object.keys(manifest.dependencies);
  for (const [name, range] of Object.entries(manifest.dependencies)) {
    const entry = lock.artifacts[name];
    if (!entry) drift.push(`${name} is in agentry.json but not in agentry.lock`);
    else if (!semverSatisfies(entry.version, range))
      drift.push(`${name}@${entry.version} in agentry.lock does not satisfy ${range} in agentry.json`);
  }
  while (queue.length > 0) {
    const name = queue.shift() as string;
    if (reach.has(name)) continue;
    reach.add(name);
    const entry = lock.artifacts[name];
    if (!entry) continue;
    for (const [dep, range] of Object.entries(entry.dependencies)) {
      const locked = lock.artifacts[dep];
      if (!locked) drift.push(`${name} needs ${dep}, which agentry.lock lacks`);
      else if (!semverSatisfies(locked.version, range))
        drift.push(`${name} needs ${dep}@${range}; agentry.lock has ${locked.version}`);
      queue.push(dep);
    }
  }
  for (const name of Object.keys(lock.artifacts))
    if (!reach.has(name)) drift.push(`${name} is in agentry.lock but nothing needs it`);
  if (resolved) {
    for (const [name, artifact] of resolved) {
      const entry = lock.artifacts[name];
      if (entry && entry.version !== artifact.version)
        drift.push(`${name} resolves to ${artifact.version}, agentry.lock has ${entry.version}`);
      else if (
        entry &&
        JSON.stringify(Object.entries(entry.dependencies).sort()) !==
          JSON.stringify(Object.entries(artifact.dependencies).sort())
      ) {
        drift.push(
          `${name}@${entry.version} depends on other artifacts on the registry than agentry.lock says`,
        );
      }
    }
  }
  return drift;
}

function semverSatisfies(version: string, range: string): boolean {
  return semver.satisfies(version, range);
}

/** Names reachable from `roots` over the lockfile's dependencies. */
export function lockClosure(lock: Lockfile, roots: string[]): Set<string> {
  const reach = new Set<string>();
  const queue = [...roots];
  while (queue.length > 0) {
    const name = queue.shift() as string;
    if (reach.has(name) || !lock.artifacts[name]) continue;
    reach.add(name);
    queue.push(...Object.keys(lock.artifacts[name]?.dependencies ?? {}));
  }
  return reach;
}
