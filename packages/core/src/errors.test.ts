import { describe, expect, it } from 'vitest';
import { AgentryError, errorCatalogue, isErrorCode } from './errors.js';

describe('error catalogue', () => {
  it('gives every code a client or server status and a message', () => {
    for (const [code, entry] of Object.entries(errorCatalogue)) {
      expect(code).toMatch(/^[a-z][a-z_]*$/);
      expect(entry.status).toBeGreaterThanOrEqual(400);
      expect(entry.status).toBeLessThan(600);
      expect(entry.message.length).toBeGreaterThan(0);
    }
  });

  it('builds errors that carry the catalogue status and the given detail', () => {
    const error = new AgentryError('version_exists', { details: { version: '1.0.0' } });
    expect(error.status).toBe(409);
    expect(error.code).toBe('version_exists');
    expect(error.details).toEqual({ version: '1.0.0' });
    expect(isErrorCode('version_exists')).toBe(true);
    expect(isErrorCode('toString')).toBe(false);
  });
});
