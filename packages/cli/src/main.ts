/**
 * `agentry`: parses the command line against the command table (`table/`), runs the one command asked for
 * (its module loads only then) and hands what it returns, or what it throws, to `output.ts`.
 */
import { version } from '@agentry/core/version';
import { CommanderError } from 'commander';
import { exitCodes } from './cli-error.js';
import { createProgram } from './program.js';

const { program, output } = createProgram(version);

program.parseAsync(process.argv).catch(async (error: unknown) => {
  if (error instanceof CommanderError) process.exit(error.exitCode === 0 ? 0 : exitCodes.usage);
  await output.fail(error);
});
