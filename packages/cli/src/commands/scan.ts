/**
 * `agentry scan [dir|tarball]`: the registry's own scanner, run locally with no server. A folder is
 * packed exactly as publish packs it, so a local scan and the scan at publish agree.
 */
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type ArtifactKind,
  artifactKinds,
  type Permissions,
  permissionsSchema,
  type ScanReport,
  type Verdict,
} from '@agentry/core';
import { ingestRules, readArchive, rules, scanArchive } from '@agentry/core/scanner';
import { CliError } from '../cli-error.js';
import { packDirectory } from '../pack.js';
import { readPublishManifest } from './publish.js';

export interface ScanCommandOptions {
  kind?: string;
  failOn: 'fail' | 'flagged' | 'notes' | 'none';
}

export interface ScanCommandResult {
  target: string;
  kind: ArtifactKind;
  report: ScanReport;
  /** The verdict reached the --fail-on threshold. */
  failed: boolean;
}

const verdictRank: Record<Verdict, number> = { PASS: 0, PASS_WITH_NOTES: 1, FLAGGED: 2, FAIL: 3 };
const thresholdRank = { notes: 1, flagged: 2, fail: 3, none: 99 } as const;

/**
 * What publish would send beside the archive (kind, description, permissions), read by publish's own
 * manifest reader: the score counts a description and declared permissions, so reading less here would
 * score a folder lower locally than the registry scores it.
 */
function readScanManifest(dir: string): { kind?: unknown; description?: unknown; permissions?: unknown } {
  try {
    return readPublishManifest(dir).manifest;
  } catch (error) {
    if (error instanceof CliError && error.code === 'no_manifest') return {};
    throw error;
  }
}

const manifestFiles = ['tank.json', 'skills.json', 'aitk-artifact.json', 'SKILL.md'];

/** The same, for a packed archive: its root manifest files laid out in a temporary folder and read alike. */
function readArchiveManifest(bytes: Uint8Array): ReturnType<typeof readScanManifest> {
  const { files } = readArchive(bytes);
  const dir = mkdtempSync(join(tmpdir(), 'agentry-scan-'));
  try {
    for (const name of manifestFiles) {
      const entry = files.get(name);
      if (entry) writeFileSync(join(dir, name), entry.content);
    }
    return readScanManifest(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function runScan(target: string, options: ScanCommandOptions): Promise<ScanCommandResult> {
  const info = statSync(target);
  const bytes = info.isDirectory() ? await packDirectory(target) : readFileSync(target);
  const manifest = info.isDirectory() ? readScanManifest(target) : readArchiveManifest(bytes);
  const kind = options.kind ?? (typeof manifest.kind === 'string' ? manifest.kind : 'skill');
  if (!(artifactKinds as readonly string[]).includes(kind))
    throw new Error(`--kind must be one of ${artifactKinds.join(', ')}`);
  let permissions: Permissions | undefined;
  if (manifest.permissions !== undefined) {
    const parsed = permissionsSchema.safeParse(manifest.permissions);
    if (!parsed.success) throw new Error('the manifest has invalid permissions');
    permissions = parsed.data;
  }
  const { report } = scanArchive(bytes, {
    kind: kind as ArtifactKind,
    ...(permissions ? { permissions } : {}),
    ...(typeof manifest.description === 'string' ? { description: manifest.description } : {}),
  });
  return {
    target,
    kind: kind as ArtifactKind,
    report,
    failed: verdictRank[report.verdict] >= thresholdRank[options.failOn],
  };
}

const colours = {
  critical: '\x1b[31;1m',
  high: '\x1b[31m',
  medium: '\x1b[33m',
  low: '\x1b[36m',
  info: '\x1b[2m',
} as const;

export function formatScan(result: ScanCommandResult, colour: boolean): string {
  const paint = (severity: keyof typeof colours, text: string) =>
    colour ? `${colours[severity]}${text}\x1b[0m` : text;
  const byFile = new Map<string, ScanReport['findings']>();
  for (const finding of result.report.findings) {
    const key = finding.file ?? '(archive)';
    byFile.set(key, [...(byFile.get(key) ?? []), finding]);
  }
  const lines: string[] = [];
  for (const [file, findings] of [...byFile].sort(([a], [b]) => (a < b ? -1 : 1))) {
    lines.push(file);
    for (const f of findings) {
      const where = f.line === undefined ? '' : `:${f.line}`;
      lines.push(`  ${paint(f.severity, f.severity.padEnd(8))} ${f.rule}${where}  ${f.message}`);
    }
  }
  const s = result.report.summary;
  lines.push(
    '',
    `${result.target}: ${result.report.verdict} (audit score ${result.report.auditScore}/10) — ` +
      `${s.critical} critical, ${s.high} high, ${s.medium} medium, ${s.low} low; ${result.report.files.length} files`,
  );
  return lines.join('\n');
}

const sarifLevel = {
  critical: 'error',
  high: 'error',
  medium: 'warning',
  low: 'note',
  info: 'note',
} as const;

/** SARIF 2.1.0 for code-scanning dashboards: one run, every rule described, one result per finding. */
export function toSarif(result: ScanCommandResult, toolVersion: string) {
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'agentry-scan',
            version: toolVersion,
            rules: [...ingestRules, ...rules].map((rule) => ({
              id: rule.id,
              shortDescription: { text: rule.title },
              defaultConfiguration: { level: sarifLevel[rule.severity] },
              properties: { stage: rule.stage, severity: rule.severity },
            })),
          },
        },
        results: result.report.findings.map((f) => ({
          ruleId: f.rule,
          level: sarifLevel[f.severity],
          message: { text: f.message },
          properties: { severity: f.severity, stage: f.stage },
          ...(f.file
            ? {
                locations: [
                  {
                    physicalLocation: {
                      artifactLocation: { uri: f.file },
                      ...(f.line ? { region: { startLine: f.line } } : {}),
                    },
                  },
                ],
              }
            : {}),
        })),
        properties: { verdict: result.report.verdict, auditScore: result.report.auditScore },
      },
    ],
  };
}
