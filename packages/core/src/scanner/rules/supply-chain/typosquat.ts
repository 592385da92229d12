/**
 * `typosquat`: a dependency (or a package installed at run time) whose name is one or two edits away
 * from a popular package (data/popular-*.ts) without being it: `lodahs`, `reqeusts`, `colourama`.
 * Names compare lower-cased with runs of `-`, `_` and `.` folded to one `-`; on npm, where those are
 * distinct names, a name that differs from a popular one only in such punctuation (`cross_env`) is a
 * squat too, while on PyPI it is the same project. Names under four characters are skipped, and when
 * either name has seven characters or fewer only one edit counts: short names sit two edits from many
 * real packages (`zustand-x`, `ejs-lint`), and most recorded typosquats are a single edit anyway. Scoped npm names only compare with popular names of a different scope (a scope's owner
 * controls every name in it). Known-malicious names are left to `known_malicious`.
 */
import { popularNpmPackages } from '../../data/popular-npm.js';
import { popularPypiPackages } from '../../data/popular-pypi.js';
import type { Hit, Rule } from '../../rule.js';
import { type Ecosystem, normalisePypiName } from './dependency.js';
import { installCommands } from './install-commands.js';
import { isMalicious, maliciousIndex } from './known-malicious.js';
import { editDistance } from './levenshtein.js';
import { dependenciesOf } from './manifests.js';

const fold = (name: string) =>
  name
    .trim()
    .toLowerCase()
    .replace(/[-_.]+/g, '-');
const scopeOf = (name: string) => (name.startsWith('@') ? name.slice(0, name.indexOf('/') + 1) : '');

interface Reference {
  /** Exact names of the ecosystem: lower-cased on npm, PEP 503 on PyPI. */
  exact: ReadonlySet<string>;
  /** Folded name → the popular name it came from. */
  folded: ReadonlyMap<string, string>;
  /** Folded names bucketed by length, for a quick length filter. */
  byLength: ReadonlyMap<number, string[]>;
}

function reference(names: readonly string[], ecosystem: Ecosystem): Reference {
  const folded = new Map<string, string>();
  const byLength = new Map<number, string[]>();
  for (const name of names) {
    const key = fold(name);
    if (folded.has(key)) continue;
    folded.set(key, name);
    const bucket = byLength.get(key.length) ?? [];
    bucket.push(key);
    byLength.set(key.length, bucket);
  }
  const exact = new Set(
    names.map((name) => (ecosystem === 'npm' ? name.toLowerCase() : normalisePypiName(name))),
  );
  return { exact, folded, byLength };
}

const references: Record<Ecosystem, Reference> = {
  npm: reference(popularNpmPackages, 'npm'),
  pypi: reference(popularPypiPackages, 'pypi'),
};

const maxEdits = (length: number) => (length <= 7 ? 1 : 2);

/** The popular package a name imitates and how far it is, or undefined. */
export function findTyposquat(
  ecosystem: Ecosystem,
  name: string,
): { target: string; distance: number } | undefined {
  const ref = references[ecosystem];
  const exact = ecosystem === 'npm' ? name.trim().toLowerCase() : normalisePypiName(name.trim());
  if (ref.exact.has(exact)) return undefined;
  const folded = fold(name);
  if (folded.replace(/^@[^/]*\//, '').length < 4) return undefined;
  const variant = ref.folded.get(folded);
  if (variant !== undefined) {
    // On PyPI a punctuation variant is the same project (PEP 503).
    return ecosystem === 'npm' ? { target: variant, distance: 0 } : undefined;
  }
  const scope = scopeOf(folded);
  let best: { target: string; distance: number } | undefined;
  const widest = maxEdits(folded.length);
  for (let length = folded.length - widest; length <= folded.length + widest; length++) {
    for (const candidate of ref.byLength.get(length) ?? []) {
      const candidateScope = scopeOf(candidate);
      if ((scope === '') !== (candidateScope === '') || (scope !== '' && scope === candidateScope)) continue;
      const allowed = maxEdits(Math.min(folded.length, candidate.length));
      const distance = editDistance(folded, candidate, allowed);
      if (distance >= 1 && distance <= allowed && (!best || distance < best.distance)) {
        best = { target: ref.folded.get(candidate) ?? candidate, distance };
      }
    }
  }
  return best;
}

function describe(name: string, ecosystem: Ecosystem, found: { target: string; distance: number }): string {
  const registry = ecosystem === 'npm' ? 'npm' : 'PyPI';
  const how =
    found.distance === 0
      ? 'differs only in punctuation or case from'
      : `is ${found.distance === 1 ? 'one edit' : 'two edits'} away from`;
  return `"${name}" ${how} the popular ${registry} package "${found.target}": a likely typosquat.`;
}

export const typosquat: Rule = {
  id: 'typosquat',
  stage: 'supply_chain',
  severity: 'high',
  title: 'A dependency name imitates a popular package',
  check: (ctx) => {
    const index = maliciousIndex(ctx);
    const hits: Hit[] = [];
    const seen = new Set<string>();
    const consider = (ecosystem: Ecosystem, name: string, file: string, line: number, evidence: string) => {
      const key = `${ecosystem}:${name}:${file}:${line}`;
      if (seen.has(key) || isMalicious(index, ecosystem, name)) return;
      seen.add(key);
      const found = findTyposquat(ecosystem, name);
      if (found) hits.push({ message: describe(name, ecosystem, found), file, line, evidence });
    };
    for (const dep of dependenciesOf(ctx)) {
      if (dep.kind === 'git' || dep.kind === 'url' || dep.kind === 'path' || dep.kind === 'workspace')
        continue;
      consider(dep.ecosystem, dep.name, dep.file, dep.line, dep.raw.slice(0, 160));
    }
    for (const command of installCommands(ctx)) {
      for (const name of command.names)
        consider(command.ecosystem, name, command.file, command.line, command.evidence);
    }
    return hits;
  },
};
