/**
 * Every dependency an artifact declares, for the stage-5 rules: package.json (npm-manifests.ts),
 * requirements*.txt and pyproject.toml (python-manifests.ts). Parsing is deliberately forgiving: a file
 * that cannot be read yields no dependencies, never an exception. Results are memoised in the scan
 * context's cache because four rules read them.
 */
import type { ScanContext } from '../../rule.js';
import { basename, type Dependency, dirname, isVendored, memo } from './dependency.js';
import { npmDependencies, packageJsons } from './npm-manifests.js';
import { pyprojectDependencies, requirementsDependencies } from './python-manifests.js';

/** Every declared dependency of the artifact, from all the manifests it ships (not node_modules). */
export function dependenciesOf(ctx: ScanContext): Dependency[] {
  return memo(ctx, 'supply_chain:dependencies', () => {
    const found: Dependency[] = [];
    for (const manifest of packageJsons(ctx)) {
      if (!isVendored(manifest.file)) found.push(...npmDependencies(manifest));
    }
    for (const file of ctx.textFiles()) {
      if (isVendored(file)) continue;
      const name = basename(file).toLowerCase();
      const text = ctx.textOf(file);
      if (text === undefined) continue;
      try {
        if (/^requirements[\w.-]*\.txt$/.test(name)) found.push(...requirementsDependencies(file, text));
        else if (name === 'pyproject.toml') found.push(...pyprojectDependencies(file, text));
      } catch {
        // A manifest this reader cannot follow contributes nothing.
      }
    }
    return found;
  });
}

/** True when a lockfile sits beside this manifest (npm installs of the folder then use exact versions). */
export function hasLockfileBeside(ctx: ScanContext, file: string): boolean {
  const dir = dirname(file);
  return [
    'package-lock.json',
    'npm-shrinkwrap.json',
    'yarn.lock',
    'pnpm-lock.yaml',
    'bun.lockb',
    'bun.lock',
  ].some((lock) => ctx.files.has(`${dir}${lock}`));
}
