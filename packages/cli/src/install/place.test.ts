/**
 * One artifact of every component kind, placed for each tool at both scopes: every file lands where
 * that tool reads it (paths from reference/agent-tools.md, written out here rather than read from
 * the table under test), every config parses in the tool's format, and removal gives back exactly
 * what was there before.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseFrontmatter, type Scope, type ToolId, toolIds } from '@agentry/core';
import { parse as parseJsonc } from 'jsonc-parser';
import { parse as parseToml } from 'smol-toml';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CliError } from '../cli-error.js';
import { checkItem } from './drift.js';
import {
  type ArtifactPayload,
  applyPlan,
  createdDirsOf,
  finishPlan,
  PlacementPlan,
  planPlacement,
  planRemoval,
} from './place.js';
import { locateProject, type PlacedItem, readState, writeState } from './project.js';

function payload(
  name: string,
  kind: ArtifactPayload['kind'],
  files: Record<string, string>,
  modes: Record<string, number> = {},
): ArtifactPayload {
  return {
    name,
    version: '1.0.0',
    kind,
    integrity: 'sha512-test',
    files: new Map(Object.entries(files).map(([path, text]) => [path, Buffer.from(text)])),
    modes: new Map(Object.entries(modes)),
  };
}

const everything = payload(
  '@acme/kit',
  'pack',
  {
    'skills/review/SKILL.md': '---\nname: review\ndescription: Reviews code.\n---\n\nReview it.\n',
    'skills/review/scripts/run.sh': '#!/bin/sh\necho run\n',
    'agents/critic.md': '---\nname: critic\ndescription: A critic\n---\n\nCriticise.\n',
    'commands/ship.md': '---\ndescription: Ship it\n---\n\nShip $ARGUMENTS.\n',
    'rules/style.md': '---\ndescription: Style\nglobs: ["**/*.ts"]\n---\n\nUse semicolons.\n',
    'hooks/fmt/hooks.json': JSON.stringify({
      hooks: {
        PostToolUse: [
          { matcher: 'Edit', hooks: [{ type: 'command', command: '${AGENTRY_HOOK_DIR}/fmt.sh' }] },
        ],
      },
    }),
    'hooks/fmt/fmt.sh': '#!/bin/sh\necho fmt\n',
    'mcp-servers/search.json': JSON.stringify({
      command: 'search-server',
      args: ['--stdio'],
      env: { LEVEL: 'info' },
    }),
  },
  { 'skills/review/scripts/run.sh': 0o755, 'hooks/fmt/fmt.sh': 0o755 },
);

/** Where each tool reads each kind (agent-tools.md): [scope, kind, path, format]. */
type Format = 'skill' | 'md' | 'mdc' | 'toml' | 'json' | 'jsonc' | 'block';
const expected: Record<ToolId, [Scope, string, string, Format][]> = {
  'claude-code': [
    ['project', 'skill', '.claude/skills/review/SKILL.md', 'skill'],
    ['project', 'agent', '.claude/agents/critic.md', 'md'],
    ['project', 'command', '.claude/commands/ship.md', 'md'],
    ['project', 'rule', '.claude/rules/style.md', 'md'],
    ['project', 'hook', '.claude/settings.json', 'json'],
    ['project', 'mcp', '.mcp.json', 'json'],
    ['user', 'skill', '.claude/skills/review/SKILL.md', 'skill'],
    ['user', 'mcp', '.claude.json', 'json'],
  ],
  cursor: [
    ['project', 'skill', '.cursor/skills/review/SKILL.md', 'skill'],
    ['project', 'agent', '.cursor/agents/critic.md', 'md'],
    ['project', 'command', '.cursor/commands/ship.md', 'md'],
    ['project', 'rule', '.cursor/rules/style.mdc', 'mdc'],
    ['project', 'hook', '.cursor/hooks.json', 'json'],
    ['project', 'mcp', '.cursor/mcp.json', 'json'],
    ['user', 'mcp', '.cursor/mcp.json', 'json'],
  ],
  codex: [
    ['project', 'skill', '.agents/skills/review/SKILL.md', 'skill'],
    ['project', 'agent', '.codex/agents/critic.toml', 'toml'],
    ['project', 'rule', 'AGENTS.md', 'block'],
    ['project', 'hook', '.codex/hooks.json', 'json'],
    ['project', 'mcp', '.codex/config.toml', 'toml'],
    ['user', 'command', '.codex/prompts/ship.md', 'md'],
    ['user', 'rule', '.codex/AGENTS.md', 'block'],
  ],
  copilot: [
    ['project', 'skill', '.github/skills/review/SKILL.md', 'skill'],
    ['project', 'agent', '.github/agents/critic.agent.md', 'md'],
    ['project', 'command', '.github/prompts/ship.prompt.md', 'md'],
    ['project', 'rule', '.github/instructions/style.instructions.md', 'md'],
    ['project', 'hook', '.github/hooks/fmt.json', 'json'],
    ['project', 'mcp', '.vscode/mcp.json', 'json'],
    ['user', 'skill', '.copilot/skills/review/SKILL.md', 'skill'],
    ['user', 'mcp', '.copilot/mcp-config.json', 'json'],
  ],
  gemini: [
    ['project', 'skill', '.gemini/skills/review/SKILL.md', 'skill'],
    ['project', 'agent', '.gemini/agents/critic.md', 'md'],
    ['project', 'command', '.gemini/commands/ship.toml', 'toml'],
    ['project', 'rule', 'GEMINI.md', 'block'],
    ['project', 'mcp', '.gemini/settings.json', 'json'],
    ['user', 'rule', '.gemini/GEMINI.md', 'block'],
  ],
  windsurf: [
    ['project', 'skill', '.windsurf/skills/review/SKILL.md', 'skill'],
    ['project', 'command', '.windsurf/workflows/ship.md', 'md'],
    ['project', 'rule', '.windsurf/rules/style.md', 'md'],
    ['user', 'skill', '.codeium/windsurf/skills/review/SKILL.md', 'skill'],
    ['user', 'mcp', '.codeium/windsurf/mcp_config.json', 'json'],
  ],
  opencode: [
    ['project', 'skill', '.opencode/skills/review/SKILL.md', 'skill'],
    ['project', 'agent', '.opencode/agents/critic.md', 'md'],
    ['project', 'command', '.opencode/commands/ship.md', 'md'],
    ['project', 'rule', 'AGENTS.md', 'block'],
    ['project', 'mcp', 'opencode.json', 'json'],
    ['user', 'skill', '.config/opencode/skills/review/SKILL.md', 'skill'],
    ['user', 'mcp', '.config/opencode/opencode.json', 'json'],
  ],
  agents: [
    ['project', 'skill', '.agents/skills/review/SKILL.md', 'skill'],
    ['project', 'rule', 'AGENTS.md', 'block'],
    ['user', 'skill', '.agents/skills/review/SKILL.md', 'skill'],
  ],
};

/** The MCP entry as each tool's config holds it. */
function mcpEntry(tool: ToolId, path: string, text: string): unknown {
  if (path.endsWith('.toml'))
    return (parseToml(text) as { mcp_servers?: Record<string, unknown> }).mcp_servers?.search;
  const parsed = parseJsonc(text) as Record<string, Record<string, unknown>>;
  if (tool === 'opencode') return parsed.mcp?.search;
  if (tool === 'copilot' && path === '.vscode/mcp.json') return parsed.servers?.search;
  return parsed.mcpServers?.search;
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'agentry-place-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function place(scope: Scope, tools: ToolId[], artifact = everything, force = false): PlacedItem[] {
  const paths = locateProject(scope, dir, dir);
  const state = readState(paths);
  const plan = new PlacementPlan(paths, state);
  const items = planPlacement(plan, artifact, tools, { force });
  state.artifacts[artifact.name] = {
    version: artifact.version,
    kind: artifact.kind,
    integrity: artifact.integrity,
    tools,
    placements: items,
  };
  finishPlan(plan);
  applyPlan(plan);
  writeState(paths, state);
  return items;
}

function unplace(scope: Scope, name = everything.name): void {
  const paths = locateProject(scope, dir, dir);
  const state = readState(paths);
  const installed = state.artifacts[name];
  if (!installed) throw new Error('not installed');
  const plan = new PlacementPlan(paths, state);
  planRemoval(plan, installed.placements);
  delete state.artifacts[name];
  finishPlan(plan);
  applyPlan(plan, createdDirsOf(installed.placements));
  writeState(paths, state);
}

describe.each(toolIds.map((tool) => [tool]))('placement for %s', (tool) => {
  it.each(['project', 'user'] as Scope[])(
    'puts each kind where the tool reads it (%s scope), in its format',
    (scope) => {
      place(scope, [tool]);
      for (const [s, kind, path, format] of expected[tool].filter(([s]) => s === scope)) {
        const full = join(dir, path);
        expect(existsSync(full), `${tool} ${s} ${kind}: ${path}`).toBe(true);
        const text = readFileSync(full, 'utf8');
        if (format === 'skill') {
          expect(parseFrontmatter(text).data.name).toBe('review');
          expect(statSync(join(dirname(full), 'scripts/run.sh')).mode & 0o111).not.toBe(0);
        } else if (format === 'toml') expect(() => parseToml(text)).not.toThrow();
        else if (format === 'json') expect(() => JSON.parse(text)).not.toThrow();
        else if (format === 'block') expect(text).toContain('<!-- agentry:begin @acme/kit:style -->');
        else expect(text.length).toBeGreaterThan(0);
        if (kind === 'mcp') {
          const entry = mcpEntry(tool, path, text) as Record<string, unknown>;
          expect(entry, `${path} has the server`).toBeDefined();
          expect(JSON.stringify(entry)).toContain('search-server');
        }
        if (kind === 'hook' && format === 'json') expect(text).toContain('.agentry/hooks/fmt/fmt.sh');
      }
      unplace(scope);
      // Nothing is left behind in a folder that was empty before.
      expect(existsSync(join(dir, '.agentry', 'state.json'))).toBe(false);
      for (const [, , path] of expected[tool].filter(([s]) => s === scope))
        expect(existsSync(join(dir, path)), path).toBe(false);
    },
  );
});

describe('placing into shared files', () => {
  it('keeps the user entries in every config and gives back the exact bytes on removal', () => {
    const originals: Record<string, string> = {
      '.mcp.json': '{\n  // mine\n  "mcpServers": { "mine": { "command": "x" } }\n}\n',
      '.codex/config.toml': '# keep\nmodel = "o3"\n',
      '.claude/settings.json':
        '{"hooks":{"Stop":[{"hooks":[{"type":"command","command":"mine"}]}]},"theme":"dark"}',
      'AGENTS.md': '# Rules\n\nBe brief.\n',
      'opencode.json': '{ "model": "x" }\n',
    };
    for (const [path, text] of Object.entries(originals)) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), text);
    }
    place('project', [...toolIds]);
    const mcp = parseJsonc(readFileSync(join(dir, '.mcp.json'), 'utf8'));
    expect(Object.keys(mcp.mcpServers).sort()).toEqual(['mine', 'search']);
    expect(JSON.parse(readFileSync(join(dir, '.claude/settings.json'), 'utf8')).hooks.Stop).toHaveLength(1);
    expect(readFileSync(join(dir, 'AGENTS.md'), 'utf8').startsWith('# Rules\n\nBe brief.')).toBe(true);
    // Codex, OpenCode and the shared layout read one AGENTS.md: one block, not three.
    expect(readFileSync(join(dir, 'AGENTS.md'), 'utf8').match(/agentry:begin/g)).toHaveLength(1);
    unplace('project');
    for (const [path, text] of Object.entries(originals))
      expect(readFileSync(join(dir, path), 'utf8'), path).toBe(text);
  });

  it('keeps a change the user made to a shared file after install', () => {
    place('project', ['claude-code']);
    const path = join(dir, '.mcp.json');
    const edited = JSON.parse(readFileSync(path, 'utf8'));
    edited.mcpServers.theirs = { command: 'later' };
    writeFileSync(path, JSON.stringify(edited));
    unplace('project');
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({ mcpServers: { theirs: { command: 'later' } } });
  });

  it('refuses files it did not create (install_conflict) unless forced, and writes nothing first', () => {
    mkdirSync(join(dir, '.claude/agents'), { recursive: true });
    writeFileSync(join(dir, '.claude/agents/critic.md'), 'mine');
    let code: string | undefined;
    try {
      place('project', ['claude-code']);
    } catch (error) {
      code = (error as CliError).code;
    }
    expect(code).toBe('install_conflict');
    expect(existsSync(join(dir, '.claude/skills'))).toBe(false);
    expect(existsSync(join(dir, '.mcp.json'))).toBe(false);
    place('project', ['claude-code'], everything, true);
    expect(readFileSync(join(dir, '.claude/agents/critic.md'), 'utf8')).toContain('Criticise');
  });

  it('refuses an MCP entry of the same name that the user owns', () => {
    writeFileSync(join(dir, '.mcp.json'), JSON.stringify({ mcpServers: { search: { command: 'theirs' } } }));
    expect(() => place('project', ['claude-code'])).toThrow(
      expect.objectContaining({ code: 'install_conflict' }),
    );
    expect(JSON.parse(readFileSync(join(dir, '.mcp.json'), 'utf8')).mcpServers.search.command).toBe('theirs');
  });

  it('refuses to touch a config that does not parse (config_unreadable)', () => {
    writeFileSync(join(dir, '.mcp.json'), '{ "mcpServers": ');
    expect(() => place('project', ['claude-code'])).toThrow(
      expect.objectContaining({ code: 'config_unreadable' }),
    );
    expect(readFileSync(join(dir, '.mcp.json'), 'utf8')).toBe('{ "mcpServers": ');
  });

  it('reports drift for an edited file, a removed entry and an extra file', () => {
    const items = place('project', ['claude-code', 'codex']);
    const check = () => items.flatMap((item) => checkItem(dir, everything.name, item, undefined));
    expect(check()).toEqual([]);
    writeFileSync(join(dir, '.claude/agents/critic.md'), 'changed');
    writeFileSync(join(dir, '.claude/skills/review/extra.md'), 'extra');
    writeFileSync(join(dir, '.codex/config.toml'), '');
    const problems = check().map((d) => `${d.problem} ${d.path}`);
    expect(problems).toEqual(
      expect.arrayContaining([
        'modified .claude/agents/critic.md',
        'unexpected .claude/skills/review/extra.md',
        'missing .codex/config.toml',
      ]),
    );
  });

  it('places a skill once for tools that share a folder', () => {
    const items = place('project', ['codex', 'agents']);
    const skill = items.filter((item) => item.type === 'dir' && item.path === '.agents/skills/review');
    expect(skill).toHaveLength(1);
    expect(skill[0]?.tools.sort()).toEqual(['agents', 'codex']);
  });

  it('refuses an artifact whose files do not match its kind (invalid_artifact)', () => {
    expect(() =>
      place('project', ['claude-code'], payload('plain', 'skill', { 'README.md': 'no skill here' })),
    ).toThrow(expect.objectContaining({ code: 'invalid_artifact' }));
  });

  it('refuses to remove anything outside the project, even when the state file says so', () => {
    const outside = join(dir, '..', `outside-${process.pid}`);
    mkdirSync(outside, { recursive: true });
    writeFileSync(join(outside, 'keep.txt'), 'keep');
    const paths = locateProject('project', dir, dir);
    const state = readState(paths);
    state.artifacts.evil = {
      version: '1.0.0',
      kind: 'skill',
      integrity: 'x',
      tools: ['claude-code'],
      placements: [
        {
          type: 'dir',
          tools: ['claude-code'],
          path: `../outside-${process.pid}`,
          root: '',
          files: {},
          createdDirs: [],
        },
      ],
    };
    writeState(paths, state);
    expect(() => unplace('project', 'evil')).toThrow(expect.objectContaining({ code: 'invalid_lockfile' }));
    expect(readFileSync(join(outside, 'keep.txt'), 'utf8')).toBe('keep');
    rmSync(outside, { recursive: true, force: true });
  });
});
