/** The project's policies on what may be installed: never FAIL, within the permission budget, and the minimum verdict. */
import { describePermissions, exceedsBudget, type ProjectManifest, verdictRank } from '@agentry/core';
import { CliError } from '../cli-error.js';
import { clean } from '../format.js';
import type { ArtifactMetadata } from './resolve.js';

/**
 * What a person needs to decide on an artifact below the project's minimum: each finding (rule,
 * file:line, message) and the declared permissions, as `agentry info` shows them.
 */
export function trustSummary(detail: ArtifactMetadata['detail']): string {
  const findings = (detail.findings ?? []).filter((f) => f.severity !== 'info');
  const lines = [
    `  findings (${findings.length}):`,
    ...findings.map(
      (f) =>
        `    ${f.severity.toUpperCase()} ${f.rule}${f.file ? ` ${clean(f.file)}${f.line ? `:${f.line}` : ''}` : ''} — ${clean(f.message)}`,
    ),
    '  permissions:',
  ];
  const permissions = describePermissions(detail.permissions);
  lines.push(
    ...(permissions.length > 0 ? permissions.map((line) => `    ${clean(line)}`) : ['    none declared']),
  );
  return lines.join('\n');
}

export interface PolicyOptions {
  yes: boolean;
  /** Asks the user; absent when there is no terminal to ask on. */
  confirm?: ((question: string) => Promise<boolean>) | undefined;
}

/** Refuses FAIL and over-budget artifacts; asks before anything worse than the project's minimum verdict. */
export async function enforcePolicies(
  artifacts: readonly ArtifactMetadata[],
  manifest: ProjectManifest,
  options: PolicyOptions,
): Promise<string[]> {
  const accepted: string[] = [];
  const minimum = manifest.minVerdict ?? 'PASS_WITH_NOTES';
  for (const artifact of artifacts) {
    const label = `${artifact.name}@${artifact.version}`;
    const verdict = artifact.detail.verdict;
    if (verdict === 'FAIL') {
      throw new CliError(
        'policy_refused',
        `${label} failed the registry's security scan (verdict FAIL)`,
        `agentry info ${label} shows the findings`,
        {
          name: artifact.name,
          verdict,
        },
      );
    }
    const over = exceedsBudget(artifact.detail.permissions ?? {}, manifest.permissions);
    if (over.length > 0) {
      throw new CliError(
        'policy_refused',
        `${label} declares permissions beyond the project budget in agentry.json: ${over.join('; ')}`,
        'widen "permissions" in agentry.json if you trust it',
        { name: artifact.name, exceeds: over },
      );
    }
    if (verdictRank(verdict) > verdictRank(minimum)) {
      const why = `${label} has verdict ${verdict ?? 'unknown'} (audit score ${artifact.detail.auditScore ?? '?'}), worse than the project minimum ${minimum}`;
      if (options.yes) {
        accepted.push(`${why}; accepted with --yes`);
        continue;
      }
      if (!options.confirm) {
        throw new CliError(
          'policy_refused',
          why,
          `review it with agentry info ${label}, then pass --yes to accept it`,
          { name: artifact.name, verdict },
        );
      }
      if (!(await options.confirm(`${why}.\n${trustSummary(artifact.detail)}\nInstall it anyway?`))) {
        throw new CliError('policy_refused', `${label} was not accepted`, undefined, {
          name: artifact.name,
          verdict,
        });
      }
      accepted.push(`${why}; accepted`);
    }
  }
  return accepted;
}
