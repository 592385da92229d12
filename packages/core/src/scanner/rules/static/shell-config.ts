/**
 * Agent configuration for the shell rules: the programs MCP server entries and hooks start are shell code
 * too (every client's MCP format, docker-compose style lists, Kiro, Cursor and Copilot hooks, Codex's TOML,
 * Gemini's `!{…}` injections).
 */
import { parse as parseYaml } from 'yaml';
import { lineOfOffset, lineStarts } from '../../line-map.js';

export const configExt = /\.(?:json|ya?ml|toml)$/i;
const configHint = /\b(?:command|cmd|bash)["']?\s*[:=]|!\{/;
const maxConfigBytes = 512 * 1024;
const shellProgram = /^(?:\S*\/)?(?:env\s+)?(?:ba|z|da|k|fi)?sh$/;

function quoteArg(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, "'\\''")}'`;
}

function stringList(value: unknown): string[] | undefined {
  return Array.isArray(value) && value.every((item) => typeof item === 'string') ? value : undefined;
}

/**
 * Command lines in a parsed configuration: `command` (or `cmd`) with `args` — MCP servers in every
 * client's format, docker-compose style lists, Kiro and Cursor hooks — and a hook's `bash` line
 * (Copilot). A shell started with `-c` contributes its script.
 */
function configCommands(value: unknown, out: string[], depth = 0): void {
  if (depth > 32 || value === null || typeof value !== 'object') return;
  if (Array.isArray(value)) {
    for (const item of value) configCommands(item, out, depth + 1);
    return;
  }
  const record = value as Record<string, unknown>;
  const command = record.command ?? record.cmd;
  const list = typeof command === 'string' ? [command] : (stringList(command) ?? []);
  const argv = [...list, ...(stringList(record.args) ?? [])];
  const [program, ...rest] = argv;
  if (program !== undefined) {
    const script = rest.findIndex((arg) => /^-[a-z]*c$/.test(arg));
    if (shellProgram.test(program) && script >= 0 && rest[script + 1] !== undefined)
      out.push(rest[script + 1] ?? '');
    else out.push([program, ...rest.map(quoteArg)].join(' '));
  }
  if (typeof record.bash === 'string') out.push(record.bash);
  for (const key of Object.keys(record)) configCommands(record[key], out, depth + 1);
}

/** `command = "…"` with the `args = [...]` after it, in TOML (Codex's `[mcp_servers.x]`), without a parser. */
function tomlCommands(text: string, out: string[]): void {
  const command = /^[ \t]*command[ \t]*=[ \t]*("(?:[^"\\\n]|\\.)*"|'[^'\n]*')[ \t]*$/gm;
  for (let m = command.exec(text); m; m = command.exec(text)) {
    const value = m[1] ?? '""';
    const program = value.startsWith("'") ? value.slice(1, -1) : safeJson(value);
    if (typeof program !== 'string') continue;
    const after = text.slice(m.index + m[0].length, m.index + m[0].length + 2000);
    const args = /^[ \t]*args[ \t]*=[ \t]*(\[[^\n]*\])[ \t]*$/m.exec(after.split(/^\s*\[/m)[0] ?? '');
    configCommands({ command: program, args: args ? safeJson(args[1] ?? '[]') : [] }, out);
  }
  // Gemini CLI custom commands run `!{…}` through the shell before the prompt is sent.
  const inject = /!\{([^}\n]{1,2000})\}/g;
  for (let m = inject.exec(text); m; m = inject.exec(text)) out.push(m[1] ?? '');
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The line a command came from: where its text (as written, or JSON-escaped) first appears. */
function lineOfCommand(text: string, starts: readonly number[], command: string): number {
  const probes = [command, JSON.stringify(command).slice(1, -1), command.split(/\s+/)[0] ?? ''];
  for (const probe of probes) {
    if (probe.length < 2) continue;
    const at = text.indexOf(probe.slice(0, 200));
    if (at >= 0) return lineOfOffset(starts, at);
  }
  return 1;
}

/**
 * The command lines an agent configuration file starts, each with the line it came from (newlines in a
 * command folded to spaces). Only JSON, YAML and TOML files that mention a command are parsed.
 */
export function configCommandLines(path: string, text: string): { line: number; command: string }[] {
  if (text.length > maxConfigBytes || !configHint.test(text)) return [];
  const commands: string[] = [];
  if (/\.toml$/i.test(path)) tomlCommands(text, commands);
  else {
    let parsed: unknown;
    try {
      parsed = /\.json$/i.test(path) ? JSON.parse(text) : parseYaml(text, { maxAliasCount: 100 });
    } catch {
      return [];
    }
    configCommands(parsed, commands);
  }
  const starts = lineStarts(text);
  return commands
    .filter((command) => command.trim() !== '')
    .map((command) => ({ line: lineOfCommand(text, starts, command), command: command.replace(/\n/g, ' ') }));
}
