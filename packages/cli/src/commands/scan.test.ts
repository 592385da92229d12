import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { packDirectory } from '../pack.js';
import { formatScan, runScan, toSarif } from './scan.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function artifact(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'agentry-scan-'));
  dirs.push(dir);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return dir;
}

const skillMd =
  '---\nname: demo\ndescription: A demo skill for scanner tests.\n---\n\nUse it to test the scanner.\n';

describe('agentry scan', () => {
  it('passes a clean skill folder', async () => {
    const result = await runScan(artifact({ 'SKILL.md': skillMd }), { failOn: 'fail' });
    expect(result.report.verdict).toBe('PASS');
    expect(result.failed).toBe(false);
    expect(result.report.files.map((f) => f.path)).toEqual(['SKILL.md']);
  });

  it('reports what publish would refuse, and fails at the threshold', async () => {
    const dir = artifact({ 'SKILL.md': skillMd, 'bin/tool.exe': 'MZ' });
    symlinkSync('/etc/passwd', join(dir, 'passwd'));
    const result = await runScan(dir, { failOn: 'fail' });
    expect(result.report.findings.map((f) => f.rule).sort()).toEqual(['archive_link', 'blocked_file_type']);
    expect(result.report.verdict).toBe('FAIL');
    expect(result.failed).toBe(true);
    expect(formatScan(result, false)).toContain('bin/tool.exe');
  });

  it('reads kind from tank.json and honours --kind', async () => {
    const dir = artifact({
      'agent.md': '# An agent\n',
      'tank.json': JSON.stringify({ kind: 'agent', permissions: {} }),
    });
    expect((await runScan(dir, { failOn: 'fail' })).report.findings).toEqual([]);
    const asSkill = await runScan(dir, { kind: 'skill', failOn: 'flagged' });
    expect(asSkill.report.findings.map((f) => f.rule)).toContain('missing_skill_md');
    expect(asSkill.failed).toBe(true);
    await expect(runScan(dir, { kind: 'virus', failOn: 'fail' })).rejects.toThrow();
  });

  it('scans a tarball the same as the folder it was packed from', async () => {
    const dir = artifact({ 'SKILL.md': skillMd, 'notes.md': 'notes\n' });
    const tarball = join(dir, '..', `${dir.split('/').pop()}.tgz`);
    writeFileSync(tarball, await packDirectory(dir));
    dirs.push(tarball);
    const fromDir = await runScan(dir, { failOn: 'fail' });
    const fromTgz = await runScan(tarball, { failOn: 'fail' });
    expect(fromTgz.report).toEqual(fromDir.report);
  });

  it('packs deterministically and leaves out .git and node_modules', async () => {
    const dir = artifact({ 'SKILL.md': skillMd, '.git/config': 'x', 'node_modules/a/index.js': 'x' });
    const first = await packDirectory(dir);
    const second = await packDirectory(dir);
    expect(first.equals(second)).toBe(true);
    expect((await runScan(dir, { failOn: 'fail' })).report.files.map((f) => f.path)).toEqual(['SKILL.md']);
  });

  it('writes SARIF 2.1.0 with rules and located results', async () => {
    const dir = artifact({ 'SKILL.md': skillMd, 'x.exe': 'MZ' });
    const sarif = toSarif(await runScan(dir, { failOn: 'none' }), '0.0.0');
    expect(sarif.version).toBe('2.1.0');
    const run = sarif.runs[0];
    expect(run?.tool.driver.rules.map((r) => r.id)).toContain('blocked_file_type');
    expect(run?.results[0]).toMatchObject({
      ruleId: 'blocked_file_type',
      level: 'error',
      locations: [{ physicalLocation: { artifactLocation: { uri: 'x.exe' } } }],
    });
  });
});
