/** `GET /api/v1/search`. */
import { z } from 'zod';

export const TankSearchResult = z.object({
  name: z.string(),
  description: z.string(),
  visibility: z.string(),
  latestVersion: z.string().nullable(),
  auditScore: z.number().int().nullable(),
  publisher: z.string(),
  downloads: z.number().int().describe('Downloads in the last 7 days.'),
  stars: z.number().int(),
  updatedAt: z.string(),
  kind: z.string(),
  verdict: z.string().nullable(),
  deprecated: z.boolean().describe('Whether the latest version is deprecated'),
  similarity: z
    .number()
    .min(0)
    .max(1)
    .optional()
    .describe('Cosine similarity in [0, 1]; on semantic searches only.'),
});
export type TankSearchResult = z.infer<typeof TankSearchResult>;

export const TankSearchPage = z.object({
  results: z.array(TankSearchResult),
  page: z.number().int(),
  limit: z.number().int(),
  total: z.number().int().describe('Matching artifacts, counted up to 1,000 (a larger result says 1000).'),
});
export type TankSearchPage = z.infer<typeof TankSearchPage>;
