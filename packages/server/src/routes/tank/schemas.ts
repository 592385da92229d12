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

/** OpenAPI response entries for the given error statuses, all in Tank's envelope. */
export function tankErrors(
  ...statuses: (400 | 401 | 403 | 404 | 409 | 410 | 413 | 415 | 422 | 429 | 501 | 503)[]
) {
  return Object.fromEntries(
    statuses.map((status) => [
      status,
      { description: 'Error', content: { 'application/json': { schema: TankError } } },
    ]),
  );
}

export function jsonContent<T>(schema: T, description: string) {
  return { description, content: { 'application/json': { schema } } };
}

export const NameParam = z.object({
  name: z.string().openapi({
    description: 'Artifact name; scoped names as @org%2Fname or @org/name.',
    example: '@acme/my-skill',
  }),
});
export const VersionParams = NameParam.extend({ version: z.string().openapi({ example: '1.0.0' }) });
