/**
 * `dynamic_install`: code or SKILL.md instructions that install a package at run time (see
 * install-commands.ts for what is recognised). Such a package is not declared, not pinned in a
 * lockfile and not scanned with the artifact: medium. High when the package comes from a URL, git, a
 * GitHub `user/repo` shorthand or a custom index/registry, since then not even the registry's own
 * checks apply.
 */
import type { Rule } from '../../rule.js';
import { installCommands } from './install-commands.js';

export const dynamicInstall: Rule = {
  id: 'dynamic_install',
  stage: 'supply_chain',
  severity: 'medium',
  title: 'A package is installed at run time',
  check: (ctx) =>
    installCommands(ctx).map((command) => ({
      message: command.remote
        ? `\`${command.tool}\` installs ${command.targets.join(', ')} at run time from outside the registry.`
        : `\`${command.tool}\` installs ${command.targets.join(', ')} at run time, undeclared and unscanned.`,
      file: command.file,
      line: command.line,
      evidence: command.evidence,
      ...(command.remote ? { severity: 'high' as const } : {}),
    })),
};
