import { describe, expect, it } from 'vitest';
import {
  AgentryError,
  codeLineage,
  type ErrorCode,
  errorCatalogue,
  isErrorCode,
  issuesFromZod,
  parentCodeOf,
  publicDetailsOf,
  withIssuePrefix,
} from './errors.js';

const codes = Object.keys(errorCatalogue) as ErrorCode[];

describe('error catalogue', () => {
  it('gives every code a client or server status and a message', () => {
    for (const [code, entry] of Object.entries(errorCatalogue)) {
      expect(code).toMatch(/^[a-z][a-z_]*$/);
      expect(entry.status).toBeGreaterThanOrEqual(400);
      expect(entry.status).toBeLessThan(600);
      expect(entry.message.length).toBeGreaterThan(0);
    }
  });

  it('gives every specific code a parent of the same status, ending in a general code', () => {
    for (const code of codes) {
      const parent = parentCodeOf(code);
      if (parent === undefined) continue;
      expect(isErrorCode(parent), `${code} → ${parent}`).toBe(true);
      expect(errorCatalogue[parent].status, code).toBe(errorCatalogue[code].status);
      const lineage = codeLineage(code);
      expect(new Set(lineage).size).toBe(lineage.length);
      expect(parentCodeOf(lineage.at(-1) as ErrorCode)).toBeUndefined();
    }
    expect(codeLineage('pack_not_found')).toEqual(['pack_not_found', 'package_not_found', 'not_found']);
  });

  it('builds errors that carry the catalogue status and their typed details', () => {
    const error = new AgentryError('version_not_found', { details: { name: '@acme/a', version: '1.0.0' } });
    expect(error.status).toBe(404);
    expect(error.code).toBe('version_not_found');
    expect(error.details).toEqual({ name: '@acme/a', version: '1.0.0' });
    expect(isErrorCode('version_exists')).toBe(true);
    expect(isErrorCode('toString')).toBe(false);
  });

  it('refuses, at compile time, a throw with missing or wrong details', () => {
    const build = () => [
      // @ts-expect-error token_lacks_scope needs { scope }
      new AgentryError('token_lacks_scope'),
      // @ts-expect-error the scope is a string
      new AgentryError('token_lacks_scope', { details: { scope: 1 } }),
      // @ts-expect-error not_found carries no details
      new AgentryError('not_found', { details: { name: 'a' } }),
    ];
    expect(build().map((e) => e.code)).toEqual(['token_lacks_scope', 'token_lacks_scope', 'not_found']);
  });

  it('lets only the public detail keys out', () => {
    const missing = new AgentryError('package_not_found', { details: { name: 'a', suggestions: ['b'] } });
    expect(publicDetailsOf(missing)).toEqual({ suggestions: ['b'] });
    expect(
      publicDetailsOf(new AgentryError('package_not_found', { details: { name: 'a' } })),
    ).toBeUndefined();
    expect(
      publicDetailsOf(new AgentryError('token_lacks_scope', { details: { scope: 'x' } })),
    ).toBeUndefined();
  });

  it('turns zod-shaped issues into ours and moves them under a body field', () => {
    const issues = issuesFromZod([{ path: ['a', 0, Symbol('x')], message: 'bad' }], ['manifest']);
    expect(issues).toEqual([{ path: ['manifest', 'a', 0], message: 'bad' }]);
    const error = new AgentryError('invalid_name', {
      issues: [{ path: ['name'], message: 'Invalid name.' }],
      details: { name: 'X' },
    });
    const moved = withIssuePrefix(error, ['manifest']);
    expect(moved).toBeInstanceOf(AgentryError);
    expect(moved.code).toBe('invalid_name');
    expect(moved.details).toEqual({ name: 'X' });
    expect(moved.issues).toEqual([{ path: ['manifest', 'name'], message: 'Invalid name.' }]);
  });
});
