/**
 * `agentry`: each command returns data; this file alone prints it (human or --json) and maps errors to
 * exit codes: 1 for registry errors, 2 for usage, 3 when the registry cannot be reached.
 */
import { version } from '@agentry/core';
import { Command, CommanderError } from 'commander';
import { createClient, RegistryError } from './api-client.js';
import { formatHealth, runHealth } from './commands/health.js';
import { formatWhoami, runWhoami } from './commands/whoami.js';
import { type GlobalOptions, resolveSettings } from './settings.js';

const exitCodes = { registry: 1, usage: 2, unreachable: 3 } as const;

function output<T>(json: boolean, data: T, human: (value: T) => string) {
  process.stdout.write(json ? `${JSON.stringify(data, null, 2)}\n` : `${human(data)}\n`);
}

const program = new Command('agentry')
  .description('Install, publish and scan AI-agent artifacts from an Agentry registry')
  .version(version)
  .option('--registry <url>', 'registry URL (default: $AGENTRY_REGISTRY or http://localhost:3737)')
  .option('--token <token>', 'API token (default: $AGENTRY_TOKEN)')
  .option('--json', 'print machine-readable JSON')
  .exitOverride()
  .addHelpText(
    'after',
    '\nExamples:\n  agentry health --registry https://registry.example.com\n  AGENTRY_TOKEN=agt_… agentry whoami --json\n',
  );

const settings = () => resolveSettings(program.opts<GlobalOptions>());

program
  .command('health')
  .description("show the registry's health and dependency status")
  .action(async () => {
    const s = settings();
    output(s.json, await runHealth(createClient(s)), formatHealth);
  });

program
  .command('whoami')
  .description('show the user and scopes behind the current token')
  .action(async () => {
    const s = settings();
    if (!s.token) throw new RegistryError('unauthorized', 'no token: pass --token or set AGENTRY_TOKEN', 401);
    output(s.json, await runWhoami(createClient(s)), formatWhoami);
  });

program.parseAsync(process.argv).catch((error: unknown) => {
  if (error instanceof CommanderError) {
    process.exit(error.exitCode === 0 ? 0 : exitCodes.usage);
  }
  const json = process.argv.includes('--json');
  if (error instanceof RegistryError) {
    if (json) process.stdout.write(`${JSON.stringify({ error: error.code, message: error.message })}\n`);
    else process.stderr.write(`agentry: ${error.message} [${error.code}]\n`);
    process.exit(error.code === 'unreachable' ? exitCodes.unreachable : exitCodes.registry);
  }
  process.stderr.write(`agentry: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(exitCodes.registry);
});
