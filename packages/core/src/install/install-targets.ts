/**
 * Where each agent tool reads each kind of artifact, as data (reference: agent-tools.md). Paths are
 * relative to the project root (project scope) or the home directory (user scope); `{name}` is the
 * component's name. A kind or scope a tool does not read is simply absent, and the installer says so.
 * Tool layouts change every few months: change this table, and its per-tool tests, not the installer.
 */
export const toolIds = [
  'claude-code',
  'cursor',
  'codex',
  'copilot',
  'gemini',
  'windsurf',
  'opencode',
  'agents',
] as const;
export type ToolId = (typeof toolIds)[number];
export type Scope = 'project' | 'user';
export type ComponentKind = 'skill' | 'agent' | 'command' | 'instruction' | 'hook' | 'mcp';

/** How a single Markdown source becomes the file a tool reads. */
export type FileFormat =
  | 'markdown'
  | 'markdown-body'
  | 'gemini-command-toml'
  | 'codex-agent-toml'
  | 'claude-rule'
  | 'cursor-rule'
  | 'copilot-instructions'
  | 'windsurf-rule';

/** How an MCP server entry is spelled in a tool's config. */
export type McpDialect = 'claude' | 'standard' | 'vscode' | 'gemini' | 'windsurf' | 'opencode' | 'codex';
/** How hook definitions (Claude Code's shape in the artifact) are written for a tool. */
export type HookDialect = 'claude' | 'gemini' | 'cursor' | 'copilot';

export type Placement =
  /** The component's whole folder, copied. */
  | { type: 'dir'; path: string }
  /** One converted file. */
  | { type: 'file'; path: string; format: FileFormat }
  /** A marked block inside a Markdown file the user may share with other content (AGENTS.md). */
  | { type: 'block'; path: string }
  /** An entry merged into a config file under `key` (a path of object keys), beside the user's own. */
  | { type: 'mcp'; path: string; format: 'json' | 'toml'; key: string[]; dialect: McpDialect }
  /** Hook files copied to `filesPath`, and their definitions merged into `path`. */
  | {
      type: 'hooks';
      path: string;
      filesPath: string;
      dialect: HookDialect;
      /** Where the definitions live in that file; an own file per artifact when `ownFile`. */
      key: string[];
      ownFile?: boolean;
    };

export interface ToolTarget {
  id: ToolId;
  name: string;
  /** Paths whose presence shows the tool is in use: relative to the project, and to the home directory. */
  detect: { project: string[]; user: string[] };
  places: Partial<Record<ComponentKind, Partial<Record<Scope, Placement>>>>;
}

const hookFiles = { project: '.agentry/hooks/{name}', user: '.agentry/hooks/{name}' };

export const installTargets: Record<ToolId, ToolTarget> = {
  'claude-code': {
    id: 'claude-code',
    name: 'Claude Code',
    detect: { project: ['.claude', 'CLAUDE.md', '.mcp.json'], user: ['.claude', '.claude.json'] },
    places: {
      skill: {
        project: { type: 'dir', path: '.claude/skills/{name}' },
        user: { type: 'dir', path: '.claude/skills/{name}' },
      },
      command: {
        project: { type: 'file', path: '.claude/commands/{name}.md', format: 'markdown' },
        user: { type: 'file', path: '.claude/commands/{name}.md', format: 'markdown' },
      },
      agent: {
        project: { type: 'file', path: '.claude/agents/{name}.md', format: 'markdown' },
        user: { type: 'file', path: '.claude/agents/{name}.md', format: 'markdown' },
      },
      instruction: {
        project: { type: 'file', path: '.claude/rules/{name}.md', format: 'claude-rule' },
        user: { type: 'file', path: '.claude/rules/{name}.md', format: 'claude-rule' },
      },
      hook: {
        project: {
          type: 'hooks',
          path: '.claude/settings.json',
          filesPath: hookFiles.project,
          dialect: 'claude',
          key: ['hooks'],
        },
        user: {
          type: 'hooks',
          path: '.claude/settings.json',
          filesPath: hookFiles.user,
          dialect: 'claude',
          key: ['hooks'],
        },
      },
      mcp: {
        project: { type: 'mcp', path: '.mcp.json', format: 'json', key: ['mcpServers'], dialect: 'claude' },
        user: { type: 'mcp', path: '.claude.json', format: 'json', key: ['mcpServers'], dialect: 'claude' },
      },
    },
  },
  cursor: {
    id: 'cursor',
    name: 'Cursor',
    detect: { project: ['.cursor', '.cursorrules'], user: ['.cursor'] },
    places: {
      skill: {
        project: { type: 'dir', path: '.cursor/skills/{name}' },
        user: { type: 'dir', path: '.cursor/skills/{name}' },
      },
      command: {
        project: { type: 'file', path: '.cursor/commands/{name}.md', format: 'markdown-body' },
        user: { type: 'file', path: '.cursor/commands/{name}.md', format: 'markdown-body' },
      },
      agent: {
        project: { type: 'file', path: '.cursor/agents/{name}.md', format: 'markdown' },
        user: { type: 'file', path: '.cursor/agents/{name}.md', format: 'markdown' },
      },
      // User rules live in Cursor's settings, not in a file: project scope only.
      instruction: { project: { type: 'file', path: '.cursor/rules/{name}.mdc', format: 'cursor-rule' } },
      hook: {
        project: {
          type: 'hooks',
          path: '.cursor/hooks.json',
          filesPath: hookFiles.project,
          dialect: 'cursor',
          key: ['hooks'],
        },
        user: {
          type: 'hooks',
          path: '.cursor/hooks.json',
          filesPath: hookFiles.user,
          dialect: 'cursor',
          key: ['hooks'],
        },
      },
      mcp: {
        project: {
          type: 'mcp',
          path: '.cursor/mcp.json',
          format: 'json',
          key: ['mcpServers'],
          dialect: 'standard',
        },
        user: {
          type: 'mcp',
          path: '.cursor/mcp.json',
          format: 'json',
          key: ['mcpServers'],
          dialect: 'standard',
        },
      },
    },
  },
  codex: {
    id: 'codex',
    name: 'Codex',
    detect: { project: ['.codex', 'AGENTS.md'], user: ['.codex'] },
    places: {
      skill: {
        project: { type: 'dir', path: '.agents/skills/{name}' },
        user: { type: 'dir', path: '.agents/skills/{name}' },
      },
      // Codex prompts exist at user level only.
      command: { user: { type: 'file', path: '.codex/prompts/{name}.md', format: 'markdown' } },
      agent: {
        project: { type: 'file', path: '.codex/agents/{name}.toml', format: 'codex-agent-toml' },
        user: { type: 'file', path: '.codex/agents/{name}.toml', format: 'codex-agent-toml' },
      },
      instruction: {
        project: { type: 'block', path: 'AGENTS.md' },
        user: { type: 'block', path: '.codex/AGENTS.md' },
      },
      hook: {
        project: {
          type: 'hooks',
          path: '.codex/hooks.json',
          filesPath: hookFiles.project,
          dialect: 'claude',
          key: ['hooks'],
        },
        user: {
          type: 'hooks',
          path: '.codex/hooks.json',
          filesPath: hookFiles.user,
          dialect: 'claude',
          key: ['hooks'],
        },
      },
      mcp: {
        project: {
          type: 'mcp',
          path: '.codex/config.toml',
          format: 'toml',
          key: ['mcp_servers'],
          dialect: 'codex',
        },
        user: {
          type: 'mcp',
          path: '.codex/config.toml',
          format: 'toml',
          key: ['mcp_servers'],
          dialect: 'codex',
        },
      },
    },
  },
  copilot: {
    id: 'copilot',
    name: 'GitHub Copilot',
    detect: {
      project: ['.github/copilot-instructions.md', '.github/prompts', '.github/agents', '.vscode/mcp.json'],
      user: ['.copilot'],
    },
    places: {
      skill: {
        project: { type: 'dir', path: '.github/skills/{name}' },
        user: { type: 'dir', path: '.copilot/skills/{name}' },
      },
      command: { project: { type: 'file', path: '.github/prompts/{name}.prompt.md', format: 'markdown' } },
      agent: { project: { type: 'file', path: '.github/agents/{name}.agent.md', format: 'markdown' } },
      instruction: {
        project: {
          type: 'file',
          path: '.github/instructions/{name}.instructions.md',
          format: 'copilot-instructions',
        },
      },
      hook: {
        project: {
          type: 'hooks',
          path: '.github/hooks/{name}.json',
          filesPath: hookFiles.project,
          dialect: 'copilot',
          key: ['hooks'],
          ownFile: true,
        },
        user: {
          type: 'hooks',
          path: '.copilot/hooks/{name}.json',
          filesPath: hookFiles.user,
          dialect: 'copilot',
          key: ['hooks'],
          ownFile: true,
        },
      },
      mcp: {
        project: {
          type: 'mcp',
          path: '.vscode/mcp.json',
          format: 'json',
          key: ['servers'],
          dialect: 'vscode',
        },
        user: {
          type: 'mcp',
          path: '.copilot/mcp-config.json',
          format: 'json',
          key: ['mcpServers'],
          dialect: 'claude',
        },
      },
    },
  },
  gemini: {
    id: 'gemini',
    name: 'Gemini CLI',
    detect: { project: ['.gemini', 'GEMINI.md'], user: ['.gemini'] },
    places: {
      skill: {
        project: { type: 'dir', path: '.gemini/skills/{name}' },
        user: { type: 'dir', path: '.gemini/skills/{name}' },
      },
      command: {
        project: { type: 'file', path: '.gemini/commands/{name}.toml', format: 'gemini-command-toml' },
        user: { type: 'file', path: '.gemini/commands/{name}.toml', format: 'gemini-command-toml' },
      },
      agent: {
        project: { type: 'file', path: '.gemini/agents/{name}.md', format: 'markdown' },
        user: { type: 'file', path: '.gemini/agents/{name}.md', format: 'markdown' },
      },
      instruction: {
        project: { type: 'block', path: 'GEMINI.md' },
        user: { type: 'block', path: '.gemini/GEMINI.md' },
      },
      hook: {
        project: {
          type: 'hooks',
          path: '.gemini/settings.json',
          filesPath: hookFiles.project,
          dialect: 'gemini',
          key: ['hooks'],
        },
        user: {
          type: 'hooks',
          path: '.gemini/settings.json',
          filesPath: hookFiles.user,
          dialect: 'gemini',
          key: ['hooks'],
        },
      },
      mcp: {
        project: {
          type: 'mcp',
          path: '.gemini/settings.json',
          format: 'json',
          key: ['mcpServers'],
          dialect: 'gemini',
        },
        user: {
          type: 'mcp',
          path: '.gemini/settings.json',
          format: 'json',
          key: ['mcpServers'],
          dialect: 'gemini',
        },
      },
    },
  },
  windsurf: {
    id: 'windsurf',
    name: 'Windsurf',
    detect: { project: ['.windsurf', '.windsurfrules'], user: ['.codeium/windsurf'] },
    places: {
      skill: {
        project: { type: 'dir', path: '.windsurf/skills/{name}' },
        user: { type: 'dir', path: '.codeium/windsurf/skills/{name}' },
      },
      command: { project: { type: 'file', path: '.windsurf/workflows/{name}.md', format: 'markdown-body' } },
      instruction: { project: { type: 'file', path: '.windsurf/rules/{name}.md', format: 'windsurf-rule' } },
      // Windsurf reads MCP servers from the user file only.
      mcp: {
        user: {
          type: 'mcp',
          path: '.codeium/windsurf/mcp_config.json',
          format: 'json',
          key: ['mcpServers'],
          dialect: 'windsurf',
        },
      },
    },
  },
  opencode: {
    id: 'opencode',
    name: 'OpenCode',
    detect: { project: ['.opencode', 'opencode.json', 'opencode.jsonc'], user: ['.config/opencode'] },
    places: {
      skill: {
        project: { type: 'dir', path: '.opencode/skills/{name}' },
        user: { type: 'dir', path: '.config/opencode/skills/{name}' },
      },
      command: {
        project: { type: 'file', path: '.opencode/commands/{name}.md', format: 'markdown' },
        user: { type: 'file', path: '.config/opencode/commands/{name}.md', format: 'markdown' },
      },
      agent: {
        project: { type: 'file', path: '.opencode/agents/{name}.md', format: 'markdown' },
        user: { type: 'file', path: '.config/opencode/agents/{name}.md', format: 'markdown' },
      },
      instruction: {
        project: { type: 'block', path: 'AGENTS.md' },
        user: { type: 'block', path: '.config/opencode/AGENTS.md' },
      },
      mcp: {
        project: { type: 'mcp', path: 'opencode.json', format: 'json', key: ['mcp'], dialect: 'opencode' },
        user: {
          type: 'mcp',
          path: '.config/opencode/opencode.json',
          format: 'json',
          key: ['mcp'],
          dialect: 'opencode',
        },
      },
    },
  },
  agents: {
    id: 'agents',
    name: 'shared .agents/ layout',
    detect: { project: ['.agents', 'AGENTS.md'], user: ['.agents'] },
    places: {
      skill: {
        project: { type: 'dir', path: '.agents/skills/{name}' },
        user: { type: 'dir', path: '.agents/skills/{name}' },
      },
      instruction: { project: { type: 'block', path: 'AGENTS.md' } },
    },
  },
};

export function isToolId(value: string): value is ToolId {
  return (toolIds as readonly string[]).includes(value);
}

/** The placement for a tool, kind and scope with `{name}` filled in, or undefined when the tool has none. */
export function placementFor(
  tool: ToolId,
  kind: ComponentKind,
  scope: Scope,
  name: string,
): Placement | undefined {
  const placement = installTargets[tool].places[kind]?.[scope];
  if (!placement) return undefined;
  const fill = (path: string) => path.replaceAll('{name}', name);
  if (placement.type === 'hooks')
    return { ...placement, path: fill(placement.path), filesPath: fill(placement.filesPath) };
  return { ...placement, path: fill(placement.path) };
}
