/** Turns the command table into a commander program whose actions load, run and print one command. */
import { Command, Option } from 'commander';
import type { CliGlobals, CommandDef, OptionSpec, RunInput } from './command-spec.js';
import { createOutput, type Output } from './output.js';
import { commands, globalOptions, programExamples, programSummary } from './table/index.js';

function toOption(spec: OptionSpec): Option {
  const option = new Option(spec.flags, spec.description);
  if (spec.choices) option.choices(spec.choices);
  if (spec.parse) option.argParser(spec.parse as (value: string, previous: unknown) => unknown);
  if (spec.default !== undefined) option.default(spec.default);
  return option;
}

function helpExamples(lines: readonly string[]): string {
  return `\nExamples:\n${lines.map((line) => `  ${line}`).join('\n')}`;
}

export function createProgram(version: string): { program: Command; output: Output } {
  const program = new Command('agentry').description(programSummary).version(version);
  const globals = () => program.opts<CliGlobals>();
  const output = createOutput(globals);
  for (const spec of globalOptions) program.addOption(toOption(spec));
  program
    .exitOverride()
    .showHelpAfterError()
    .addHelpText('after', `${helpExamples(programExamples)}\n\nDocs: docs/cli.md`);

  async function runInput(options: unknown): Promise<RunInput<unknown>> {
    const { createContext } = await import('./commands/context.js');
    const interactive = process.stdin.isTTY && process.stderr.isTTY;
    return {
      options,
      globals: globals(),
      colour: output.colour(),
      context: () =>
        createContext({
          options: globals(),
          ...(interactive ? { confirm: output.confirm } : {}),
          progress: output.progressLine(),
          notify: output.notify,
        }),
      quietContext: () =>
        createContext({ options: globals(), notify: (line) => process.stderr.write(`${line}\n`) }),
      program,
    };
  }

  function add(parent: Command, def: CommandDef): void {
    const command = parent.command(def.name).description(def.summary);
    if (def.aliases) command.aliases(def.aliases);
    for (const arg of def.arguments ?? []) command.argument(arg.name, arg.description ?? '', arg.default);
    for (const spec of def.options ?? []) command.addOption(toOption(spec));
    if (def.examples) command.addHelpText('after', `${helpExamples(def.examples)}\n`);
    for (const sub of def.subcommands ?? []) add(command, sub);
    const action = def.action;
    if (action)
      command.action(async (...received: unknown[]) => {
        // commander passes the positional arguments, then the options, then the command itself.
        const args = received.slice(0, -2);
        output.print(await action(await runInput(received.at(-2)), args));
      });
  }

  for (const def of commands) add(program, def);
  return { program, output };
}
