/** skill-pool's drafts inbox: `POST /v1/drafts` (submit) and the curator's `/v1/drafts` reads. */
import { z } from 'zod';

export const SkillPoolDraft = z.object({
  id: z.string().uuid(),
  slug: z.string(),
  description: z.string(),
  when_to_use: z.string().nullable(),
  tags: z.array(z.string()),
  origin: z.enum(['cli', 'capture-scorer', 'claude-hook', 'web']),
  notes: z.string().nullable(),
  status: z.enum(['pending', 'published', 'discarded']),
  published_version: z.string().nullable(),
  created_at: z.string(),
  reviewed_at: z.string().nullable(),
  merge_proposal_slug: z.string().optional(),
  merge_proposal_similarity: z.number().min(0).max(1).optional(),
});
export type SkillPoolDraft = z.infer<typeof SkillPoolDraft>;
