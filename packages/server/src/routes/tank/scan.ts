/**
 * `POST /api/v1/scan`: the six-stage scan of an uploaded tarball without publishing (multipart field
 * `file`). No token needed; anonymous callers get a stricter limit than the rest of the API. Optional
 * fields `kind` and `manifest` (JSON with `permissions`) make the structure and declared-versus-observed
 * checks match what a publish would see.
 */
import {
  AgentryError,
  type ArtifactKind,
  artifactKinds,
  type Finding,
  permissionsSchema,
  type ScanReport,
} from '@agentry/core';
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import type { AppDeps } from '../../app-deps.js';
import type { AppEnv } from '../../http/context.js';
import { jsonContent, tankErrors } from './schemas.js';

const ScanResponse = z
  .object({
    verdict: z.enum(['PASS', 'PASS_WITH_NOTES', 'FLAGGED', 'FAIL']),
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
      }),
    ),
    stages: z.record(z.string(), z.enum(['ok', 'failed', 'error', 'skipped'])),
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
            kind: z.enum(artifactKinds).optional(),
            manifest: z
              .string()
              .optional()
              .openapi({ description: 'JSON of the manifest, for its permissions' }),
          }),
        },
      },
    },
  },
  responses: { 200: jsonContent(ScanResponse, 'Scan report'), ...tankErrors(400, 413, 422, 429) },
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

function parsePermissions(raw: unknown) {
  if (typeof raw !== 'string' || raw.trim() === '') return undefined;
  let manifest: unknown;
  try {
    manifest = JSON.parse(raw);
  } catch {
    throw new AgentryError('validation_error', {
      issues: [{ path: ['manifest'], message: 'Not valid JSON.' }],
    });
  }
  const parsed = permissionsSchema.safeParse(
    (manifest as { permissions?: unknown } | null)?.permissions ?? {},
  );
  if (!parsed.success) {
    throw new AgentryError('validation_error', {
      issues: [{ path: ['manifest', 'permissions'], message: 'Invalid permissions.' }],
    });
  }
  return parsed.data;
}

export function tankScanRoutes(deps: AppDeps) {
  const app = new OpenAPIHono<AppEnv>();
  app.use(
    '/api/v1/scan',
    bodyLimit({
      maxSize: deps.config.maxUploadBytes + 64 * 1024,
      onError: () => {
        throw new AgentryError('payload_too_large');
      },
    }),
  );
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
        message: 'Send multipart/form-data with the tarball in the field "file".',
      });
    }
    const form = await c.req.parseBody().catch(() => {
      throw new AgentryError('bad_request', { message: 'The multipart body could not be read.' });
    });
    const file = form.file;
    if (!(file instanceof File)) {
      throw new AgentryError('validation_error', {
        issues: [{ path: ['file'], message: 'Attach the tarball as the field "file".' }],
      });
    }
    const kind = typeof form.kind === 'string' && form.kind !== '' ? form.kind : 'skill';
    if (!(artifactKinds as readonly string[]).includes(kind)) {
      throw new AgentryError('validation_error', {
        issues: [{ path: ['kind'], message: `One of ${artifactKinds.join(', ')}.` }],
      });
    }
    const { report } = await deps.scanner.scan({
      bytes: new Uint8Array(await file.arrayBuffer()),
      kind: kind as ArtifactKind,
      permissions: parsePermissions(form.manifest),
    });
    return c.json(renderScanReport(report), 200);
  });
  return app;
}
