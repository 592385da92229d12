import { z } from '@hono/zod-openapi';

/** Tank's error envelope: `{ error: "UPPER_CODE", message }`, plus `issues` on 422. */
export const TankError = z
  .object({
    error: z.string().openapi({ example: 'UNAUTHORIZED' }),
    message: z.string(),
    issues: z
      .array(z.object({ path: z.array(z.union([z.string(), z.number()])), message: z.string() }))
      .optional(),
  })
  .openapi('TankError');
