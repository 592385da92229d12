/** `/api/v1/orgs`: orgs and their members. */
import { z } from 'zod';
import { orgRoles } from '../roles.js';

export const TankOrgRole = z.enum(orgRoles);

export const TankOrgMember = z.object({
  userId: z.string(),
  username: z.string(),
  displayName: z.string().nullable(),
  role: TankOrgRole,
  joinedAt: z.string(),
});
export type TankOrgMember = z.infer<typeof TankOrgMember>;

/** `POST /api/v1/orgs` 201 and `GET /api/v1/orgs/{slug}`: `members` only for members; `role` is the caller's. */
export const TankOrg = z.object({
  slug: z.string(),
  name: z.string(),
  createdAt: z.string(),
  role: TankOrgRole.nullable(),
  members: z.array(TankOrgMember).optional(),
});
export type TankOrg = z.infer<typeof TankOrg>;

/** `GET /api/v1/orgs`: the caller's orgs and roles. */
export const TankOrgList = z.object({
  orgs: z.array(z.object({ slug: z.string(), name: z.string(), role: TankOrgRole, createdAt: z.string() })),
});
export type TankOrgList = z.infer<typeof TankOrgList>;

/** `POST /api/v1/orgs/{slug}/members` 201 and `PATCH …/members/{username}`. */
export const TankOrgMembership = z.object({ username: z.string(), role: TankOrgRole });
export type TankOrgMembership = z.infer<typeof TankOrgMembership>;

/** `DELETE /api/v1/orgs/{slug}/members/{username}`. */
export const TankOrgMemberRemoved = z.object({ username: z.string(), removed: z.literal(true) });
export type TankOrgMemberRemoved = z.infer<typeof TankOrgMemberRemoved>;
