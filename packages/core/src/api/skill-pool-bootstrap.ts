/** skill-pool's `GET /v1/bootstrap`: the skills to start a project with, for its stack. */
import { z } from 'zod';

export const SkillPoolBootstrap = z.object({
  stack: z.array(z.string()),
  skills: z.array(z.string()).describe('At most 8, in tier order'),
  project: z.object({ slug: z.string(), name: z.string() }).optional(),
  project_items: z.array(z.object({ slug: z.string(), kind: z.string(), source: z.string() })).optional(),
  tier_breakdown: z
    .object({
      project: z.array(z.string()).optional(),
      curated: z.array(z.string()),
      tagged: z.array(z.string()),
      semantic: z.array(z.string()),
    })
    .optional()
    .describe('Only with debug=1'),
});
export type SkillPoolBootstrap = z.infer<typeof SkillPoolBootstrap>;
