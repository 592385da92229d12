import { describe, expect, it } from 'vitest';
import { isWellFormedToken } from './tokens.js';

describe('token format', () => {
  it('accepts agt_ with 43 base64url characters only', () => {
    expect(isWellFormedToken(`agt_${'a'.repeat(43)}`)).toBe(true);
    expect(isWellFormedToken(`tank_${'a'.repeat(43)}`)).toBe(false);
    expect(isWellFormedToken(`agt_${'a'.repeat(42)}`)).toBe(false);
    expect(isWellFormedToken(`agt_${'a'.repeat(42)}=`)).toBe(false);
  });
});
