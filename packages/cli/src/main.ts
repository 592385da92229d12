/**
 * `agentry`: each command returns data; this file alone prints it (human, coloured on a terminal, or
 * --json) and maps errors to stable exit codes (docs/cli.md): 1 error, 2 usage, 3 registry unreachable,
 * 4 verdict or audit threshold reached / publish refused, 5 integrity or unsafe archive, 6 policy
 * refused, 7 lockfile or installed-file drift.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline/promises';
import { version } from '@agentry/core';
import { Command, type Command as CommanderCommand, CommanderError, Option } from 'commander';
import { RegistryError } from './api-client.js';
import { CliError, cliErrorCodes } from './cli-error.js';
import {
  formatOrg,
  formatOrgs,
  formatStar,
  formatToken,
  formatTokens,
  runOrgAdd,
  runOrgCreate,
  runOrgInfo,
  runOrgList,
  runOrgRemove,
  runStar,
  runTokenCreate,
  runTokenList,
  runTokenRevoke,
} from './commands/account.js';
import { formatBootstrap, runBootstrap } from './commands/bootstrap.js';
import {
  formatCacheClean,
  formatCacheList,
  formatCacheVerify,
  runCacheClean,
  runCacheList,
  runCacheVerify,
} from './commands/cache.js';
import { type CommandSpec, runCompletions } from './commands/completions.js';
import {
  formatConfigChange,
  formatConfigList,
  formatConfigValue,
  runConfigDelete,
  runConfigGet,
  runConfigList,
  runConfigSet,
} from './commands/config.js';
import { type CommandContext, createContext, requireToken } from './commands/context.js';
import { formatDoctor, runDoctor } from './commands/doctor.js';
import { formatDraft, runDraft } from './commands/draft.js';
import { formatHealth, runHealth } from './commands/health.js';
import { formatInit, formatTemplate, runInit, runInitFromTemplate } from './commands/init.js';
import {
  formatInstall,
  formatList,
  formatOutdated,
  formatRemove,
  runInstallCommand,
  runList,
  runOutdated,
  runRemoveCommand,
  runUpdate,
} from './commands/install.js';
import {
  formatDeprecate,
  formatVisibility,
  formatYank,
  runDeprecate,
  runVisibility,
  runYank,
} from './commands/lifecycle.js';
import { formatLogin, formatLogout, runLogin, runLogout } from './commands/login.js';
import { formatPublish, runPublish } from './commands/publish.js';
import { formatScan, runScan, toSarif } from './commands/scan.js';
import { formatInfo, formatSearch, runInfo, runSearch } from './commands/search.js';
import { formatAudit, formatVerify, runAudit, runVerify } from './commands/verify.js';
import { formatWhoami, runWhoami } from './commands/whoami.js';
import { type Paint, painter, useColour } from './format.js';
import type { GlobalOptions } from './settings.js';

const exitCodes = { error: 1, usage: 2, unreachable: 3, verdict: 4 } as const;

const program = new Command('agentry')
  .description('Install, publish and scan AI-agent artifacts from an Agentry registry')
  .version(version)
  .option(
    '--registry <url>',
    'registry URL (default: $AGENTRY_REGISTRY, agentry.json, agentry config, or http://localhost:3737)',
  )
  .option('--token <token>', 'API token (default: $AGENTRY_TOKEN, or the one saved by agentry login)')
  .option('--json', 'print machine-readable JSON')
  .option('--no-color', 'no colour even on a terminal')
  .exitOverride()
  .showHelpAfterError()
  .addHelpText(
    'after',
    '\nExamples:\n  agentry login\n  agentry search review --kind skill\n  agentry install @acme/code-review --tool claude-code,cursor\n  agentry install --frozen      # CI: exactly agentry.lock\n  agentry publish --dry-run\n\nDocs: docs/cli.md',
  );

interface Options extends GlobalOptions {
  color?: boolean;
}

const globals = () => program.opts<Options>();
const json = () => globals().json === true;
const paint = (): Paint => painter(globals().color !== false && useColour(process.stdout));

function progressLine(): ((line: string) => void) | undefined {
  if (json() || !process.stderr.isTTY) return undefined;
  return (line) => process.stderr.write(`\r\x1b[K${line.slice(0, (process.stderr.columns ?? 80) - 1)}`);
}

function endProgress(): void {
  if (!json() && process.stderr.isTTY) process.stderr.write('\r\x1b[K');
}

async function confirm(question: string): Promise<boolean> {
  endProgress();
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await rl.question(`${question} [y/N] `)).trim());
  } finally {
    rl.close();
  }
}

function context(): CommandContext {
  return createContext({
    options: globals(),
    ...(process.stdin.isTTY && process.stderr.isTTY ? { confirm } : {}),
    progress: progressLine(),
    notify: (line) => {
      endProgress();
      process.stderr.write(`${line}\n`);
    },
  });
}

function output<T>(data: T, human: (value: T, paint: Paint) => string): void {
  endProgress();
  process.stdout.write(json() ? `${JSON.stringify(data, null, 2)}\n` : `${human(data, paint())}\n`);
}

function examples(command: CommanderCommand, lines: string[]): CommanderCommand {
  return command.addHelpText('after', `\nExamples:\n${lines.map((line) => `  ${line}`).join('\n')}\n`);
}

interface InitFlags {
  name?: string;
  description?: string;
  dir?: string;
  force?: boolean;
  template?: string;
}

interface PublishFlags {
  dryRun?: boolean;
  private?: boolean;
  visibility?: 'public' | 'private' | 'team';
  scope?: string;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

examples(
  program.command('login').description('log in to the registry (browser device flow, or --token for CI)'),
  [
    'agentry login',
    'agentry login --registry https://registry.example.com',
    'agentry login --token "$AGENTRY_CI_TOKEN"',
  ],
)
  .option('--with-token <token>', 'save this token instead of the browser flow (also: global --token)')
  .option('--no-browser', 'print the URL without opening a browser')
  .action(async (options: { withToken?: string; browser: boolean }) => {
    const ctx = context();
    const token = options.withToken ?? globals().token;
    const open = options.browser && process.stdout.isTTY ? openBrowser : undefined;
    output(await runLogin(ctx, { token, ...(open ? { openUrl: open } : {}) }), formatLogin);
  });

examples(program.command('logout').description('forget the saved token for the registry'), [
  'agentry logout',
]).action(() => output(runLogout(context()), formatLogout));

const config = examples(
  program
    .command('config')
    .description('your defaults (registry, tools), or with --project this agentry.json'),
  [
    'agentry config set registry https://registry.example.com',
    'agentry config set registry https://registry.example.com --project   # this project only',
    'agentry config get registry',
    'agentry config list',
  ],
);
config
  .command('get')
  .description('the effective value of registry or tools')
  .argument('<key>')
  .action((key: string) => output(runConfigGet(context(), key), formatConfigValue));
config
  .command('set')
  .description('save registry or tools')
  .argument('<key>')
  .argument('<value>')
  .option('--project', "write the project's agentry.json instead of your config file")
  .action((key: string, value: string, options: { project?: boolean }) =>
    output(runConfigSet(context(), key, value, options), formatConfigChange),
  );
config
  .command('delete')
  .alias('unset')
  .description('remove a saved value')
  .argument('<key>')
  .option('--project', "edit the project's agentry.json instead of your config file")
  .action((key: string, options: { project?: boolean }) =>
    output(runConfigDelete(context(), key, options), formatConfigChange),
  );
config
  .command('list')
  .alias('ls')
  .description('every key, its value and where it comes from')
  .action(() => output(runConfigList(context()), formatConfigList));

examples(program.command('whoami').description('show the user and scopes behind the current token'), [
  'agentry whoami',
  'AGENTRY_TOKEN=agt_… agentry whoami --json',
]).action(async () => {
  const ctx = context();
  requireToken(ctx);
  output(await runWhoami(ctx.client), formatWhoami);
});

examples(program.command('health').description("show the registry's health and dependency status"), [
  'agentry health --registry https://registry.example.com',
]).action(async () => output(await runHealth(context().client), formatHealth));

examples(
  program.command('search').description('search the registry').argument('[query]', 'words to look for', ''),
  [
    'agentry search review',
    'agentry search --kind mcp --tool cursor',
    'agentry search lint --tag typescript --tag ci --sort downloads --json',
  ],
)
  .option(
    '--kind <kind>',
    'skill, agent, command, prompt, instruction, hook, mcp, template, config or pack (comma-separated)',
  )
  .option('--tool <tool>', 'only artifacts for this agent tool')
  .option('--tag <tag>', 'only artifacts with this tag (repeatable; all must match)', collect)
  .option('--sort <sort>', 'relevance, downloads, stars, updated or name')
  .option('--limit <n>', 'results per page (1–50)', (v) => Number(v))
  .option('--page <n>', 'page number', (v) => Number(v))
  .action(
    async (
      query: string,
      options: { kind?: string; tool?: string; tag?: string[]; sort?: string; limit?: number; page?: number },
    ) => {
      output(
        await runSearch(context(), query, {
          kind: options.kind,
          tool: options.tool,
          tags: options.tag,
          sort: options.sort,
          limit: options.limit,
          page: options.page,
        }),
        formatSearch,
      );
    },
  );

examples(
  program
    .command('info')
    .alias('show')
    .description('versions, verdict, permissions and dependencies of an artifact')
    .argument('<name[@version]>'),
  ['agentry info @acme/code-review', 'agentry info @acme/code-review@1.2.0 --json'],
).action(async (spec: string) => output(await runInfo(context(), spec), formatInfo));

const toolHelp =
  'claude-code, cursor, codex, copilot, gemini, windsurf, opencode, agents, or all (repeatable or comma-separated)';

examples(
  program
    .command('install')
    .alias('i')
    .description(
      'install artifacts (or, with no names, everything in agentry.json / agentry.lock) into your agent tools',
    )
    .argument('[names...]', 'name, name@version or name@range'),
  [
    'agentry install @acme/code-review',
    'agentry install @acme/code-review@^1.2 --tool claude-code --tool cursor',
    'agentry install -g @acme/commit-style        # user scope (home directory)',
    'agentry install --frozen                      # CI: exactly what agentry.lock says',
  ],
)
  .option('-g, --global', 'install for the user (home directory) instead of this project')
  .option('--tool <tool>', toolHelp, collect)
  .option('--frozen', 'install exactly agentry.lock; fail on any drift from agentry.json or the registry')
  .option('-y, --yes', 'accept artifacts below the minimum verdict without asking (FAIL is never accepted)')
  .option('--force', 'replace files and config entries that agentry did not create')
  .option('--dry-run', 'resolve, download and verify, but write nothing')
  .action(
    async (
      names: string[],
      options: {
        global?: boolean;
        tool?: string[];
        frozen?: boolean;
        yes?: boolean;
        force?: boolean;
        dryRun?: boolean;
      },
    ) => {
      output(await runInstallCommand(context(), names, options), formatInstall);
    },
  );

examples(
  program
    .command('update')
    .alias('up')
    .description('move installed artifacts to the newest versions their ranges allow')
    .argument('[names...]'),
  [
    'agentry update',
    'agentry update @acme/code-review --latest   # also past the range; saves the new range',
  ],
)
  .option('--latest', 'move to the newest release even outside the range in agentry.json')
  .option('-g, --global', 'user scope')
  .option('--tool <tool>', toolHelp, collect)
  .option('-y, --yes', 'accept artifacts below the minimum verdict without asking')
  .option('--force', 'replace files that agentry did not create')
  .option('--dry-run', 'show what would change; write nothing')
  .action(
    async (
      names: string[],
      options: {
        latest?: boolean;
        global?: boolean;
        tool?: string[];
        yes?: boolean;
        force?: boolean;
        dryRun?: boolean;
      },
    ) => {
      output(await runUpdate(context(), names, options), formatInstall);
    },
  );

examples(
  program
    .command('remove')
    .aliases(['rm', 'uninstall'])
    .description('remove artifacts: every file and config entry they added, and nothing else')
    .argument('<names...>'),
  ['agentry remove @acme/code-review', 'agentry rm -g @acme/commit-style'],
)
  .option('-g, --global', 'user scope')
  .action((names: string[], options: { global?: boolean }) =>
    output(runRemoveCommand(context(), names, options), formatRemove),
  );

examples(program.command('outdated').description('installed artifacts with newer versions'), [
  'agentry outdated',
  'agentry outdated --json',
])
  .option('-g, --global', 'user scope')
  .action(async (options: { global?: boolean }) =>
    output(await runOutdated(context(), options), formatOutdated),
  );

examples(program.command('list').alias('ls').description('what is installed, and where for each tool'), [
  'agentry list',
  'agentry list -g --json',
])
  .option('-g, --global', 'user scope')
  .action((options: { global?: boolean }) => output(runList(context(), options), formatList));

examples(
  program
    .command('verify')
    .description('re-hash every installed file against agentry.lock (exit 7 on drift)'),
  ['agentry verify', 'agentry verify --json'],
)
  .option('-g, --global', 'user scope')
  .action((options: { global?: boolean }) => {
    const result = runVerify(context(), options);
    output(result, formatVerify);
    if (result.drift.length > 0) process.exitCode = cliErrorCodes.drift_detected;
  });

examples(
  program
    .command('audit')
    .description("installed artifacts' current verdicts and findings from the registry (exit 4 on problems)"),
  ['agentry audit'],
)
  .option('-g, --global', 'user scope')
  .action(async (options: { global?: boolean }) => {
    const result = await runAudit(context(), options);
    output(result, formatAudit);
    if (result.problems > 0) process.exitCode = exitCodes.verdict;
  });

examples(
  program
    .command('publish')
    .alias('pub')
    .description('pack, scan locally, and publish a folder')
    .argument('[dir]', 'the artifact folder', '.'),
  ['agentry publish', 'agentry publish ./skills/code-review --dry-run', 'agentry publish --private'],
)
  .option('--dry-run', 'show the files, integrity and local verdict; send nothing')
  .option('--private', 'publish as private (overrides the manifest)')
  .addOption(
    new Option(
      '--visibility <visibility>',
      'public, private, or team (members of the owning org only)',
    ).choices(['public', 'private', 'team']),
  )
  .option('--scope <org>', 'publish an unscoped name as @org/name (AI Toolkit: --team)')
  .action(async (dir: string, options: PublishFlags) => {
    const visibility = options.private ? 'private' : options.visibility;
    output(
      await runPublish(context(), dir, { dryRun: options.dryRun === true, visibility, scope: options.scope }),
      formatPublish,
    );
  });

examples(
  program
    .command('init')
    .description('scaffold a valid artifact')
    .argument(
      '[kind]',
      'skill, agent, command, prompt, instruction, hook, mcp, template, config or pack',
      'skill',
    ),
  [
    'agentry init',
    'agentry init agent --name @acme/reviewer',
    'agentry init pack --dir ./my-pack',
    'agentry init --template @acme/service-starter   # apply a template artifact from the registry',
  ],
)
  .option('--name <name>', 'artifact name (default: the folder name)')
  .option('--description <text>', 'one-line description')
  .option('--dir <dir>', 'folder to create it in (default: here)')
  .option('--force', 'overwrite existing files')
  .option('--template <name[@version]>', 'copy a template artifact from the registry into the folder instead')
  .action(async (kind: string, options: InitFlags) => {
    if (options.template)
      output(await runInitFromTemplate(context(), options.template, options), formatTemplate);
    else output(runInit(context(), kind, options), formatInit);
  });

examples(
  program
    .command('scan')
    .description('scan a folder or .tgz with the registry scanner, locally and without a server')
    .argument('[target]', 'folder or tarball', '.'),
  [
    'agentry scan ./my-skill',
    'agentry scan my-skill-1.0.0.tgz --format sarif > agentry.sarif',
    'agentry scan . --fail-on flagged --json',
  ],
)
  .option('--kind <kind>', 'artifact kind (default: from tank.json, else skill)')
  .option('--format <format>', 'text, json or sarif', 'text')
  .option('--fail-on <verdict>', 'exit 4 at this verdict or worse: fail, flagged, notes or none', 'fail')
  .action(async (target: string, options: { kind?: string; format: string; failOn: string }) => {
    // Any case: --fail-on FLAGGED as the verdict is printed, or flagged.
    const failOn = options.failOn.toLowerCase().replace(/^pass_with_notes$/, 'notes') as
      | 'fail'
      | 'flagged'
      | 'notes'
      | 'none';
    if (!['fail', 'flagged', 'notes', 'none'].includes(failOn))
      throw new CliError('usage', '--fail-on takes fail, flagged, notes or none');
    if (!['text', 'json', 'sarif'].includes(options.format))
      throw new CliError('usage', '--format takes text, json or sarif');
    const result = await runScan(target, { ...(options.kind ? { kind: options.kind } : {}), failOn });
    const format = json() ? 'json' : options.format;
    if (format === 'sarif') process.stdout.write(`${JSON.stringify(toSarif(result, version), null, 2)}\n`);
    else if (format === 'json') process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    else output(result, (r) => formatScan(r, useColour(process.stdout) && globals().color !== false));
    if (result.failed) process.exitCode = exitCodes.verdict;
  });

examples(
  program
    .command('yank')
    .description('stop ranges resolving to a version (lockfiles keep it)')
    .argument('<name@version>'),
  [
    'agentry yank @acme/code-review@1.2.0 --reason "breaks on Windows"',
    'agentry yank @acme/code-review@1.2.0 --undo',
  ],
)
  .option('--reason <text>', 'why, shown to people who install it by exact version')
  .option('--undo', 'restore a yanked version')
  .action(async (spec: string, options: { reason?: string; undo?: boolean }) =>
    output(await runYank(context(), spec, options), formatYank),
  );
examples(
  program
    .command('deprecate')
    .description('show a message to everyone installing these versions (all versions without a range)')
    .argument('<name[@range]>')
    .argument('<message>'),
  [
    'agentry deprecate @acme/old-review "use @acme/code-review"',
    'agentry deprecate @acme/code-review@"<2" "upgrade to 2.x"',
  ],
).action(async (spec: string, message: string) =>
  output(await runDeprecate(context(), spec, message), formatDeprecate),
);
examples(
  program.command('undeprecate').description('remove the deprecation message').argument('<name[@range]>'),
  ['agentry undeprecate @acme/code-review'],
).action(async (spec: string) => output(await runDeprecate(context(), spec, null), formatDeprecate));
examples(
  program
    .command('visibility')
    .description('who can see an artifact: public, private, or team (members of its org)')
    .argument('<name>')
    .argument('<visibility>', 'public, private or team'),
  ['agentry visibility @acme/code-review private'],
).action(async (name: string, value: string) =>
  output(await runVisibility(context(), name, value), formatVisibility),
);
examples(
  program
    .command('draft')
    .description("submit a skill folder to the registry's drafts inbox")
    .argument('<dir>'),
  ['agentry draft ./skills/sql-style --note "captured from review"'],
)
  .option('--slug <slug>', "the draft's slug (default: SKILL.md name, else the folder name)")
  .option('--note <text>', 'a note for the curator')
  .option('--tag <tag...>', 'extra tags')
  .action(async (dir: string, o: { slug?: string; note?: string; tag?: string[] }) =>
    output(await runDraft(context(), dir, { slug: o.slug, note: o.note, tags: o.tag }), formatDraft),
  );
examples(
  program.command('bootstrap').description('install the skills the registry recommends for this project'),
  [
    'agentry bootstrap',
    'agentry bootstrap --yes --tool claude-code',
    'agentry bootstrap --stack rust,axum --dry-run --json',
  ],
)
  .option('-y, --yes', 'install every recommendation without asking')
  .option('--dry-run', 'show the recommendations; install nothing')
  .option('--stack <tags>', 'comma-separated stack tags instead of detecting them')
  .option('--project <slug>', "the registry project instead of resolving this repository's git remote")
  .option('--tool <tool>', toolHelp, collect)
  .action(async (o: { yes?: boolean; dryRun?: boolean; stack?: string; project?: string; tool?: string[] }) =>
    output(
      await runBootstrap(context(), {
        ...o,
        stack: o.stack
          ?.split(',')
          .map((t) => t.trim().toLowerCase())
          .filter(Boolean),
      }),
      formatBootstrap,
    ),
  );

const cache = examples(
  program.command('cache').description('the local archive cache (by integrity) installs read first'),
  ['agentry cache ls', 'agentry cache verify', 'agentry cache clean'],
);
cache
  .command('ls')
  .alias('list')
  .description('cached archives')
  .action(() => output(runCacheList(context()), formatCacheList));
cache
  .command('verify')
  .description('re-hash every cached archive; remove damaged ones')
  .action(() => output(runCacheVerify(context()), formatCacheVerify));
cache
  .command('clean')
  .alias('clear')
  .description('empty the cache')
  .action(() => output(runCacheClean(context()), formatCacheClean));

examples(program.command('star').description('star an artifact').argument('<name>'), [
  'agentry star @acme/code-review',
]).action(async (name: string) => output(await runStar(context(), name, true), formatStar));
examples(program.command('unstar').description('remove your star').argument('<name>'), [
  'agentry unstar @acme/code-review',
]).action(async (name: string) => output(await runStar(context(), name, false), formatStar));

const token = examples(program.command('token').description('API tokens: create, list, revoke'), [
  'agentry token create ci --scope skills:read --scope skills:publish --expires 30',
  'agentry token list',
  'agentry token revoke 1b2c…',
]);
token
  .command('create')
  .description('create a token (shown once)')
  .argument('<name>')
  .option('--scope <scope>', 'skills:read, skills:publish or skills:admin (repeatable)', collect)
  .option('--expires <days>', 'days until it expires, or never', '90')
  .action(async (name: string, options: { scope?: string[]; expires?: string }) =>
    output(await runTokenCreate(context(), name, options), formatToken),
  );
token
  .command('list')
  .description('your tokens (no secrets)')
  .action(async () => output(await runTokenList(context()), formatTokens));
token
  .command('revoke')
  .description('revoke a token')
  .argument('<id>')
  .action(async (id: string) => output(await runTokenRevoke(context(), id), (r) => `revoked ${r.id}`));

const org = examples(
  program.command('org').alias('team').description('orgs (AI Toolkit: teams) and their members'),
  ['agentry org create acme "Acme Inc"', 'agentry org add acme alice --role admin', 'agentry org info acme'],
);
org
  .command('create')
  .description('create an org (you become its owner)')
  .argument('<slug>')
  .argument('[name]')
  .action(async (slug: string, name?: string) =>
    output(await runOrgCreate(context(), slug, name), formatOrg),
  );
org
  .command('list')
  .description('orgs you belong to')
  .action(async () => output(await runOrgList(context()), formatOrgs));
org
  .command('info')
  .description('an org and, for members, its members')
  .argument('<slug>')
  .action(async (slug: string) => output(await runOrgInfo(context(), slug), formatOrg));
org
  .command('add')
  .description("add a member, or change a member's role")
  .argument('<slug>')
  .argument('<username>')
  .addOption(
    new Option('--role <role>', 'owner, admin or member')
      .choices(['owner', 'admin', 'member'])
      .default('member'),
  )
  .action(async (slug: string, username: string, options: { role: string }) =>
    output(
      await runOrgAdd(context(), slug, username, options.role),
      (r) => `${r.username} is ${r.role} of @${slug}`,
    ),
  );
org
  .command('remove')
  .description('remove a member')
  .argument('<slug>')
  .argument('<username>')
  .action(async (slug: string, username: string) =>
    output(await runOrgRemove(context(), slug, username), (r) => `${r.username} removed from @${slug}`),
  );

examples(
  program
    .command('completions')
    .description('shell completion script')
    .argument('<shell>', 'bash, zsh or fish'),
  [
    'source <(agentry completions bash)',
    'agentry completions zsh > "${fpath[1]}/_agentry"',
    'agentry completions fish > ~/.config/fish/completions/agentry.fish',
  ],
).action((shell: string) => {
  process.stdout.write(
    runCompletions(shell, specOf(program), program.options.map((o) => o.long ?? '').filter(Boolean)),
  );
});

examples(
  program
    .command('mcp')
    .description(
      'serve the CLI to agent tools as a local MCP server on stdin/stdout (search, show, install, …)',
    ),
  [
    'claude mcp add agentry -- agentry mcp',
    'agentry mcp -g        # installs and removals go to the user scope (home directory)',
  ],
)
  .option('-g, --global', 'install and remove in the user scope (home directory) instead of this project')
  .action(async (options: { global?: boolean }) => {
    // The MCP SDK loads only here: every other command starts without it.
    const { runMcp } = await import('./commands/mcp.js');
    await runMcp(
      createContext({ options: globals(), notify: (line) => process.stderr.write(`${line}\n`) }),
      options,
    );
  });

examples(
  program.command('doctor').description('check the registry, your login and the agent tools found here'),
  ['agentry doctor'],
).action(async () => {
  const result = await runDoctor(context());
  output(result, formatDoctor);
  if (!result.ok) process.exitCode = exitCodes.error;
});

function specOf(command: CommanderCommand): CommandSpec[] {
  return command.commands.map((sub) => ({
    name: sub.name(),
    description: sub.description(),
    options: sub.options.map((o) => o.long ?? '').filter(Boolean),
    subcommands: specOf(sub),
  }));
}

function openBrowser(url: string): void {
  const command =
    process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open';
  try {
    const child = spawn(command, [url], { stdio: 'ignore', detached: true });
    child.on('error', () => {});
    child.unref();
  } catch {
    // The URL is printed; a missing opener is no failure.
  }
}

function fail(
  code: string,
  message: string,
  hint: string | undefined,
  details: unknown,
  exit: number,
): never {
  endProgress();
  if (json())
    process.stdout.write(
      `${JSON.stringify({ error: code, message, ...(hint ? { hint } : {}), ...(details === undefined ? {} : { details }) }, null, 2)}\n`,
    );
  else {
    const p = paint();
    process.stderr.write(`${p('red', 'agentry:')} ${message} [${code}]\n${hint ? `  hint: ${hint}\n` : ''}`);
  }
  process.exit(exit);
}

/** Hints by the registry's specific code (`X-Agentry-Error-Code`), else by the envelope's general one. */
const registryHints: Record<string, string> = {
  unauthorized: 'run agentry login, or check AGENTRY_TOKEN',
  forbidden: 'your token lacks the scope, or you lack rights on this artifact or org',
  token_lacks_scope: 'this token lacks the scope; run agentry login for a token with it',
  not_org_member: 'ask an owner or admin of the org to add you (agentry org add)',
  org_role_required: 'ask an owner or admin of the org to do it, or to raise your role',
  tenant_role_required: "ask this registry's admin for a higher role",
  package_write_denied: 'only its publisher or members of its org can change it',
  scope_not_grantable: 'a token can only grant scopes its creator holds',
  permission_escalation: 'new permissions need the version bump the message names',
  invalid_name: 'names are lower-case: name or @org/name',
  not_found: 'check the name with agentry search',
  package_not_found: 'check the name with agentry search',
  version_not_found: 'list the versions with agentry info <name>',
  org_not_found: 'check the org name; agentry org list shows yours',
  user_not_found: 'check the username',
  rate_limited: 'wait a little and try again',
  unreachable: 'check --registry / AGENTRY_REGISTRY and that the server runs (agentry doctor)',
  bad_response:
    'this CLI and the registry disagree on the API: update agentry, or report it with the details (--json)',
};

program.parseAsync(process.argv).catch((error: unknown) => {
  if (error instanceof CommanderError) process.exit(error.exitCode === 0 ? 0 : exitCodes.usage);
  if (error instanceof CliError)
    fail(error.code, error.message, error.hint, error.details, cliErrorCodes[error.code]);
  if (error instanceof RegistryError) {
    fail(
      error.code,
      error.message,
      registryHints[error.reason] ?? registryHints[error.code],
      error.details,
      error.code === 'unreachable' ? exitCodes.unreachable : exitCodes.error,
    );
  }
  const message = error instanceof Error ? error.message : String(error);
  fail(
    'unexpected',
    message,
    'this is a bug in agentry; please report it with the command you ran',
    undefined,
    exitCodes.error,
  );
});
