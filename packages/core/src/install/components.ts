/**
 * What an artifact contributes to agent tools. A skill, agent, command, prompt, instruction, hook or
 * MCP artifact is one component at its root; a pack, template or config is a bundle whose components
 * sit in conventional folders (skills/<n>/SKILL.md, agents/<n>.md, commands/<n>.md, prompts/<n>.md,
 * instructions/<n>.md, rules/<n>.md, hooks/<n>/hooks.json, mcp-servers/<n>.json).
 */
import type { ArtifactKind } from '../names.js';
import { InstallError } from './install-error.js';
import type { ComponentKind } from './install-targets.js';

export interface McpServerSpec {
  command?: string;
  args?: string[];
  env?: Record<string, string>;
  url?: string;
  headers?: Record<string, string>;
}

export interface HookHandler {
  type: 'command';
  command: string;
  timeout?: number;
}
/** Claude Code's shape: event → matcher groups, each with command handlers. */
export type HookDefinitions = Record<string, { matcher?: string; hooks: HookHandler[] }[]>;

export type Component =
  | { kind: 'skill'; name: string; root: string }
  | { kind: 'agent' | 'command' | 'instruction'; name: string; source: string }
  | { kind: 'hook'; name: string; root: string; definitions: HookDefinitions }
  | { kind: 'mcp'; name: string; server: McpServerSpec };

export type ArtifactFiles = Map<string, Buffer>;

const componentNamePattern = /^[a-z0-9][a-z0-9._-]*$/;
const notMain = new Set(['readme.md', 'changelog.md', 'license.md', 'contributing.md', 'security.md']);
const mainFileNames: Partial<Record<ArtifactKind, string[]>> = {
  agent: ['AGENT.md', 'agent.md'],
  command: ['COMMAND.md', 'command.md'],
  prompt: ['PROMPT.md', 'prompt.md', 'COMMAND.md'],
  instruction: ['INSTRUCTIONS.md', 'RULE.md', 'RULES.md', 'instructions.md', 'rule.md'],
};

function text(files: ArtifactFiles, path: string): string {
  return files.get(path)?.toString('utf8') ?? '';
}

/** The Markdown file that is the artifact: its conventional name, else its only top-level .md besides README. */
function findMainFile(files: ArtifactFiles, kind: ArtifactKind): string {
  for (const candidate of mainFileNames[kind] ?? []) if (files.has(candidate)) return candidate;
  const top = [...files.keys()].filter((p) => !p.includes('/') && p.toLowerCase().endsWith('.md'));
  const own = top.filter((p) => !notMain.has(p.toLowerCase()));
  if (own.length === 1 && own[0]) return own[0];
  if (own.length === 0 && files.has('README.md')) return 'README.md';
  throw new InstallError(
    'invalid_artifact',
    own.length === 0
      ? `a ${kind} artifact needs a Markdown file (${(mainFileNames[kind] ?? []).join(', ')})`
      : `a ${kind} artifact has several Markdown files (${own.join(', ')}); name one ${mainFileNames[kind]?.[0]}`,
  );
}

function parseJson(files: ArtifactFiles, path: string): unknown {
  try {
    return JSON.parse(text(files, path));
  } catch (error) {
    throw new InstallError('invalid_artifact', `${path} is not valid JSON: ${(error as Error).message}`);
  }
}

function stringRecord(value: unknown): Record<string, string> | undefined {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const out: Record<string, string> = {};
  for (const [key, v] of Object.entries(value)) if (typeof v === 'string') out[key] = v;
  return out;
}

/** An MCP server from mcp.json (or Tank's `mcp_server`): local `command`/`args`/`env` or remote `url`. */
export function readMcpServer(value: unknown, where: string): McpServerSpec {
  const input = (value && typeof value === 'object' ? value : {}) as Record<string, unknown>;
  const url =
    typeof input.url === 'string' ? input.url : typeof input.remote === 'string' ? input.remote : undefined;
  if (url) {
    if (!/^https?:\/\//.test(url))
      throw new InstallError('invalid_artifact', `${where}: url must be http(s)`);
    const headers = stringRecord(input.headers);
    return { url, ...(headers ? { headers } : {}) };
  }
  if (typeof input.command !== 'string' || input.command.trim() === '') {
    throw new InstallError('invalid_artifact', `${where} needs "command" (local) or "url" (remote)`);
  }
  const args = Array.isArray(input.args) ? input.args.filter((a): a is string => typeof a === 'string') : [];
  const env = stringRecord(input.env);
  return { command: input.command, args, ...(env && Object.keys(env).length > 0 ? { env } : {}) };
}

export function readHookDefinitions(value: unknown, where: string): HookDefinitions {
  const root = (
    value && typeof value === 'object' ? (value as Record<string, unknown>).hooks : undefined
  ) as unknown;
  if (!root || typeof root !== 'object' || Array.isArray(root)) {
    throw new InstallError('invalid_artifact', `${where} needs {"hooks": {"<Event>": [{"hooks": [...]}]}}`);
  }
  const out: HookDefinitions = {};
  for (const [event, groups] of Object.entries(root as Record<string, unknown>)) {
    if (!Array.isArray(groups))
      throw new InstallError('invalid_artifact', `${where}: hooks.${event} must be a list`);
    out[event] = groups.map((group, index) => {
      const g = (group ?? {}) as Record<string, unknown>;
      const handlers = Array.isArray(g.hooks) ? g.hooks : [];
      const hooks = handlers.map((h) => {
        const handler = (h ?? {}) as Record<string, unknown>;
        if (typeof handler.command !== 'string' || handler.command === '') {
          throw new InstallError(
            'invalid_artifact',
            `${where}: hooks.${event}[${index}] has a handler without "command"`,
          );
        }
        return {
          type: 'command' as const,
          command: handler.command,
          ...(typeof handler.timeout === 'number' ? { timeout: handler.timeout } : {}),
        };
      });
      return { ...(typeof g.matcher === 'string' ? { matcher: g.matcher } : {}), hooks };
    });
  }
  return out;
}

function mcpFromRoot(files: ArtifactFiles, name: string): Component {
  if (files.has('mcp.json')) {
    const parsed = parseJson(files, 'mcp.json') as Record<string, unknown>;
    // Either the server itself, or {"mcpServers": {"<name>": {...}}} with one entry, as tools write it.
    const nested = parsed.mcpServers as Record<string, unknown> | undefined;
    const entries = nested && typeof nested === 'object' ? Object.entries(nested) : [];
    if (entries.length === 1 && entries[0])
      return { kind: 'mcp', name, server: readMcpServer(entries[0][1], 'mcp.json') };
    return { kind: 'mcp', name, server: readMcpServer(parsed, 'mcp.json') };
  }
  for (const manifest of ['tank.json', 'skills.json']) {
    if (!files.has(manifest)) continue;
    const parsed = parseJson(files, manifest) as Record<string, unknown>;
    if (parsed.mcp_server)
      return { kind: 'mcp', name, server: readMcpServer(parsed.mcp_server, `${manifest} mcp_server`) };
  }
  throw new InstallError('invalid_artifact', 'an mcp artifact needs mcp.json (or mcp_server in tank.json)');
}

function bundleComponents(files: ArtifactFiles): Component[] {
  const out: Component[] = [];
  const seen = new Set<string>();
  const add = (component: Component) => {
    const key = `${component.kind}:${component.name}`;
    if (!componentNamePattern.test(component.name)) {
      throw new InstallError(
        'invalid_artifact',
        `"${component.name}" is not a usable ${component.kind} name`,
      );
    }
    if (seen.has(key))
      throw new InstallError(
        'invalid_artifact',
        `two ${component.kind} components are named ${component.name}`,
      );
    seen.add(key);
    out.push(component);
  };
  const folders: [string, 'agent' | 'command' | 'instruction'][] = [
    ['agents', 'agent'],
    ['commands', 'command'],
    ['prompts', 'command'],
    ['instructions', 'instruction'],
    ['rules', 'instruction'],
  ];
  for (const path of [...files.keys()].sort()) {
    const parts = path.split('/');
    if (parts.length === 3 && parts[0] === 'skills' && parts[2] === 'SKILL.md' && parts[1]) {
      add({ kind: 'skill', name: parts[1], root: `skills/${parts[1]}` });
    } else if (parts.length === 3 && parts[0] === 'hooks' && parts[2] === 'hooks.json' && parts[1]) {
      add({
        kind: 'hook',
        name: parts[1],
        root: `hooks/${parts[1]}`,
        definitions: readHookDefinitions(parseJson(files, path), path),
      });
    } else if (parts.length === 2 && parts[0] === 'mcp-servers' && parts[1]?.endsWith('.json')) {
      add({ kind: 'mcp', name: parts[1].slice(0, -5), server: readMcpServer(parseJson(files, path), path) });
    } else if (parts.length === 2 && parts[1]?.endsWith('.md')) {
      const kind = folders.find(([folder]) => folder === parts[0])?.[1];
      if (kind) add({ kind, name: parts[1].slice(0, -3), source: path });
    }
  }
  return out;
}

/**
 * The components of an artifact of `kind`. `name` is the artifact's bare name (no scope), used for a
 * root component. Throws invalid_artifact when the files do not match the kind.
 */
export function listComponents(files: ArtifactFiles, kind: ArtifactKind, name: string): Component[] {
  switch (kind) {
    case 'skill':
      if (!files.has('SKILL.md'))
        throw new InstallError('invalid_artifact', 'a skill needs SKILL.md at its root');
      return [{ kind: 'skill', name, root: '' }];
    case 'agent':
      return [{ kind: 'agent', name, source: findMainFile(files, kind) }];
    case 'command':
    case 'prompt':
      return [{ kind: 'command', name, source: findMainFile(files, kind) }];
    case 'instruction':
      return [{ kind: 'instruction', name, source: findMainFile(files, kind) }];
    case 'hook':
      if (!files.has('hooks.json'))
        throw new InstallError('invalid_artifact', 'a hook artifact needs hooks.json at its root');
      return [
        {
          kind: 'hook',
          name,
          root: '',
          definitions: readHookDefinitions(parseJson(files, 'hooks.json'), 'hooks.json'),
        },
      ];
    case 'mcp':
      return [mcpFromRoot(files, name)];
    default: {
      const components = bundleComponents(files);
      // A bundle may also be a skill itself (SKILL.md at its root).
      if (files.has('SKILL.md')) components.unshift({ kind: 'skill', name, root: '' });
      return components;
    }
  }
}

/** Files of a folder component, relative to that folder. */
export function filesUnder(files: ArtifactFiles, root: string): Map<string, Buffer> {
  if (root === '') return files;
  const prefix = `${root}/`;
  return new Map(
    [...files]
      .filter(([path]) => path.startsWith(prefix))
      .map(([path, bytes]) => [path.slice(prefix.length), bytes]),
  );
}

export type { ComponentKind };
