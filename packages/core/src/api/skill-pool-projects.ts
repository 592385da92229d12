/** skill-pool's projects: `/v1/projects*`. */
import { z } from 'zod';

export const SkillPoolProject = z.object({
  slug: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  git_remote: z.string().nullable().describe('Normalised: https://host/owner/repo'),
  stack_tags: z.array(z.string()),
  plan_auto_refresh_interval_secs: z.number().int().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
  item_count: z.number().int(),
});
export type SkillPoolProject = z.infer<typeof SkillPoolProject>;

export const SkillPoolProjectItem = z.object({
  skill_slug: z.string(),
  slug: z.string(),
  kind: z.enum(['skill', 'agent', 'command', 'plugin']),
  position: z.number().int(),
});
export type SkillPoolProjectItem = z.infer<typeof SkillPoolProjectItem>;

export const SkillPoolProjectDetail = SkillPoolProject.extend({ items: z.array(SkillPoolProjectItem) });
export type SkillPoolProjectDetail = z.infer<typeof SkillPoolProjectDetail>;

/** `GET /v1/projects/resolve?remote=`. */
export const SkillPoolProjectRef = z.object({ slug: z.string(), name: z.string() });
export type SkillPoolProjectRef = z.infer<typeof SkillPoolProjectRef>;
