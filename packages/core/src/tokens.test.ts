import { describe, expect, it } from 'vitest';
import { hasTokenPrefix, isWellFormedToken } from './tokens.js';

describe('token format', () => {
  it('accepts every surface prefix with a base64url or hex body of 32 to 128 characters', () => {
    expect(isWellFormedToken(`agt_${'a'.repeat(43)}`)).toBe(true);
    expect(isWellFormedToken(`spk_${'0f'.repeat(32)}`)).toBe(true);
    expect(isWellFormedToken(`tank_${'a'.repeat(43)}`)).toBe(true);
    expect(isWellFormedToken(`aitk_${'a'.repeat(43)}`)).toBe(true);
  });

  it('refuses unknown prefixes, short or long bodies and characters outside base64url', () => {
    expect(isWellFormedToken(`sps_${'a'.repeat(64)}`)).toBe(false);
    expect(isWellFormedToken(`agt_${'a'.repeat(31)}`)).toBe(false);
    expect(isWellFormedToken(`agt_${'a'.repeat(129)}`)).toBe(false);
    expect(isWellFormedToken(`agt_${'a'.repeat(42)}=`)).toBe(false);
    expect(isWellFormedToken(`AGT_${'a'.repeat(43)}`)).toBe(false);
  });

  it('tells API tokens from JWTs by prefix', () => {
    expect(hasTokenPrefix('spk_abc')).toBe(true);
    expect(hasTokenPrefix('eyJhbGciOiJIUzI1NiJ9.e30.x')).toBe(false);
  });
});
