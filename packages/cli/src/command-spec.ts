/**
 * The shape of the command table: each command is data (name, summary, arguments, options, examples) plus
 * `load`, which imports its module only when the command runs, and `run`, which returns what to print.
 * `program.ts` turns the table into commander commands; `output.ts` prints every outcome. Only types are
 * imported here, so reading the table loads no command.
 */
import type { Command } from 'commander';
import type { CommandContext } from './commands/context.js';
import type { Paint } from './format.js';
import type { GlobalOptions } from './settings.js';

export interface ArgumentSpec {
  /** `<required>`, `[optional]` or `<variadic...>`, as commander spells it. */
  name: string;
  description?: string;
  default?: string;
}

export interface OptionSpec {
  flags: string;
  description: string;
  default?: string;
  choices?: readonly string[];
  parse?: (value: string, previous: never) => unknown;
}

export interface CliGlobals extends GlobalOptions {
  color?: boolean;
}

/** What a command's `run` gets besides its positional arguments. */
export interface RunInput<O> {
  options: O;
  globals: CliGlobals;
  /** Whether human output may be coloured (a terminal, and no --no-color). */
  colour: boolean;
  /** The usual context: progress and notices on stderr, and confirmation prompts on a terminal. */
  context(): CommandContext;
  /** A context with notices only, for commands that own stdin and stdout (mcp). */
  quietContext(): CommandContext;
  /** The whole commander program, for commands that describe the command tree (completions). */
  program: Command;
}

/** What a command asks `output.ts` to print: data (human or --json), raw text, or nothing. */
export type Outcome =
  | { kind: 'data'; data: unknown; human: (data: unknown, paint: Paint) => string; exitCode?: number }
  | { kind: 'text'; text: string; exitCode?: number }
  | undefined;

/** Data printed by `human` on a terminal or as JSON with --json; `exitCode` is set after printing. */
export function show<T>(data: T, human: (data: T, paint: Paint) => string, exitCode?: number): Outcome {
  return {
    kind: 'data',
    data,
    human: human as (data: unknown, paint: Paint) => string,
    ...(exitCode === undefined ? {} : { exitCode }),
  };
}

/** Text written to stdout as it is, whatever --json says (SARIF, completion scripts). */
export function text(value: string, exitCode?: number): Outcome {
  return { kind: 'text', text: value, ...(exitCode === undefined ? {} : { exitCode }) };
}

interface CommandBase {
  name: string;
  aliases?: readonly string[];
  summary: string;
  arguments?: readonly ArgumentSpec[];
  options?: readonly OptionSpec[];
  examples?: readonly string[];
}

/** A command with a module to run, or a group whose subcommands run. */
export interface CommandDef extends CommandBase {
  subcommands?: readonly CommandDef[];
  action?: (input: RunInput<unknown>, args: unknown[]) => Promise<Outcome>;
}

/**
 * One runnable command: `load` imports its module when it runs, `run` calls it with the parsed
 * arguments (typed by its own parameters) and returns what to print.
 */
export function defineCommand<M, O, A extends unknown[]>(
  spec: CommandBase & {
    load: () => Promise<M>;
    run: (module: M, input: RunInput<O>, ...args: A) => Outcome | Promise<Outcome>;
  },
): CommandDef {
  const { load, run, ...rest } = spec;
  return {
    ...rest,
    action: async (input, args) => run(await load(), input as RunInput<O>, ...(args as A)),
  };
}

/** A command that only groups subcommands (`config`, `cache`, `token`, `org`). */
export function defineGroup(spec: CommandBase & { subcommands: readonly CommandDef[] }): CommandDef {
  return spec;
}

/** `--tool` help, shared by every command that places files. */
export const toolHelp =
  'claude-code, cursor, codex, copilot, gemini, windsurf, opencode, agents, or all (repeatable or comma-separated)';

/** Repeatable options collect their values. */
export const collect = (value: string, previous: string[] = []) => [...previous, value];

/** `-g, --global`, the user scope, on every command that reads or writes installed artifacts. */
export const globalScope: OptionSpec = { flags: '-g, --global', description: 'user scope' };
