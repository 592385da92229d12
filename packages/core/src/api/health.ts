/** `GET /health` and `GET /v1/healthz`: liveness and dependency status, on every surface. */
import { z } from 'zod';

const DependencyStatus = z.object({
  status: z.enum(['up', 'down', 'off']),
  latency_ms: z.number().int().optional(),
});

export const Health = z.object({
  status: z.enum(['ok', 'degraded']),
  version: z.string(),
  deps: z.object({ db: DependencyStatus, storage: DependencyStatus, embedder: DependencyStatus }),
});
export type Health = z.infer<typeof Health>;
