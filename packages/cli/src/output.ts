/**
 * The one place the CLI prints: command outcomes (human, coloured on a terminal, or --json), progress and
 * notices on stderr, confirmation prompts, and errors with their stable exit codes (docs/cli.md):
 * 1 error, 2 usage, 3 registry unreachable, 4 verdict or audit threshold reached / publish refused,
 * 5 integrity or unsafe archive, 6 policy refused, 7 lockfile or installed-file drift.
 */
import type { CliGlobals, Outcome } from './command-spec.js';
import { describeError } from './error-report.js';
import { painter, useColour } from './format.js';

export type Output = ReturnType<typeof createOutput>;

/** `globals` is read when printing, after commander has parsed the command line. */
export function createOutput(globals: () => CliGlobals) {
  const json = () => globals().json === true;
  const colour = () => globals().color !== false && useColour(process.stdout);

  function endProgress(): void {
    if (!json() && process.stderr.isTTY) process.stderr.write('\r\x1b[K');
  }

  function progressLine(): ((line: string) => void) | undefined {
    if (json() || !process.stderr.isTTY) return undefined;
    return (line) => process.stderr.write(`\r\x1b[K${line.slice(0, (process.stderr.columns ?? 80) - 1)}`);
  }

  function notify(line: string): void {
    endProgress();
    process.stderr.write(`${line}\n`);
  }

  async function confirm(question: string): Promise<boolean> {
    endProgress();
    const { createInterface } = await import('node:readline/promises');
    const rl = createInterface({ input: process.stdin, output: process.stderr });
    try {
      return /^y(es)?$/i.test((await rl.question(`${question} [y/N] `)).trim());
    } finally {
      rl.close();
    }
  }

  function print(outcome: Outcome): void {
    if (outcome === undefined) return;
    if (outcome.kind === 'text') process.stdout.write(outcome.text);
    else {
      endProgress();
      const body = json()
        ? JSON.stringify(outcome.data, null, 2)
        : outcome.human(outcome.data, painter(colour()));
      process.stdout.write(`${body}\n`);
    }
    if (outcome.exitCode !== undefined) process.exitCode = outcome.exitCode;
  }

  /** Prints the error (JSON on stdout with --json, else a line and a hint on stderr) and exits. */
  async function fail(error: unknown): Promise<never> {
    const { code, message, hint, details, exit } = await describeError(error);
    endProgress();
    if (json())
      process.stdout.write(
        `${JSON.stringify({ error: code, message, ...(hint ? { hint } : {}), ...(details === undefined ? {} : { details }) }, null, 2)}\n`,
      );
    else {
      const p = painter(colour());
      process.stderr.write(
        `${p('red', 'agentry:')} ${message} [${code}]\n${hint ? `  hint: ${hint}\n` : ''}`,
      );
    }
    process.exit(exit);
  }

  return { json, colour, endProgress, progressLine, notify, confirm, print, fail };
}
