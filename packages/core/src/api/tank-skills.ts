/** Reading artifacts on the Tank surface: `/api/v1/skills/{name}`, its versions, one version, stars. */
import { z } from 'zod';

export const TankVisibility = z.enum(['public', 'private', 'team']);
export type TankVisibility = z.infer<typeof TankVisibility>;

/** `GET /api/v1/skills/{name}`. */
export const TankSkill = z.object({
  name: z.string(),
  description: z.string(),
  visibility: TankVisibility,
  kind: z.string(),
  latestVersion: z.string().nullable(),
  publisher: z.object({
    name: z.string(),
    displayName: z.string().describe("The same name: Tank's CLI reads this key"),
  }),
  stars: z.number().int(),
  downloads: z.number().int(),
  keywords: z.array(z.string()),
  repository: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type TankSkill = z.infer<typeof TankSkill>;

export const TankVersionSummary = z.object({
  version: z.string(),
  publishedAt: z.string().nullable(),
  auditScore: z.number().int().nullable(),
  verdict: z.string().nullable(),
  auditStatus: z.string(),
  yanked: z.boolean(),
  deprecated: z.string().nullable().describe('The deprecation message, or null'),
});
export type TankVersionSummary = z.infer<typeof TankVersionSummary>;

/** `GET /api/v1/skills/{name}/versions`: newest first. */
export const TankVersionList = z.object({ name: z.string(), versions: z.array(TankVersionSummary) });
export type TankVersionList = z.infer<typeof TankVersionList>;

export const TankFinding = z.object({
  stage: z.string(),
  severity: z.string(),
  rule: z.string(),
  message: z.string(),
  file: z.string().nullable(),
  line: z.number().int().nullable(),
  evidence: z.string().nullable(),
});
export type TankFinding = z.infer<typeof TankFinding>;

/** `GET /api/v1/skills/{name}/{version}`. */
export const TankVersionDetail = z.object({
  name: z.string(),
  version: z.string(),
  description: z.string(),
  visibility: z.string(),
  kind: z.string(),
  permissions: z.record(z.string(), z.unknown()),
  dependencies: z.record(z.string(), z.string()),
  repository: z.string().nullable(),
  auditScore: z.number().int().nullable(),
  verdict: z.string().nullable(),
  scanStatus: z.string().nullable(),
  auditStatus: z
    .string()
    .describe(
      "Tank's name for the scan state: completed (PASS or PASS_WITH_NOTES), flagged, failed, scan-failed, or pending",
    ),
  scanStages: z.record(z.string(), z.string()).nullable(),
  findings: z.array(TankFinding),
  integrity: z.string().nullable(),
  size: z.number().int().nullable(),
  fileCount: z.number().int().nullable(),
  files: z.array(z.object({ path: z.string(), size: z.number().int(), sha256: z.string() })),
  downloadUrl: z.string(),
  downloads: z.number().int().describe('Downloads of this version in the last 7 days.'),
  publishedAt: z.string().nullable(),
  yanked: z.boolean(),
  yankReason: z.string().nullable(),
  deprecated: z.string().nullable().describe('The deprecation message, or null'),
});
export type TankVersionDetail = z.infer<typeof TankVersionDetail>;

/** `GET`/`POST`/`DELETE /api/v1/skills/{name}/star`. */
export const TankStarState = z.object({ starred: z.boolean(), stars: z.number().int() });
export type TankStarState = z.infer<typeof TankStarState>;
