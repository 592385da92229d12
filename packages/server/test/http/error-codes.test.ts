/**
 * Every specific catalogue code renders, on every surface, as a code that surface documents: its own
 * where the surface lists it (ayaiay's PACK_NOT_FOUND, …), else exactly as its general ancestor did
 * before the split, with the same status. The route tests prove the same on real requests.
 */
import { AgentryError, codeLineage, type ErrorCode, errorCatalogue, parentCodeOf } from '@agentry/core';
import { describe, expect, it } from 'vitest';
import { renderError, type Surface, surfaceCodeOf } from '../../src/http/surfaces.js';

const surfaces: Surface[] = ['tank', 'ai-toolkit', 'ayaiay', 'skill-pool', 'web'];
const codes = Object.keys(errorCatalogue) as ErrorCode[];
const specific = codes.filter((code) => parentCodeOf(code) !== undefined);
const general = codes.filter((code) => parentCodeOf(code) === undefined);

/** Any code, built without details: rendering must not depend on them. */
const errorOf = (code: ErrorCode) => new (AgentryError as new (code: ErrorCode) => AgentryError)(code);

function wireCode(surface: Surface, code: ErrorCode): unknown {
  const body = renderError(surface, errorOf(code)).body as { error: unknown };
  return typeof body.error === 'object' ? (body.error as { code: unknown }).code : body.error;
}

/** The codes each surface's document (or, for the pages, our own) lists: what general codes render as. */
const documented = Object.fromEntries(
  surfaces.map((surface) => [
    surface,
    new Set([
      ...general.map((code) => wireCode(surface, code)),
      ...(surface === 'ayaiay' ? ['PACK_NOT_FOUND', 'VERSION_NOT_FOUND', 'PUBLISHER_NOT_FOUND'] : []),
      ...(surface === 'web' ? ['publisher_not_found'] : []),
    ]),
  ]),
) as Record<Surface, Set<unknown>>;

describe('specific error codes on the wire', () => {
  it('has specific codes to check', () => {
    expect(specific.length).toBeGreaterThan(20);
  });

  for (const surface of surfaces) {
    it(`renders every specific code as a documented ${surface} code with the same status`, () => {
      for (const code of specific) {
        const rendered = wireCode(surface, code);
        expect(documented[surface].has(rendered), `${code} → ${String(rendered)}`).toBe(true);
        const shown = surfaceCodeOf(surface, code);
        expect(codeLineage(code)).toContain(shown);
        expect(rendered).toEqual(wireCode(surface, shown));
        expect(renderError(surface, errorOf(code)).status).toBe(renderError(surface, errorOf(shown)).status);
      }
    });
  }

  it('keeps Tank, AI Toolkit and skill-pool on the general code', () => {
    expect(wireCode('tank', 'package_not_found')).toBe('NOT_FOUND');
    expect(wireCode('tank', 'token_lacks_scope')).toBe('FORBIDDEN');
    expect(wireCode('tank', 'permission_escalation')).toBe('VALIDATION_ERROR');
    expect(wireCode('ai-toolkit', 'org_not_found')).toBe('not_found');
    expect(wireCode('skill-pool', 'invalid_name')).toBe('bad_request');
    expect(renderError('skill-pool', errorOf('invalid_name')).status).toBe(400);
    expect(wireCode('ayaiay', 'pack_not_found')).toBe('PACK_NOT_FOUND');
    expect(wireCode('ayaiay', 'package_not_found')).toBe('NOT_FOUND');
    expect(wireCode('ayaiay', 'permission_escalation')).toBe('BAD_REQUEST');
  });

  it('sends only public details', () => {
    const scope = new AgentryError('token_lacks_scope', { details: { scope: 'skills:publish' } });
    expect(renderError('tank', scope).body).toEqual({ error: 'FORBIDDEN', message: scope.message });
    const ayaiay = renderError('ayaiay', scope).body as { error: { details: unknown } };
    expect(ayaiay.error.details).toEqual({});
    const missing = new AgentryError('package_not_found', { details: { name: 'a', suggestions: ['b'] } });
    expect((renderError('tank', missing).body as { details?: unknown }).details).toEqual({
      suggestions: ['b'],
    });
  });
});
