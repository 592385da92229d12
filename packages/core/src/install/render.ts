/**
 * Turns an artifact's sources into what each tool reads: Markdown in each tool's dialect, Gemini's
 * TOML commands, Codex's TOML agents, MCP entries with each tool's field names, hook definitions
 * with each tool's event names. Pure functions over strings and objects.
 */
import { stringify as stringifyToml } from 'smol-toml';
import type { HookDefinitions, McpServerSpec } from './components.js';
import { parseFrontmatter, renderFrontmatter } from './frontmatter.js';
import type { FileFormat, HookDialect, McpDialect } from './install-targets.js';

function globsOf(data: Record<string, unknown>): string[] {
  const raw = data.globs ?? data.paths ?? data.applyTo;
  if (Array.isArray(raw)) return raw.filter((g): g is string => typeof g === 'string' && g.trim() !== '');
  if (typeof raw === 'string')
    return raw
      .split(',')
      .map((g) => g.trim())
      .filter(Boolean);
  return [];
}

function descriptionOf(data: Record<string, unknown>): string | undefined {
  return typeof data.description === 'string' ? data.description : undefined;
}

/** The text of the file a tool reads for a Markdown source in `format`. */
export function renderFile(format: FileFormat, source: string, name: string): string {
  const { data, body } = parseFrontmatter(source);
  const description = descriptionOf(data);
  const globs = globsOf(data);
  const always = data.alwaysApply === true || globs.length === 0;
  switch (format) {
    case 'markdown':
      return source;
    case 'markdown-body':
      return body.replace(/^\n+/, '');
    case 'gemini-command-toml':
      // Gemini substitutes {{args}} where Claude-style commands say $ARGUMENTS.
      return stringifyToml({
        ...(description ? { description } : {}),
        prompt: body.replace(/^\n+/, '').replaceAll('$ARGUMENTS', '{{args}}'),
      }).concat('\n');
    case 'codex-agent-toml':
      return stringifyToml({
        name: typeof data.name === 'string' ? data.name : name,
        description: description ?? name,
        developer_instructions: body.replace(/^\n+/, ''),
        ...(typeof data.model === 'string' && !['haiku', 'sonnet', 'opus', 'inherit'].includes(data.model)
          ? { model: data.model }
          : {}),
      }).concat('\n');
    case 'claude-rule':
      return renderFrontmatter(globs.length > 0 ? { paths: globs } : {}, body);
    case 'cursor-rule':
      return renderFrontmatter(
        {
          description: description ?? '',
          ...(globs.length > 0 ? { globs: globs.join(',') } : {}),
          alwaysApply: always,
        },
        body,
      );
    case 'copilot-instructions':
      return renderFrontmatter({ applyTo: globs.length > 0 ? globs.join(',') : '**' }, body);
    case 'windsurf-rule':
      return renderFrontmatter(
        always
          ? { trigger: 'always_on' }
          : { trigger: 'glob', globs: globs.join(','), ...(description ? { description } : {}) },
        body,
      );
  }
}

/** The body of an instruction as it goes into a shared file (AGENTS.md, GEMINI.md). */
export function renderBlockBody(source: string): string {
  return parseFrontmatter(source).body.trim();
}

/** One MCP server entry in a tool's own spelling. */
export function renderMcpEntry(dialect: McpDialect, server: McpServerSpec): Record<string, unknown> {
  const headers = server.headers && Object.keys(server.headers).length > 0 ? { headers: server.headers } : {};
  const env = server.env && Object.keys(server.env).length > 0 ? server.env : undefined;
  if (server.url) {
    switch (dialect) {
      case 'claude':
      case 'vscode':
        return { type: 'http', url: server.url, ...headers };
      case 'gemini':
        return { httpUrl: server.url, ...headers };
      case 'windsurf':
        return { serverUrl: server.url, ...headers };
      case 'opencode':
        return { type: 'remote', url: server.url, enabled: true, ...headers };
      case 'codex':
        return { url: server.url, ...(server.headers ? { http_headers: server.headers } : {}) };
      default:
        return { url: server.url, ...headers };
    }
  }
  const local = { command: server.command, args: server.args ?? [], ...(env ? { env } : {}) };
  switch (dialect) {
    case 'claude':
    case 'vscode':
      return { type: 'stdio', ...local };
    case 'opencode':
      return {
        type: 'local',
        command: [server.command, ...(server.args ?? [])],
        enabled: true,
        ...(env ? { environment: env } : {}),
      };
    default:
      return local;
  }
}

/** Claude Code event names and their equivalents; a tool without an equivalent skips the event. */
const eventNames: Record<Exclude<HookDialect, 'claude'>, Record<string, string>> = {
  gemini: {
    PreToolUse: 'BeforeTool',
    PostToolUse: 'AfterTool',
    UserPromptSubmit: 'BeforeAgent',
    Stop: 'AfterAgent',
    SessionStart: 'SessionStart',
    SessionEnd: 'SessionEnd',
    Notification: 'Notification',
    PreCompact: 'PreCompress',
  },
  cursor: {
    UserPromptSubmit: 'beforeSubmitPrompt',
    Stop: 'stop',
    PreToolUse: 'preToolUse',
    PostToolUse: 'postToolUse',
    SessionStart: 'sessionStart',
    SessionEnd: 'sessionEnd',
  },
  copilot: {
    SessionStart: 'sessionStart',
    SessionEnd: 'sessionEnd',
    UserPromptSubmit: 'userPromptSubmitted',
    PreToolUse: 'preToolUse',
    PostToolUse: 'postToolUse',
  },
};

export interface RenderedHooks {
  /** Event → the entries to add under that event in the tool's hooks object. */
  events: Record<string, unknown[]>;
  skipped: string[];
}

/** Hook definitions for a tool, with `${AGENTRY_HOOK_DIR}` replaced by where the hook's files were placed. */
export function renderHooks(
  dialect: HookDialect,
  definitions: HookDefinitions,
  hookDir: string,
): RenderedHooks {
  const expand = (command: string) =>
    command.replaceAll('${AGENTRY_HOOK_DIR}', hookDir).replaceAll('$AGENTRY_HOOK_DIR', hookDir);
  const events: Record<string, unknown[]> = {};
  const skipped: string[] = [];
  for (const [event, groups] of Object.entries(definitions)) {
    const target = dialect === 'claude' ? event : eventNames[dialect][event];
    if (!target) {
      skipped.push(event);
      continue;
    }
    const list = events[target] ?? [];
    events[target] = list;
    for (const group of groups) {
      if (dialect === 'claude' || dialect === 'gemini') {
        list.push({
          ...(group.matcher !== undefined ? { matcher: group.matcher } : {}),
          hooks: group.hooks.map((h) => ({
            type: 'command',
            command: expand(h.command),
            ...(h.timeout ? { timeout: h.timeout } : {}),
          })),
        });
      } else if (dialect === 'cursor') {
        for (const h of group.hooks) list.push({ command: expand(h.command) });
      } else {
        for (const h of group.hooks) {
          list.push({
            type: 'command',
            bash: expand(h.command),
            ...(h.timeout ? { timeoutSec: h.timeout } : {}),
          });
        }
      }
    }
  }
  return { events, skipped };
}
