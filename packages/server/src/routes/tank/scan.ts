/**
 * `POST /api/v1/scan`: the six-stage scan of an uploaded tarball without publishing. No token needed;
 * anonymous callers get a stricter limit than the rest of the API. The tarball comes as the documented
 * multipart field `file`, or as `tarball` (Tank's real CLI, `tank scan`). Optional fields: `kind`, and
 * `manifest` (JSON of tank.json); without a manifest field the archive's own manifest is read, so a
 * tarball gets the verdict and score its publish gets. A `file` upload gets exactly the documented
 * report; a `tarball` upload gets it plus the snake_case fields Tank's CLI reads, lower-case verdicts
 * and no `info` findings (the CLI crashes on any severity outside critical/high/medium/low).
 */

import { join } from 'node:path';
import {
  AgentryError,
  type ArtifactKind,
  artifactKinds,
  type Finding,
  type Permissions,
  permissionsSchema,
  type ScanReport,
  stageNames,
} from '@agentry/core';
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppDeps } from '../../app-deps.js';
import type { AppEnv } from '../../http/context.js';
import { receiveMultipart, type UploadedForm } from '../../http/multipart-upload.js';
import { jsonContent, tankErrors } from './schemas.js';

const ScanResponse = z
  .object({
    verdict: z
      .enum(['PASS', 'PASS_WITH_NOTES', 'FLAGGED', 'FAIL', 'pass', 'pass_with_notes', 'flagged', 'fail'])
      .openapi({ description: 'Upper case; lower case for a `tarball` upload (Tank CLI)' }),
    auditScore: z.number().int(),
    summary: z.object({
      critical: z.number().int(),
      high: z.number().int(),
      medium: z.number().int(),
      low: z.number().int(),
    }),
    findings: z.array(
      z.object({
        stage: z.string(),
        severity: z.string(),
        rule: z.string(),
        message: z.string(),
        file: z.string().optional(),
        line: z.number().int().optional(),
        type: z.string().optional().openapi({ description: 'Tank CLI: the rule' }),
        description: z.string().optional().openapi({ description: 'Tank CLI: the message' }),
        location: z.string().nullable().optional().openapi({ description: 'Tank CLI: file:line' }),
        confidence: z.null().optional(),
        tool: z.string().optional(),
        evidence: z.string().nullable().optional(),
      }),
    ),
    stages: z.record(z.string(), z.enum(['ok', 'failed', 'error', 'skipped'])),
    audit_score: z.number().int().optional().openapi({ description: 'tarball uploads: as auditScore' }),
    duration_ms: z.number().int().optional(),
    scan_id: z.null().optional().openapi({ description: 'Scans are not stored, so there is no report page' }),
    stage_results: z
      .array(
        z.object({
          stage: z.string(),
          status: z.enum(['passed', 'failed', 'error', 'skipped']),
          findings: z.array(z.record(z.string(), z.unknown())),
          duration_ms: z.number().int().openapi({ description: 'Stages are not timed one by one: 0' }),
        }),
      )
      .optional(),
  })
  .openapi('ScanResponse');

const scan = createRoute({
  method: 'post',
  path: '/api/v1/scan',
  tags: ['scan'],
  summary: 'Scan a .tar.gz with the six-stage pipeline without publishing',
  request: {
    body: {
      required: true,
      content: {
        'multipart/form-data': {
          schema: z.object({
            file: z.any().openapi({ type: 'string', format: 'binary' }),
            tarball: z
              .any()
              .optional()
              .openapi({ type: 'string', format: 'binary', description: 'Instead of file (Tank CLI)' }),
            kind: z.enum(artifactKinds).optional(),
            manifest: z.string().optional().openapi({
              description:
                "JSON of the manifest (kind, description, permissions); without it, the archive's own tank.json, skills.json, aitk-artifact.json or SKILL.md",
            }),
          }),
        },
      },
    },
  },
  responses: { 200: jsonContent(ScanResponse, 'Scan report'), ...tankErrors(400, 413, 415, 422, 429, 503) },
});

/** Findings as Tank shows them: upper-case rule names, evidence left out of the public report. */
export function tankFinding(finding: Finding) {
  return {
    stage: finding.stage,
    severity: finding.severity,
    rule: finding.rule.toUpperCase(),
    message: finding.message,
    ...(finding.file === undefined ? {} : { file: finding.file }),
    ...(finding.line === undefined ? {} : { line: finding.line }),
  };
}

export function renderScanReport(report: ScanReport) {
  return {
    verdict: report.verdict,
    auditScore: report.auditScore,
    summary: report.summary,
    findings: report.findings.map(tankFinding),
    stages: report.stages,
  };
}

/** Tank CLI's reading of a finding, beside the documented keys. */
function clientFinding(finding: Finding) {
  return {
    ...tankFinding(finding),
    type: finding.rule.toUpperCase(),
    description: finding.message,
    location:
      finding.file === undefined
        ? null
        : `${finding.file}${finding.line === undefined ? '' : `:${finding.line}`}`,
    confidence: null,
    tool: 'agentry',
    evidence: finding.evidence ?? null,
  };
}

const stageStatus = { ok: 'passed', failed: 'failed', error: 'error', skipped: 'skipped' } as const;

/**
 * For Tank's CLI: the documented report plus its snake_case fields and lower-case verdict. Informational
 * findings are left out: they crash `tank scan`, and never count toward the verdict.
 */
export function renderTankCliScan(report: ScanReport, durationMs: number) {
  const findings = report.findings.filter((f) => f.severity !== 'info').map(clientFinding);
  return {
    ...renderScanReport(report),
    verdict: report.verdict.toLowerCase(),
    findings,
    audit_score: report.auditScore,
    duration_ms: durationMs,
    scan_id: null,
    stage_results: stageNames.map((stage, index) => ({
      stage,
      status: stageStatus[report.stages[`stage${index as 0 | 1 | 2 | 3 | 4 | 5}`]],
      findings: findings.filter((f) => f.stage === stage),
      duration_ms: 0,
    })),
  };
}

interface GivenManifest {
  kind?: unknown;
  description?: unknown;
  permissions?: Permissions;
}

function parseManifest(raw: string): GivenManifest {
  let manifest: unknown;
  try {
    manifest = JSON.parse(raw);
  } catch {
    throw new AgentryError('validation_error', {
      issues: [{ path: ['manifest'], message: 'Not valid JSON.' }],
    });
  }
  const given = (manifest && typeof manifest === 'object' ? manifest : {}) as Record<string, unknown>;
  const parsed = permissionsSchema.safeParse(given.permissions ?? {});
  if (!parsed.success) {
    throw new AgentryError('validation_error', {
      issues: [{ path: ['manifest', 'permissions'], message: 'Invalid permissions.' }],
    });
  }
  return { kind: given.kind, description: given.description, permissions: parsed.data };
}

export function tankScanRoutes(deps: AppDeps) {
  const app = new OpenAPIHono<AppEnv>();
  app.use('/api/v1/scan', async (c, next) => {
    if (c.get('principal')) return next();
    const decision = await deps.limiter.hit(
      {
        name: 'scan-ip',
        limit: deps.config.scanRateLimitAnonymous,
        windowSeconds: deps.config.rateLimitWindowSeconds,
      },
      `${c.get('tenant').id}:${c.get('clientIp')}`,
    );
    if (!decision.allowed) {
      throw new AgentryError('rate_limited', { headers: { 'Retry-After': String(decision.resetSeconds) } });
    }
    await next();
  });
  // The multipart body is read by hand: the generated validator cannot express a file part.
  app.openAPIRegistry.registerPath(scan);
  app.post('/api/v1/scan', async (c) => {
    if (!(c.req.header('content-type') ?? '').startsWith('multipart/form-data')) {
      throw new AgentryError('unsupported_media_type', {
        message: 'Send multipart/form-data with the tarball in the field "file" (or "tarball").',
      });
    }
    // A place in the scan queue is taken before the body is read, so a full queue costs no upload.
    const slot = deps.scanner.admit();
    if (!slot) throw deps.scanner.poolFull();
    let upload: UploadedForm | undefined;
    try {
      upload = await receiveMultipart(c, {
        maxFileBytes: deps.config.maxUploadBytes,
        maxBodyBytes: deps.config.maxUploadBytes + 64 * 1024,
        tempDir: join(deps.config.dataDir, 'tmp'),
      });
      const form = upload.fields;
      // The documented field wins when both are sent.
      const tankCli = !upload.files.file && upload.files.tarball !== undefined;
      const file = tankCli ? upload.files.tarball : upload.files.file;
      if (!file) {
        throw new AgentryError('validation_error', {
          issues: [{ path: ['file'], message: 'Attach the tarball as the field "file" (or "tarball").' }],
        });
      }
      const given =
        typeof form.manifest === 'string' && form.manifest.trim() !== ''
          ? parseManifest(form.manifest)
          : undefined;
      const kind = typeof form.kind === 'string' && form.kind !== '' ? form.kind : given?.kind;
      if (kind !== undefined && !(artifactKinds as readonly string[]).includes(String(kind))) {
        throw new AgentryError('validation_error', {
          issues: [
            { path: [form.kind ? 'kind' : 'manifest'], message: `One of ${artifactKinds.join(', ')}.` },
          ],
        });
      }
      const started = performance.now();
      const { report } = await deps.scanner.scan(
        {
          path: file.path,
          kind: kind as ArtifactKind | undefined,
          ...(given
            ? {
                permissions: given.permissions,
                description: typeof given.description === 'string' ? given.description : undefined,
              }
            : { manifestFromArchive: true }),
        },
        slot,
      );
      // The documented upload gets exactly the documented report.
      if (!tankCli) return c.json(renderScanReport(report), 200);
      return c.json(renderTankCliScan(report, Math.round(performance.now() - started)), 200);
    } finally {
      slot.release();
      upload?.cleanup();
    }
  });
  return app;
}
