/**
 * `known_malicious`: a dependency, locked package, shipped package or run-time install that is on the
 * shipped list of known-malicious packages (data/known-malicious.ts) or on the operator's own list
 * (`ScanOptions.knownMalicious`, the context's `knownMalicious`). Entries are `npm:name` or
 * `pypi:name` (every version) or `…@version` (a hijacked release): a versioned entry matches an exact
 * pin, a lockfile entry or a shipped package.json, never a range (registries pull hijacked releases,
 * so a range no longer resolves to them). PyPI names compare after PEP 503 normalisation, npm names
 * case-insensitively.
 */
import { knownMaliciousPackages } from '../../data/known-malicious.js';
import type { Hit, Rule, ScanContext } from '../../rule.js';
import { type Ecosystem, isVendored, normalisePypiName } from './dependency.js';
import { installCommands } from './install-commands.js';
import { dependenciesOf } from './manifests.js';
import { lineInSection, lockedLine, lockedPackages, packageJsons } from './npm-manifests.js';

/** `ecosystem:name` → the malicious versions, or `'all'`. */
export type MaliciousIndex = Map<string, Set<string> | 'all'>;

export function packageKey(ecosystem: Ecosystem, name: string): string {
  return `${ecosystem}:${ecosystem === 'pypi' ? normalisePypiName(name) : name.trim().toLowerCase()}`;
}

function addEntries(index: MaliciousIndex, entries: Iterable<string>) {
  for (const raw of entries) {
    const match = /^(npm|pypi):\s*((?:@[^/@\s]+\/)?[^@\s]+)(?:@(\S+))?$/i.exec(raw.trim());
    if (!match?.[1] || !match[2]) continue;
    const key = packageKey(match[1].toLowerCase() as Ecosystem, match[2]);
    const version = match[3];
    const existing = index.get(key);
    if (version === undefined) index.set(key, 'all');
    else if (existing === undefined) index.set(key, new Set([version]));
    else if (existing !== 'all') existing.add(version);
  }
}

const shippedIndex: MaliciousIndex = new Map();
addEntries(shippedIndex, knownMaliciousPackages);

/** The shipped list merged with the operator's entries, once per scan. */
export function maliciousIndex(ctx: ScanContext): MaliciousIndex {
  if (ctx.knownMalicious.size === 0) return shippedIndex;
  const key = 'supply_chain:malicious_index';
  const cached = ctx.cache.get(key) as MaliciousIndex | undefined;
  if (cached) return cached;
  const index: MaliciousIndex = new Map([...shippedIndex].map(([k, v]) => [k, v === 'all' ? v : new Set(v)]));
  addEntries(index, ctx.knownMalicious);
  ctx.cache.set(key, index);
  return index;
}

/** Whether a package (optionally at an exact version) is listed; versioned entries need a version. */
export function isMalicious(
  index: MaliciousIndex,
  ecosystem: Ecosystem,
  name: string,
  version?: string,
): boolean {
  const entry = index.get(packageKey(ecosystem, name));
  if (entry === undefined) return false;
  if (entry === 'all') return true;
  return version !== undefined && entry.has(version.replace(/^[=v]+/, ''));
}

const label = (ecosystem: Ecosystem) => (ecosystem === 'npm' ? 'npm' : 'PyPI');

export const knownMalicious: Rule = {
  id: 'known_malicious',
  stage: 'supply_chain',
  severity: 'critical',
  title: 'A dependency is a known-malicious package',
  check: (ctx) => {
    const index = maliciousIndex(ctx);
    const hits: Hit[] = [];
    for (const dep of dependenciesOf(ctx)) {
      if (!isMalicious(index, dep.ecosystem, dep.name, dep.kind === 'exact' ? dep.version : undefined))
        continue;
      hits.push({
        message: `${label(dep.ecosystem)} dependency "${dep.name}"${dep.kind === 'exact' ? ` ${dep.version}` : ''} is a known-malicious package.`,
        file: dep.file,
        line: dep.line,
        evidence: dep.raw.slice(0, 160),
      });
    }
    for (const locked of lockedPackages(ctx)) {
      if (!isMalicious(index, 'npm', locked.name, locked.version)) continue;
      hits.push({
        message: `The lockfile pins "${locked.name}" ${locked.version}, a known-malicious package.`,
        file: locked.file,
        line: lockedLine(ctx, locked),
        evidence: `${locked.name}@${locked.version}`,
      });
    }
    for (const manifest of packageJsons(ctx)) {
      const { name, version } = manifest.json;
      if (typeof name !== 'string') continue;
      if (!isMalicious(index, 'npm', name, typeof version === 'string' ? version : undefined)) continue;
      hits.push({
        message: isVendored(manifest.file)
          ? `The artifact ships "${name}"${typeof version === 'string' ? ` ${version}` : ''}, a known-malicious package.`
          : `This package is named "${name}", a known-malicious package.`,
        file: manifest.file,
        line: lineInSection(manifest, 'name', 'name'),
        evidence: `${name}${typeof version === 'string' ? `@${version}` : ''}`,
      });
    }
    for (const command of installCommands(ctx)) {
      for (const name of command.names) {
        if (!isMalicious(index, command.ecosystem, name)) continue;
        hits.push({
          message: `\`${command.tool}\` installs "${name}", a known-malicious ${label(command.ecosystem)} package.`,
          file: command.file,
          line: command.line,
          evidence: command.evidence,
        });
      }
    }
    return hits;
  },
};
