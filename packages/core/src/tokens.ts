/**
 * API tokens are a prefix and a random body. We mint `agt_` + 32 random bytes in base64url (43
 * characters), `spk_` + 64 lowercase hex for skill-pool's profile tokens (the format its clients know),
 * and other surfaces' client programs recognise `tank_` and `aitk_`. Every prefix is accepted on every
 * surface: a token is found by the SHA-256 of the whole string, so the prefix only tells people apart.
 */
export const tokenPrefix = 'agt_';
export const tokenPrefixes = ['agt_', 'spk_', 'tank_', 'aitk_'] as const;
export type TokenPrefix = (typeof tokenPrefixes)[number];
const tokenPattern = /^(?:agt|spk|tank|aitk)_[A-Za-z0-9_-]{32,128}$/;

export function isWellFormedToken(value: string): boolean {
  return tokenPattern.test(value);
}

/** Whether a bearer value claims to be an API token (as opposed to a session or OAuth JWT). */
export function hasTokenPrefix(value: string): boolean {
  return tokenPrefixes.some((prefix) => value.startsWith(prefix));
}
