/** `/api/v1/tokens`: the caller's API tokens (the raw value only in the create answer). */
import { z } from 'zod';
import { tokenScopes } from '../roles.js';

export const TankTokenInfo = z.object({
  id: z.string().uuid(),
  name: z.string(),
  prefix: z.string().describe('First characters of the token, to recognise it.'),
  scopes: z.array(z.enum(tokenScopes)),
  expiresAt: z.string().nullable(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
  createdAt: z.string(),
});
export type TankTokenInfo = z.infer<typeof TankTokenInfo>;

/** `POST /api/v1/tokens` 201. */
export const TankCreatedToken = TankTokenInfo.extend({ token: z.string() });
export type TankCreatedToken = z.infer<typeof TankCreatedToken>;

/** `GET /api/v1/tokens`. */
export const TankTokenList = z.object({ tokens: z.array(TankTokenInfo) });
export type TankTokenList = z.infer<typeof TankTokenList>;

/** `DELETE /api/v1/tokens/{id}`. */
export const TankTokenRevoked = z.object({ id: z.string(), revoked: z.literal(true) });
export type TankTokenRevoked = z.infer<typeof TankTokenRevoked>;
