/** Roles and scopes are data shared by the server (checks) and the CLI (flags and help). */
export const tenantRoles = ['viewer', 'publisher', 'curator', 'admin'] as const;
export type TenantRole = (typeof tenantRoles)[number];

export const orgRoles = ['owner', 'admin', 'member'] as const;
export type OrgRole = (typeof orgRoles)[number];

/**
 * `tenant:admin` is skill-pool's tenant administration scope (archive, usage dashboards, projects,
 * notifications); `skills:admin` (Tank's admin) includes it, as it includes every other scope.
 */
export const tokenScopes = ['skills:read', 'skills:publish', 'skills:admin', 'tenant:admin'] as const;
export type TokenScope = (typeof tokenScopes)[number];

export function isTokenScope(value: string): value is TokenScope {
  return (tokenScopes as readonly string[]).includes(value);
}

/** Ordered so that a higher index includes the powers of the lower ones. */
export function tenantRoleAtLeast(role: TenantRole, minimum: TenantRole): boolean {
  return tenantRoles.indexOf(role) >= tenantRoles.indexOf(minimum);
}

/** Whether `granted` allows `scope`: skills:admin includes every other scope (Tank: admin ⊃ read). */
export function scopeAllows(granted: readonly TokenScope[], scope: TokenScope): boolean {
  return granted.includes(scope) || granted.includes('skills:admin');
}
