/**
 * `agentry`: each command returns data; this file alone prints it (human or --json) and maps errors to
 * exit codes: 1 for errors, 2 for usage, 3 when the registry cannot be reached, 4 when a scan verdict
 * reaches the --fail-on threshold.
 */
import { version } from '@agentry/core';
import { Command, CommanderError } from 'commander';
import { createClient, RegistryError } from './api-client.js';
import { formatHealth, runHealth } from './commands/health.js';
import { formatScan, runScan, toSarif } from './commands/scan.js';
import { formatWhoami, runWhoami } from './commands/whoami.js';
import { type GlobalOptions, resolveSettings } from './settings.js';

const exitCodes = { registry: 1, usage: 2, unreachable: 3, verdict: 4 } as const;

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

program
  .command('scan')
  .description('scan a folder or .tgz with the registry scanner, locally and without a server')
  .argument('[target]', 'folder or tarball', '.')
  .option('--kind <kind>', 'artifact kind (default: from tank.json, else skill)')
  .option('--format <format>', 'text, json or sarif', 'text')
  .option('--fail-on <verdict>', 'exit 4 at this verdict or worse: fail, flagged, notes or none', 'fail')
  .addHelpText(
    'after',
    '\nExamples:\n  agentry scan ./my-skill\n  agentry scan my-skill-1.0.0.tgz --format sarif > agentry.sarif\n  agentry scan . --fail-on flagged --json\n',
  )
  .action(async (target: string, options: { kind?: string; format: string; failOn: string }) => {
    const failOn = options.failOn as 'fail' | 'flagged' | 'notes' | 'none';
    if (!['fail', 'flagged', 'notes', 'none'].includes(failOn))
      throw new UsageError('--fail-on takes fail, flagged, notes or none');
    if (!['text', 'json', 'sarif'].includes(options.format))
      throw new UsageError('--format takes text, json or sarif');
    const result = await runScan(target, { ...(options.kind ? { kind: options.kind } : {}), failOn });
    const format = settings().json ? 'json' : options.format;
    if (format === 'sarif') process.stdout.write(`${JSON.stringify(toSarif(result, version), null, 2)}\n`);
    else output(format === 'json', result, (r) => formatScan(r, process.stdout.isTTY === true));
    if (result.failed) process.exitCode = exitCodes.verdict;
  });

class UsageError extends Error {}

program.parseAsync(process.argv).catch((error: unknown) => {
  if (error instanceof UsageError) {
    process.stderr.write(`agentry: ${error.message}\n`);
    process.exit(exitCodes.usage);
  }
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
