/**
 * The `agentry` binary as a user runs it against a spawned server: login with a token, init and
 * publish, install into every agent tool (files exactly where each tool reads them, every written
 * config parsing in its tool's format), exit codes for a tampered tarball, --frozen drift and verify
 * drift, and remove restoring each config to its prior bytes.
 */

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseFrontmatter } from '@agentry/core';
import { parse as parseJsonc } from 'jsonc-parser';
import { parse as parseToml } from 'smol-toml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir, testDbKind } from '../test-support/db.js';
import { type AdminServer, cliBin, runBin, type SpawnedServer, startAdminServer } from './spawn.js';

const walk = (dir: string): string[] =>
  existsSync(dir)
    ? readdirSync(dir, { recursive: true })
        .map(String)
        .filter((p) => statSync(join(dir, p)).isFile())
        .sort()
    : [];

describe(`agentry CLI end to end (${testDbKind()})`, () => {
  let admin: AdminServer;
  let server: SpawnedServer;
  let token: string;
  let dataDir: string;
  let root: string;
  let env: Record<string, string>;
  const cli = (args: string[], cwd: string, extra: Record<string, string> = {}) => {
    const result = spawnSync(process.execPath, [cliBin, ...args], {
      cwd,
      env: { ...env, ...extra },
      encoding: 'utf8',
      timeout: 60_000,
    });
    return { code: result.status, stdout: result.stdout, stderr: result.stderr };
  };

  beforeAll(async () => {
    admin = await startAdminServer();
    ({ server, token, dataDir } = admin);
    root = makeTempDir('cli-e2e');
    mkdirSync(join(root, 'home'));
    env = {
      PATH: process.env.PATH ?? '',
      HOME: join(root, 'home'),
      AGENTRY_CONFIG_DIR: join(root, 'config'),
      AGENTRY_REGISTRY: server.url,
    };
  }, 60_000);

  afterAll(async () => {
    await admin?.close();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('logs in with a token, then publishes what init scaffolds', () => {
    const login = cli(['login', '--token', token, '--json'], root);
    expect(login.code, login.stderr).toBe(0);
    expect(JSON.parse(login.stdout).configFile).toBe(join(root, 'config', 'config.json'));
    expect(statSync(join(root, 'config', 'config.json')).mode & 0o777).toBe(0o600);
    expect(JSON.parse(cli(['whoami', '--json'], root).stdout).scopes).toContain('skills:publish');
    // One artifact of each installable shape; the pack needs the others.
    for (const [kind, name] of [
      ['skill', 'e2e-skill'],
      ['mcp', 'e2e-mcp'],
      ['hook', 'e2e-hook'],
      ['agent', 'e2e-agent'],
    ] as const) {
      const dir = join(root, name);
      expect(cli(['init', kind, '--name', name, '--dir', dir], root).code).toBe(0);
      const published = cli(['publish', '--json'], dir);
      expect(published.code, published.stderr + published.stdout).toBe(0);
      expect(JSON.parse(published.stdout).published.status).toBe('published');
    }
    const pack = join(root, 'e2e-pack');
    expect(cli(['init', 'pack', '--name', 'e2e-pack', '--dir', pack], root).code).toBe(0);
    const manifest = JSON.parse(readFileSync(join(pack, 'tank.json'), 'utf8'));
    manifest.skills = {
      'e2e-skill': '^0.1.0',
      'e2e-mcp': '^0.1.0',
      'e2e-hook': '^0.1.0',
      'e2e-agent': '^0.1.0',
    };
    writeFileSync(join(pack, 'tank.json'), JSON.stringify(manifest));
    const dry = cli(['publish', '--dry-run'], pack);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('dry run');
    expect(cli(['publish'], pack).code).toBe(0);
  });

  it('installs a pack and its dependencies into every tool, where each reads them, in its format', () => {
    const project = join(root, 'project');
    mkdirSync(project);
    const before = {
      '.mcp.json': '{\n  // ours\n  "mcpServers": { "team": { "command": "team" } }\n}\n',
      '.codex/config.toml': '# ours\nmodel = "o3"\n',
      '.gemini/settings.json': '{ "theme": "Dracula" }\n',
      'AGENTS.md': '# House rules\n\nBe brief.\n',
    };
    for (const [path, text] of Object.entries(before)) {
      mkdirSync(join(project, path, '..'), { recursive: true });
      writeFileSync(join(project, path), text);
    }
    const install = cli(['install', 'e2e-pack', '--tool', 'all', '--json'], project);
    expect(install.code, install.stderr + install.stdout).toBe(0);
    const result = JSON.parse(install.stdout);
    expect(result.installed.map((i: { name: string }) => i.name).sort()).toEqual([
      'e2e-agent',
      'e2e-hook',
      'e2e-mcp',
      'e2e-pack',
      'e2e-skill',
    ]);
    const files = walk(project);
    for (const path of [
      '.claude/skills/e2e-skill/SKILL.md',
      '.cursor/skills/e2e-skill/SKILL.md',
      '.agents/skills/e2e-skill/SKILL.md',
      '.github/skills/e2e-skill/SKILL.md',
      '.gemini/skills/e2e-skill/SKILL.md',
      '.windsurf/skills/e2e-skill/SKILL.md',
      '.opencode/skills/e2e-skill/SKILL.md',
      '.claude/agents/e2e-agent.md',
      '.cursor/agents/e2e-agent.md',
      '.codex/agents/e2e-agent.toml',
      '.github/agents/e2e-agent.agent.md',
      '.gemini/agents/e2e-agent.md',
      '.opencode/agents/e2e-agent.md',
      '.claude/commands/summarise.md',
      '.gemini/commands/summarise.toml',
      '.github/prompts/summarise.prompt.md',
      '.windsurf/workflows/summarise.md',
      '.cursor/rules/style.mdc',
      '.github/instructions/style.instructions.md',
      '.agentry/hooks/e2e-hook/after-edit.sh',
      '.github/hooks/e2e-hook.json',
      '.agentry/mcp/e2e-mcp/server.mjs',
      'opencode.json',
      '.vscode/mcp.json',
      '.cursor/mcp.json',
      '.cursor/hooks.json',
      '.claude/settings.json',
      'GEMINI.md',
      'agentry.lock',
    ]) {
      expect(files, path).toContain(path);
    }
    expect(statSync(join(project, '.agentry/hooks/e2e-hook/after-edit.sh')).mode & 0o100).not.toBe(0);
    // Every config parses in its tool's format and holds the server beside the user's own entries.
    const mcp = parseJsonc(readFileSync(join(project, '.mcp.json'), 'utf8'));
    expect(Object.keys(mcp.mcpServers).sort()).toEqual(['e2e-mcp', 'team']);
    expect(mcp.mcpServers['e2e-mcp']).toEqual({
      type: 'stdio',
      command: 'node',
      args: ['.agentry/mcp/e2e-mcp/server.mjs'],
    });
    const codex = parseToml(readFileSync(join(project, '.codex/config.toml'), 'utf8')) as {
      model: string;
      mcp_servers: Record<string, unknown>;
    };
    expect(codex.model).toBe('o3');
    expect(codex.mcp_servers['e2e-mcp']).toEqual({
      command: 'node',
      args: ['.agentry/mcp/e2e-mcp/server.mjs'],
    });
    const gemini = JSON.parse(readFileSync(join(project, '.gemini/settings.json'), 'utf8'));
    expect(gemini.theme).toBe('Dracula');
    expect(gemini.mcpServers['e2e-mcp'].command).toBe('node');
    expect(gemini.hooks.AfterTool[0].hooks[0].command).toBe('.agentry/hooks/e2e-hook/after-edit.sh');
    expect(JSON.parse(readFileSync(join(project, '.vscode/mcp.json'), 'utf8')).servers['e2e-mcp'].type).toBe(
      'stdio',
    );
    expect(JSON.parse(readFileSync(join(project, 'opencode.json'), 'utf8')).mcp['e2e-mcp'].command).toEqual([
      'node',
      '.agentry/mcp/e2e-mcp/server.mjs',
    ]);
    expect(
      JSON.parse(readFileSync(join(project, '.claude/settings.json'), 'utf8')).hooks.PostToolUse[0].matcher,
    ).toBe('Edit|Write');
    expect(JSON.parse(readFileSync(join(project, '.cursor/hooks.json'), 'utf8'))).toEqual({
      version: 1,
      hooks: { postToolUse: [{ command: '.agentry/hooks/e2e-hook/after-edit.sh' }] },
    });
    expect(
      JSON.parse(readFileSync(join(project, '.github/hooks/e2e-hook.json'), 'utf8')).hooks.postToolUse[0]
        .bash,
    ).toContain('after-edit.sh');
    const codexAgent = parseToml(
      readFileSync(join(project, '.codex/agents/e2e-agent.toml'), 'utf8'),
    ) as Record<string, string>;
    expect(codexAgent.name).toBe('e2e-agent');
    expect(codexAgent.developer_instructions).toContain('reviewer');
    expect(
      (
        parseToml(readFileSync(join(project, '.gemini/commands/summarise.toml'), 'utf8')) as {
          prompt: string;
        }
      ).prompt,
    ).toContain('{{args}}');
    expect(
      parseFrontmatter(readFileSync(join(project, '.cursor/rules/style.mdc'), 'utf8')).data.alwaysApply,
    ).toBe(true);
    const agents = readFileSync(join(project, 'AGENTS.md'), 'utf8');
    expect(agents.startsWith('# House rules\n\nBe brief.\n')).toBe(true);
    expect(agents).toContain('<!-- agentry:begin e2e-pack:style -->');

    // verify: clean, then an edited file is drift (exit 7).
    expect(cli(['verify'], project).code).toBe(0);
    writeFileSync(join(project, '.claude/agents/e2e-agent.md'), 'edited');
    const drift = cli(['verify', '--json'], project);
    expect(drift.code).toBe(7);
    expect(JSON.parse(drift.stdout).drift).toEqual([
      expect.objectContaining({ problem: 'modified', path: '.claude/agents/e2e-agent.md' }),
    ]);
    expect(cli(['install'], project).code).toBe(0);
    expect(cli(['verify'], project).code).toBe(0);

    // --frozen: in sync passes; a dependency agentry.lock lacks is drift (exit 7) and writes nothing.
    expect(cli(['install', '--frozen'], project).code).toBe(0);
    const manifestPath = join(project, 'agentry.json');
    const manifest = readFileSync(manifestPath, 'utf8');
    writeFileSync(
      manifestPath,
      JSON.stringify({ dependencies: { 'e2e-pack': '^0.1.0', 'e2e-extra': '^1.0.0' } }),
    );
    const frozen = cli(['install', '--frozen', '--json'], project);
    expect(frozen.code).toBe(7);
    expect(JSON.parse(frozen.stdout).error).toBe('lockfile_drift');
    writeFileSync(manifestPath, manifest);

    // remove: every placed file and entry goes; each config gets back its bytes.
    const removed = cli(['remove', 'e2e-pack'], project);
    expect(removed.code, removed.stderr).toBe(0);
    for (const [path, text] of Object.entries(before))
      expect(readFileSync(join(project, path), 'utf8'), path).toBe(text);
    expect(walk(project)).toEqual([
      '.codex/config.toml',
      '.gemini/settings.json',
      '.mcp.json',
      'AGENTS.md',
      'agentry.json',
      'agentry.lock',
    ]);
  });

  it('refuses a tampered tarball (exit 5) and writes nothing', () => {
    const dir = join(root, 'e2e-tamper');
    expect(cli(['init', 'skill', '--name', 'e2e-tamper', '--dir', dir], root).code).toBe(0);
    expect(cli(['publish'], dir).code).toBe(0);
    // The newest stored tarball is the one just published: flip a byte of it on the server's disk.
    const blobs = join(dataDir, 'blobs');
    const stored = walk(blobs)
      .filter((p) => p.endsWith('.tgz'))
      .map((p) => join(blobs, p));
    const newest = stored.sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0] as string;
    const bytes = readFileSync(newest);
    bytes[bytes.length - 3] = (bytes[bytes.length - 3] ?? 0) ^ 0xff;
    writeFileSync(newest, bytes);
    const project = join(root, 'tamper-project');
    mkdirSync(project);
    const run = cli(['install', 'e2e-tamper', '--tool', 'claude-code', '--json'], project);
    expect(run.code).toBe(5);
    expect(JSON.parse(run.stdout).error).toBe('integrity_mismatch');
    expect(walk(project)).toEqual([]);
  });

  it('speaks --help with examples, usage errors exit 2, unreachable registries exit 3, completions parse', () => {
    const help = cli(['install', '--help'], root);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Examples:');
    expect(cli(['install', '--tool', 'notepad', 'x'], root).code).toBe(2);
    expect(cli(['frobnicate'], root).code).toBe(2);
    expect(cli(['search', 'x'], root, { AGENTRY_REGISTRY: 'http://127.0.0.1:1' }).code).toBe(3);
    const bash = cli(['completions', 'bash'], root);
    expect(bash.stdout).toContain('install');
    const file = join(root, 'completion.bash');
    writeFileSync(file, bash.stdout);
    expect(spawnSync('bash', ['-n', file]).status).toBe(0);
    expect(cli(['completions', 'fish'], root).stdout).toContain('complete -c agentry');
    expect(cli(['completions', 'zsh'], root).stdout).toContain('#compdef agentry');
    expect(cli(['completions', 'tcsh'], root).code).toBe(2);
    const doctor = cli(['doctor', '--json'], root);
    expect(JSON.parse(doctor.stdout).checks[0]).toEqual(
      expect.objectContaining({ check: 'registry', ok: true }),
    );
    expect(runBin(cliBin, ['--version'], {}).stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });
});
