/**
 * `install_script`: package.json lifecycle scripts that npm runs on install. preinstall, install and
 * postinstall run on every consumer's `npm install` (high). prepare (and its pre/post hooks) runs on
 * `npm install` inside the artifact's own folder and when installed from git or a local path, not
 * from a registry tarball; it is usually a build step such as `tsc`, so it still fires (it does
 * execute code on install) but at medium, whatever the command. A binding.gyp beside a package.json
 * without an install script makes npm run `node-gyp rebuild` implicitly, which is reported as high.
 * Shipped node_modules are skipped: npm does not run their scripts for the artifact.
 */
import type { Hit, Rule } from '../../rule.js';
import { isVendored } from './dependency.js';
import { lineInSection, packageJsons } from './npm-manifests.js';

const onEveryInstall = ['preinstall', 'install', 'postinstall'];
const onLocalInstall = ['preprepare', 'prepare', 'postprepare'];

export const installScript: Rule = {
  id: 'install_script',
  stage: 'supply_chain',
  severity: 'high',
  title: 'package.json runs scripts on install',
  check: (ctx) => {
    const hits: Hit[] = [];
    for (const manifest of packageJsons(ctx)) {
      if (isVendored(manifest.file)) continue;
      const scripts = manifest.json.scripts;
      const record =
        typeof scripts === 'object' && scripts !== null && !Array.isArray(scripts)
          ? (scripts as Record<string, unknown>)
          : {};
      for (const name of [...onEveryInstall, ...onLocalInstall]) {
        const command = record[name];
        if (typeof command !== 'string') continue;
        const everyInstall = onEveryInstall.includes(name);
        hits.push({
          message: everyInstall
            ? `The "${name}" script runs on every npm install of this package: ${command.slice(0, 120)}`
            : `The "${name}" script runs on npm install from git or a local folder: ${command.slice(0, 120)}`,
          file: manifest.file,
          line: lineInSection(manifest, 'scripts', name),
          evidence: `"${name}": "${command.slice(0, 120)}"`,
          ...(everyInstall ? {} : { severity: 'medium' as const }),
        });
      }
      const dir = manifest.file.slice(0, manifest.file.lastIndexOf('/') + 1);
      if (
        ctx.files.has(`${dir}binding.gyp`) &&
        typeof record.install !== 'string' &&
        typeof record.preinstall !== 'string'
      ) {
        hits.push({
          message:
            'binding.gyp beside package.json makes npm run `node-gyp rebuild` (native code) on install.',
          file: `${dir}binding.gyp`,
          line: 1,
        });
      }
    }
    return hits;
  },
};
