/** Tank's two-step publish: `POST /api/v1/skills` then `POST /api/v1/skills/confirm`. */
import { z } from 'zod';

/** `POST /api/v1/skills` 201: where to `PUT` the tarball and the ids to confirm. */
export const TankPublishStarted = z.object({
  uploadUrl: z.string(),
  skillId: z.string(),
  versionId: z.string(),
});
export type TankPublishStarted = z.infer<typeof TankPublishStarted>;

/** `POST /api/v1/skills/confirm` 200: the version is published with its scan result. */
export const TankPublishConfirmed = z.object({
  success: z.literal(true),
  name: z.string(),
  version: z.string(),
  status: z.literal('published'),
  auditScore: z.number().int(),
  verdict: z.enum(['PASS', 'PASS_WITH_NOTES', 'FLAGGED', 'FAIL']),
});
export type TankPublishConfirmed = z.infer<typeof TankPublishConfirmed>;
