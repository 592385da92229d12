/**
 * `verify`: re-hashes everything installed — copied folders against the lockfile's per-file SHA-256,
 * converted files and AGENTS.md blocks against what was written, config entries against their value —
 * and reports every difference. `audit`: the registry's current verdicts and findings for each
 * installed version, beside what the lockfile recorded.
 */
import { verdictRank } from '@agentry/core';
import { CliError } from '../cli-error.js';
import { clean, type Paint, verdictColour } from '../format.js';
import { checkItem, type DriftItem } from '../install/drift.js';
import { locateProject, readLockfile, readProjectManifest, readState } from '../install/project.js';
import type { Finding } from '../registry.js';
import type { CommandContext } from './context.js';

export interface VerifyResult {
  root: string;
  checked: number;
  files: number;
  drift: DriftItem[];
}

export function runVerify(ctx: CommandContext, options: { global?: boolean } = {}): VerifyResult {
  const paths = locateProject(options.global ? 'user' : 'project', ctx.cwd, ctx.home);
  const lock = readLockfile(paths);
  if (!lock)
    throw new CliError('no_manifest', `no agentry.lock in ${paths.root}`, 'run agentry install first');
  const state = readState(paths);
  const drift: DriftItem[] = [];
  let files = 0;
  for (const [name, installed] of Object.entries(state.artifacts)) {
    const entry = lock.artifacts[name];
    if (!entry) {
      drift.push({ artifact: name, path: paths.lockfile, problem: 'not_in_lockfile' });
      continue;
    }
    if (entry.version !== installed.version || entry.integrity !== installed.integrity) {
      drift.push({
        artifact: name,
        path: paths.lockfile,
        problem: 'version_mismatch',
        detail: `installed ${installed.version}, locked ${entry.version}`,
      });
    }
    for (const item of installed.placements) {
      files += item.type === 'dir' ? Object.keys(item.files).length : 1;
      drift.push(...checkItem(paths.base, name, item, entry.files));
    }
  }
  for (const name of Object.keys(lock.artifacts)) {
    if (!state.artifacts[name])
      drift.push({
        artifact: name,
        path: paths.root,
        problem: 'missing',
        detail: 'locked but not installed; run agentry install',
      });
  }
  return { root: paths.root, checked: Object.keys(state.artifacts).length, files, drift };
}

export function formatVerify(result: VerifyResult, paint: Paint): string {
  if (result.drift.length === 0)
    return paint('green', `${result.checked} artifacts, ${result.files} files: all match agentry.lock`);
  const lines = result.drift.map(
    (d) =>
      `${paint('red', d.problem.padEnd(15))} ${d.path}${d.detail ? ` (${d.detail})` : ''}  [${d.artifact}]`,
  );
  lines.push(
    '',
    `${result.drift.length} differences in ${result.checked} artifacts; agentry install --force puts back what the lockfile says`,
  );
  return lines.join('\n');
}

export interface AuditRow {
  name: string;
  version: string;
  lockedVerdict: string | null;
  verdict: string | null;
  auditScore: number | null;
  yanked: boolean;
  deprecated: string | null;
  findings: Finding[];
  changed: boolean;
}

export interface AuditResult {
  root: string;
  artifacts: AuditRow[];
  /** Installed versions that are FAIL, yanked, or worse than the project's minimum verdict. */
  problems: number;
}

export async function runAudit(
  ctx: CommandContext,
  options: { global?: boolean } = {},
): Promise<AuditResult> {
  const paths = locateProject(options.global ? 'user' : 'project', ctx.cwd, ctx.home);
  const lock = readLockfile(paths);
  if (!lock)
    throw new CliError('no_manifest', `no agentry.lock in ${paths.root}`, 'run agentry install first');
  const minimum = readProjectManifest(paths)?.minVerdict ?? 'PASS_WITH_NOTES';
  const rows: AuditRow[] = [];
  for (const entry of Object.values(lock.artifacts).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const detail = await ctx.registry.getVersion(entry.name, entry.version);
    rows.push({
      name: entry.name,
      version: entry.version,
      lockedVerdict: entry.verdict,
      verdict: detail.verdict,
      auditScore: detail.auditScore,
      yanked: detail.yanked,
      deprecated: detail.deprecated,
      findings: detail.findings,
      changed: detail.verdict !== entry.verdict,
    });
  }
  const problems = rows.filter((row) => row.yanked || verdictRank(row.verdict) > verdictRank(minimum)).length;
  return { root: paths.root, artifacts: rows, problems };
}

export function formatAudit(result: AuditResult, paint: Paint): string {
  const lines: string[] = [];
  for (const row of result.artifacts) {
    const was = row.changed ? paint('yellow', ` (was ${row.lockedVerdict ?? '-'})`) : '';
    const flags = [
      row.yanked ? paint('red', 'yanked') : '',
      row.deprecated ? paint('yellow', `deprecated: ${clean(row.deprecated)}`) : '',
    ]
      .filter(Boolean)
      .join(' ');
    lines.push(
      `${paint('bold', row.name)}@${row.version} ${verdictColour(paint, row.verdict)}${was} score ${row.auditScore ?? '?'}/10 ${flags}`.trimEnd(),
    );
    for (const f of row.findings)
      lines.push(
        `    ${f.severity.padEnd(8)} ${f.rule}  ${clean(f.file ?? '')}${f.line ? `:${f.line}` : ''}  ${clean(f.message)}`,
      );
  }
  lines.push(
    '',
    result.problems === 0
      ? `${result.artifacts.length} artifacts audited: no problems`
      : `${result.problems} of ${result.artifacts.length} artifacts need attention`,
  );
  return lines.join('\n');
}
