/**
 * The real `skills` CLI (vercel-labs/skills, from npm) installs a skill from a spawned server through
 * well-known discovery. The CLI needs Node ≥ 22, so the test installs Node 22's platform binary from
 * npm (`node-<platform>-<arch>`) next to the CLI, under .test-tmp/ so a rerun reuses them. Nothing
 * has to be preinstalled: npm is the only requirement.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir, testDbKind } from '../test-support/db.js';
import { type AdminServer, cliBin, startAdminServer } from './spawn.js';

/** Pinned so a new release cannot change what the test checks without a change here. */
const skillsVersion = '1.7.4';
const nodePackage = `node-${process.platform}-${process.arch}`;
const toolsDir = join(import.meta.dirname, '..', '.test-tmp', `skills-cli-${skillsVersion}`);
const node22 = join(toolsDir, 'node_modules', nodePackage, 'bin', 'node');
const skillsCli = join(toolsDir, 'node_modules', 'skills', 'bin', 'cli.mjs');

function installTools() {
  if (existsSync(node22) && existsSync(skillsCli)) return;
  mkdirSync(toolsDir, { recursive: true });
  execFileSync(
    'npm',
    [
      'install',
      '--no-save',
      '--no-package-lock',
      '--no-audit',
      '--no-fund',
      '--engine-strict=false',
      '--prefix',
      toolsDir,
      `${nodePackage}@22`,
      `skills@${skillsVersion}`,
    ],
    { stdio: 'pipe', timeout: 240_000 },
  );
}

describe(`skills CLI over well-known discovery (${testDbKind()})`, () => {
  let admin: AdminServer;
  let root: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    installTools();
    admin = await startAdminServer();
    root = makeTempDir('skills-cli');
    mkdirSync(join(root, 'home'));
    env = {
      PATH: process.env.PATH ?? '',
      HOME: join(root, 'home'),
      AGENTRY_CONFIG_DIR: join(root, 'config'),
      AGENTRY_REGISTRY: admin.server.url,
      AGENTRY_TOKEN: admin.token,
      DISABLE_TELEMETRY: '1',
      DO_NOT_TRACK: '1',
      CI: '1',
      NO_COLOR: '1',
    };
    const agentry = (args: string[], cwd: string) => {
      const result = spawnSync(process.execPath, [cliBin, ...args], {
        cwd,
        env,
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect(result.status, result.stderr + result.stdout).toBe(0);
    };
    const dir = join(root, 'wk-review');
    agentry(
      ['init', 'skill', '--name', 'wk-review', '--dir', dir, '--description', 'Reviews a change.'],
      root,
    );
    agentry(['publish'], dir);
  }, 300_000);

  afterAll(async () => {
    await admin?.close();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('`skills add <registry>` discovers the skill and installs it into .claude/skills/', async () => {
    const project = join(root, 'project');
    mkdirSync(project);
    const result = spawnSync(node22, [skillsCli, 'add', admin.server.url, '-y', '--agent', 'claude-code'], {
      cwd: project,
      env,
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(result.status, result.stdout + result.stderr).toBe(0);
    const installed = join(project, '.claude', 'skills', 'wk-review', 'SKILL.md');
    expect(existsSync(installed), result.stdout).toBe(true);
    const text = readFileSync(realpathSync(installed), 'utf8');
    expect(text).toMatch(/^---\nname: wk-review\ndescription: Reviews a change\.\n/);
    // The CLI records the digest it verified: the v0.2.0 index's archive digest, so the archive path was taken.
    const lock = JSON.parse(readFileSync(join(project, 'skills-lock.json'), 'utf8')) as {
      skills: Record<string, { sourceType: string; wellKnownDigest: string }>;
    };
    const index = (await (await fetch(`${admin.server.url}/.well-known/agent-skills/index.json`)).json()) as {
      skills: { name: string; digest: string }[];
    };
    expect(lock.skills['wk-review']?.sourceType).toBe('well-known');
    expect(lock.skills['wk-review']?.wellKnownDigest).toBe(
      index.skills.find((s) => s.name === 'wk-review')?.digest,
    );
  });
});
