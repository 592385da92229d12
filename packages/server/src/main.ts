/**
 * `agentry-server`: starts the registry, or runs an operator command. Commands return data; this file
 * alone prints it and decides exit codes.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { AgentryError, version } from '@agentry/core';
import {
  runCreateToken,
  runCreateUser,
  runMigrate,
  runScimTokenCreate,
  runTenantCreate,
  runTenantList,
  runTenantPolicy,
  runTenantSuspend,
} from './commands/admin.js';
import { ConfigError, loadConfig, renderConfigDocs } from './config.js';
import { DataDirLockedError } from './data-dir-lock.js';
import { MigrationError } from './db/migrate.js';
import { createLogger, startServer } from './start.js';

const help = `agentry-server ${version}: the Agentry registry

Usage:
  agentry-server [start]                 start the registry (configuration from the environment)
  agentry-server migrate                 apply pending database migrations and exit
  agentry-server admin create-user --username NAME [--email E] [--password-stdin] [--role admin] [--tenant T]
  agentry-server admin create-token --username NAME --scopes skills:read,skills:publish [--name N]
                                         [--expires-in-days D] [--tenant T]
  agentry-server admin tenant-policy [--refuse-failing-scans on|off] [--tenant T]
                                         show or set whether FAIL verdicts are refused at publish
  agentry-server admin tenant create SLUG [--name N] [--admin USERNAME]
  agentry-server admin tenant list       every tenant with its member count and state
  agentry-server admin tenant suspend|unsuspend SLUG
                                         a suspended tenant answers as unknown and serves nothing
  agentry-server admin scim-token-create [--name N] [--tenant T]
                                         a SCIM bearer token for the tenant's identity provider (shown once)
  agentry-server config-docs             print docs/configuration.md
  agentry-server --version | --help

Options:
  --json   print command results as JSON

Examples:
  DATA_DIR=/var/lib/agentry PORT=8080 agentry-server
  echo "$PASSWORD" | agentry-server admin create-user --username alice --email a@example.com --password-stdin --role admin
  agentry-server admin create-token --username alice --scopes skills:read,skills:publish --name ci
`;

const exitCodes = { usage: 64, config: 78, locked: 75, failure: 1 } as const;

function readStdin(): string {
  return readFileSync(0, 'utf8').replace(/\r?\n$/, '');
}

function print(result: unknown, json: boolean, human: (value: never) => string) {
  process.stdout.write(json ? `${JSON.stringify(result, null, 2)}\n` : `${human(result as never)}\n`);
}

/** `Agentry listening on <public URL>`, and the bound address when it is not that one on loopback. */
function listeningLine(publicUrl: string, boundUrl: string): string {
  const shown = publicUrl.replace(/\/+$/, '');
  const pub = new URL(shown);
  const bound = new URL(boundUrl);
  const loopback = ['localhost', '127.0.0.1', '[::1]'];
  const same =
    pub.host === bound.host ||
    (loopback.includes(pub.hostname) && loopback.includes(bound.hostname) && pub.port === bound.port);
  return `Agentry listening on ${shown}${same ? '' : ` (bound to ${bound.host})`}`;
}

async function serve() {
  const config = loadConfig();
  const logger = createLogger(config);
  const server = await startServer(config, logger);
  // One line for the person at the terminal, beside the JSON log (on stderr, so stdout stays JSON lines).
  process.stderr.write(`${listeningLine(server.deps.config.publicUrl, server.url)}\n`);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: finishing in-flight requests');
    server.close().then(
      () => {
        logger.info('stopped');
        logger.flush?.();
        process.exit(0);
      },
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(exitCodes.failure);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

async function main(argv: string[]) {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      help: { type: 'boolean', short: 'h' },
      version: { type: 'boolean', short: 'v' },
      json: { type: 'boolean' },
      username: { type: 'string' },
      email: { type: 'string' },
      'password-stdin': { type: 'boolean' },
      role: { type: 'string', default: 'publisher' },
      tenant: { type: 'string' },
      scopes: { type: 'string' },
      name: { type: 'string' },
      'expires-in-days': { type: 'string' },
      'refuse-failing-scans': { type: 'string' },
      admin: { type: 'string' },
    },
  });
  const json = values.json === true;
  if (values.help) return void process.stdout.write(help);
  if (values.version) return void process.stdout.write(`${version}\n`);
  const [command = 'start', sub] = positionals;
  if (command === 'start') return serve();
  if (command === 'config-docs') return void process.stdout.write(renderConfigDocs());
  const config = loadConfig();
  const tenant = values.tenant ?? config.defaultTenant;
  if (command === 'migrate') {
    const result = await runMigrate(config);
    return print(result, json, (r: typeof result) =>
      r.applied.length
        ? `applied ${r.applied.join(', ')} (${r.database})`
        : `database is up to date (${r.database})`,
    );
  }
  if (command === 'admin' && sub === 'create-user') {
    if (!values.username) throw new UsageError('--username is required');
    const result = await runCreateUser(config, {
      username: values.username,
      email: values.email,
      password: values['password-stdin'] ? readStdin() : undefined,
      role: values.role ?? 'publisher',
      tenant,
    });
    return print(
      result,
      json,
      (r: typeof result) => `created user ${r.username} (${r.role} of tenant ${r.tenant})`,
    );
  }
  if (command === 'admin' && sub === 'create-token') {
    if (!values.username || !values.scopes) throw new UsageError('--username and --scopes are required');
    const days = values['expires-in-days'];
    if (days !== undefined && !/^[1-9]\d{0,4}$/.test(days))
      throw new UsageError('--expires-in-days must be a positive integer');
    const result = await runCreateToken(config, {
      username: values.username,
      scopes: values.scopes.split(/[\s,]+/).filter(Boolean),
      name: values.name ?? 'cli',
      expiresInDays: days === undefined ? undefined : Number(days),
      tenant,
    });
    // The raw token is printed once and never stored: the human form says so.
    return print(
      result,
      json,
      (r: typeof result) => `${r.token}\n(token for ${r.username}, scopes ${r.scopes.join(' ')}; shown once)`,
    );
  }
  if (command === 'admin' && sub === 'tenant') {
    const [, , action, slug] = positionals;
    if (action === 'list') {
      const result = await runTenantList(config);
      return print(result, json, (r: typeof result) =>
        r
          .map(
            (t) =>
              `${t.slug}\t${t.name}\t${t.members} member${t.members === 1 ? '' : 's'}\t${t.suspendedAt ? `suspended ${t.suspendedAt.toISOString()}` : 'active'}`,
          )
          .join('\n'),
      );
    }
    if (!slug) throw new UsageError('admin tenant create|suspend|unsuspend needs a tenant slug');
    if (action === 'create') {
      const result = await runTenantCreate(config, { slug, name: values.name, admin: values.admin });
      return print(
        result,
        json,
        (r: typeof result) =>
          `created tenant ${r.slug} (${r.name})${r.admin ? ` with admin ${r.admin}` : ''}`,
      );
    }
    if (action === 'suspend' || action === 'unsuspend') {
      const result = await runTenantSuspend(config, { slug, suspended: action === 'suspend' });
      return print(
        result,
        json,
        (r: typeof result) =>
          `tenant ${r.slug} is ${r.suspended ? 'suspended: nothing of it is served' : 'active'}`,
      );
    }
    throw new UsageError('admin tenant takes create, list, suspend or unsuspend');
  }
  if (command === 'admin' && sub === 'scim-token-create') {
    const result = await runScimTokenCreate(config, { tenant, name: values.name ?? 'scim' });
    return print(
      result,
      json,
      (r: typeof result) => `${r.token}\n(SCIM token "${r.name}" for tenant ${r.tenant}; shown once)`,
    );
  }
  if (command === 'admin' && sub === 'tenant-policy') {
    const flag = values['refuse-failing-scans'];
    if (flag !== undefined && flag !== 'on' && flag !== 'off')
      throw new UsageError('--refuse-failing-scans takes on or off');
    const result = await runTenantPolicy(config, {
      tenant,
      refuseFailingScans: flag === undefined ? undefined : flag === 'on',
    });
    return print(
      result,
      json,
      (r: typeof result) =>
        `tenant ${r.tenant}: FAIL verdicts are ${r.refuseFailingScans ? 'refused' : 'published (and shown)'}`,
    );
  }
  throw new UsageError(`unknown command "${[command, sub].filter(Boolean).join(' ')}"`);
}

class UsageError extends Error {}

main(process.argv.slice(2)).catch((error: unknown) => {
  const fail = (message: string, code: number) => {
    process.stderr.write(`agentry-server: ${message}\n`);
    process.exit(code);
  };
  if (error instanceof UsageError) return fail(`${error.message}\n\n${help}`, exitCodes.usage);
  if (error instanceof ConfigError) return fail(error.message, exitCodes.config);
  if (error instanceof DataDirLockedError) return fail(error.message, exitCodes.locked);
  if (error instanceof MigrationError) return fail(`migration failed: ${error.message}`, exitCodes.failure);
  if (error instanceof AgentryError) {
    const detail = error.issues?.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`).join('\n');
    return fail(`${error.message}${detail ? `\n${detail}` : ''} [${error.code}]`, exitCodes.failure);
  }
  if (error instanceof TypeError && (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
    return fail(`${error.message}\n\n${help}`, exitCodes.usage);
  }
  return fail(error instanceof Error ? (error.stack ?? error.message) : String(error), exitCodes.failure);
});
