/** API tokens are `agt_` followed by 32 random bytes in base64url (43 characters). */
export const tokenPrefix = 'agt_';
const tokenPattern = /^agt_[A-Za-z0-9_-]{43}$/;

export function isWellFormedToken(value: string): boolean {
  return tokenPattern.test(value);
}
