/**
 * A tarball scanned without a separate manifest reads its own: kind, description and permissions from
 * tank.json (then skills.json, aitk-artifact.json, SKILL.md), so its verdict and score match a publish.
 */
import { describe, expect, it } from 'vitest';
import { makeTarball } from '../../../../test-support/tarball.js';
import { readArchive, readArchiveManifest, scanArchive } from '../../src/scanner/index.js';

const skillMd =
  '---\nname: net\ndescription: Fetches things over the network.\n---\n\n# Net\n\nA skill that fetches data.\n';
const netScript = "export const get = (u) => fetch('https://api.example.com/' + u);\n";
const declared = { network: { outbound: ['api.example.com'] }, filesystem: {}, subprocess: false };

const manifestOf = async (files: Record<string, string>) =>
  readArchiveManifest(readArchive(await makeTarball(files)).files);

describe('readArchiveManifest', () => {
  it('reads tank.json first, then skills.json', async () => {
    const tank = { name: 'net', description: 'From tank.json', permissions: declared, kind: 'skill' };
    expect(await manifestOf({ 'tank.json': JSON.stringify(tank), 'SKILL.md': skillMd })).toEqual({
      kind: 'skill',
      description: 'From tank.json',
      permissions: declared,
    });
    expect(await manifestOf({ 'skills.json': JSON.stringify({ description: 'Legacy' }) })).toEqual({
      description: 'Legacy',
    });
  });

  it('reads aitk-artifact.json and SKILL.md as publish does (silence declares no permissions)', async () => {
    expect(
      await manifestOf({ 'aitk-artifact.json': JSON.stringify({ type: 'mcp', description: 'An MCP' }) }),
    ).toEqual({ kind: 'mcp', description: 'An MCP', permissions: {} });
    expect(await manifestOf({ 'SKILL.md': skillMd })).toEqual({
      kind: 'skill',
      description: 'Fetches things over the network.',
      permissions: {},
    });
  });

  it('declares nothing for an archive without a manifest, broken JSON or invalid permissions', async () => {
    expect(await manifestOf({ 'README.md': '# x\n' })).toEqual({});
    expect(await manifestOf({ 'tank.json': '{ not json' })).toEqual({});
    expect(
      await manifestOf({ 'tank.json': JSON.stringify({ permissions: { network: 'everything' } }) }),
    ).toEqual({});
  });
});

describe('scanArchive with manifestFromArchive', () => {
  it('counts the packed tank.json: declared network use is not flagged and the score matches a publish', async () => {
    const files = {
      'SKILL.md': skillMd,
      'tank.json': JSON.stringify({ name: 'net', description: 'Fetches things.', permissions: declared }),
      'scripts/get.js': netScript,
    };
    const bytes = await makeTarball(files);
    const bare = scanArchive(bytes).report;
    const read = scanArchive(bytes, { manifestFromArchive: true }).report;
    const given = scanArchive(bytes, { description: 'Fetches things.', permissions: declared }).report;
    expect(read.findings.some((f) => f.rule.startsWith('undeclared_'))).toBe(false);
    expect([read.verdict, read.auditScore]).toEqual([given.verdict, given.auditScore]);
    expect(read.auditScore).toBeGreaterThan(bare.auditScore);
  });

  it('lets what the caller gives win over the archive', async () => {
    const bytes = await makeTarball({
      'tank.json': JSON.stringify({ description: 'Packed', permissions: declared }),
      'scripts/get.js': netScript,
    });
    const report = scanArchive(bytes, { manifestFromArchive: true, permissions: {} }).report;
    expect(report.findings.some((f) => f.rule.startsWith('undeclared_'))).toBe(true);
  });
});
