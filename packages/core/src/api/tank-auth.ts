/** Tank's `/api/v1/auth/whoami` and the CLI log-in flow (`/api/v1/cli-auth/*`). */
import { z } from 'zod';

export const TankWhoami = z.object({
  userId: z.string(),
  username: z.string(),
  name: z.string().nullable(),
  email: z.string().nullable(),
  tenant: z.string(),
  scopes: z.array(z.string()),
  tokenId: z.string().nullable(),
});
export type TankWhoami = z.infer<typeof TankWhoami>;

/** `POST /api/v1/cli-auth/start`. */
export const TankCliAuthStarted = z.object({
  pollToken: z.string(),
  authUrl: z.string(),
  expiresIn: z.number().int().describe('Seconds until the poll token expires'),
  sessionCode: z
    .string()
    .optional()
    .describe('Tank CLI dialect (when `state` was sent): the same session, as a UUID'),
});
export type TankCliAuthStarted = z.infer<typeof TankCliAuthStarted>;

/** `POST /api/v1/cli-auth/exchange` 200: `{apiKey, scopes}` for a poll token, `{token, user, scopes}` for a session code. */
export const TankCliAuthApproved = z.union([
  z.object({ apiKey: z.string(), scopes: z.array(z.string()) }),
  z.object({
    token: z.string(),
    scopes: z.array(z.string()),
    user: z.object({ name: z.string().nullable(), email: z.string().nullable() }),
  }),
]);
export type TankCliAuthApproved = z.infer<typeof TankCliAuthApproved>;

/** `POST /api/v1/cli-auth/exchange` 202: not approved yet. */
export const TankCliAuthPending = z.object({ status: z.literal('pending') });
export type TankCliAuthPending = z.infer<typeof TankCliAuthPending>;
