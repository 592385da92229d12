/** Yank, deprecate and change visibility: `/api/v1/skills/{name}/{version}/(yank|deprecate)`, `PATCH /api/v1/skills/{name}`. */
import { z } from 'zod';
import { TankVisibility } from './tank-skills.js';

export const TankYankState = z.object({ name: z.string(), version: z.string(), yanked: z.boolean() });
export type TankYankState = z.infer<typeof TankYankState>;

export const TankDeprecationState = z.object({
  name: z.string(),
  version: z.string(),
  deprecated: z.string().nullable().describe('The deprecation message, or null'),
});
export type TankDeprecationState = z.infer<typeof TankDeprecationState>;

export const TankVisibilityState = z.object({ name: z.string(), visibility: TankVisibility });
export type TankVisibilityState = z.infer<typeof TankVisibilityState>;
