/** Commands that find, install and check artifacts: search, info, install, update, remove, outdated, list,
 * verify, audit, bootstrap, cache. */
import { cliErrorCodes, exitCodes } from '../cli-error.js';
import {
  collect,
  defineCommand,
  defineGroup,
  globalScope,
  type RunInput,
  show,
  toolHelp,
} from '../command-spec.js';

const loadInstall = () => import('../commands/install.js');
const loadVerify = () => import('../commands/verify.js');
const loadCache = () => import('../commands/cache.js');
const toolOption = { flags: '--tool <tool>', description: toolHelp, parse: collect };
type Scope = { global?: boolean };

export const search = defineCommand({
  name: 'search',
  summary: 'search the registry',
  arguments: [{ name: '[query]', description: 'words to look for', default: '' }],
  examples: [
    'agentry search review',
    'agentry search --kind mcp --tool cursor',
    'agentry search lint --tag typescript --tag ci --sort downloads --json',
  ],
  options: [
    {
      flags: '--kind <kind>',
      description:
        'skill, agent, command, prompt, instruction, hook, mcp, template, config or pack (comma-separated)',
    },
    { flags: '--tool <tool>', description: 'only artifacts for this agent tool' },
    {
      flags: '--tag <tag>',
      description: 'only artifacts with this tag (repeatable; all must match)',
      parse: collect,
    },
    { flags: '--sort <sort>', description: 'relevance, downloads, stars, updated or name' },
    { flags: '--limit <n>', description: 'results per page (1–50)', parse: (v) => Number(v) },
    { flags: '--page <n>', description: 'page number', parse: (v) => Number(v) },
  ],
  load: () => import('../commands/search.js'),
  run: async (
    m,
    input: RunInput<{
      kind?: string;
      tool?: string;
      tag?: string[];
      sort?: string;
      limit?: number;
      page?: number;
    }>,
    query: string,
  ) => {
    const o = input.options;
    const page = await m.runSearch(input.context(), query, {
      kind: o.kind,
      tool: o.tool,
      tags: o.tag,
      sort: o.sort,
      limit: o.limit,
      page: o.page,
    });
    return show(page, m.formatSearch);
  },
});

export const info = defineCommand({
  name: 'info',
  aliases: ['show'],
  summary: 'versions, verdict, permissions and dependencies of an artifact',
  arguments: [{ name: '<name[@version]>' }],
  examples: ['agentry info @acme/code-review', 'agentry info @acme/code-review@1.2.0 --json'],
  load: () => import('../commands/search.js'),
  run: async (m, input, spec: string) => show(await m.runInfo(input.context(), spec), m.formatInfo),
});

export const install = defineCommand({
  name: 'install',
  aliases: ['i'],
  summary:
    'install artifacts (or, with no names, everything in agentry.json / agentry.lock) into your agent tools',
  arguments: [{ name: '[names...]', description: 'name, name@version or name@range' }],
  examples: [
    'agentry install @acme/code-review',
    'agentry install @acme/code-review@^1.2 --tool claude-code --tool cursor',
    'agentry install -g @acme/commit-style        # user scope (home directory)',
    'agentry install --frozen                      # CI: exactly what agentry.lock says',
  ],
  options: [
    { flags: '-g, --global', description: 'install for the user (home directory) instead of this project' },
    toolOption,
    {
      flags: '--frozen',
      description: 'install exactly agentry.lock; fail on any drift from agentry.json or the registry',
    },
    {
      flags: '-y, --yes',
      description: 'accept artifacts below the minimum verdict without asking (FAIL is never accepted)',
    },
    { flags: '--force', description: 'replace files and config entries that agentry did not create' },
    { flags: '--dry-run', description: 'resolve, download and verify, but write nothing' },
  ],
  load: loadInstall,
  run: async (
    m,
    input: RunInput<
      Scope & { tool?: string[]; frozen?: boolean; yes?: boolean; force?: boolean; dryRun?: boolean }
    >,
    names: string[],
  ) => show(await m.runInstallCommand(input.context(), names, input.options), m.formatInstall),
});

export const update = defineCommand({
  name: 'update',
  aliases: ['up'],
  summary: 'move installed artifacts to the newest versions their ranges allow',
  arguments: [{ name: '[names...]' }],
  examples: [
    'agentry update',
    'agentry update @acme/code-review --latest   # also past the range; saves the new range',
  ],
  options: [
    { flags: '--latest', description: 'move to the newest release even outside the range in agentry.json' },
    globalScope,
    toolOption,
    { flags: '-y, --yes', description: 'accept artifacts below the minimum verdict without asking' },
    { flags: '--force', description: 'replace files that agentry did not create' },
    { flags: '--dry-run', description: 'show what would change; write nothing' },
  ],
  load: loadInstall,
  run: async (
    m,
    input: RunInput<
      Scope & { latest?: boolean; tool?: string[]; yes?: boolean; force?: boolean; dryRun?: boolean }
    >,
    names: string[],
  ) => show(await m.runUpdate(input.context(), names, input.options), m.formatInstall),
});

export const remove = defineCommand({
  name: 'remove',
  aliases: ['rm', 'uninstall'],
  summary: 'remove artifacts: every file and config entry they added, and nothing else',
  arguments: [{ name: '<names...>' }],
  examples: ['agentry remove @acme/code-review', 'agentry rm -g @acme/commit-style'],
  options: [globalScope],
  load: loadInstall,
  run: (m, input: RunInput<Scope>, names: string[]) =>
    show(m.runRemoveCommand(input.context(), names, input.options), m.formatRemove),
});

export const outdated = defineCommand({
  name: 'outdated',
  summary: 'installed artifacts with newer versions',
  examples: ['agentry outdated', 'agentry outdated --json'],
  options: [globalScope],
  load: loadInstall,
  run: async (m, input: RunInput<Scope>) =>
    show(await m.runOutdated(input.context(), input.options), m.formatOutdated),
});

export const list = defineCommand({
  name: 'list',
  aliases: ['ls'],
  summary: 'what is installed, and where for each tool',
  examples: ['agentry list', 'agentry list -g --json'],
  options: [globalScope],
  load: loadInstall,
  run: (m, input: RunInput<Scope>) => show(m.runList(input.context(), input.options), m.formatList),
});

export const verify = defineCommand({
  name: 'verify',
  summary: 're-hash every installed file against agentry.lock (exit 7 on drift)',
  examples: ['agentry verify', 'agentry verify --json'],
  options: [globalScope],
  load: loadVerify,
  run: (m, input: RunInput<Scope>) => {
    const result = m.runVerify(input.context(), input.options);
    return show(result, m.formatVerify, result.drift.length > 0 ? cliErrorCodes.drift_detected : undefined);
  },
});

export const audit = defineCommand({
  name: 'audit',
  summary: "installed artifacts' current verdicts and findings from the registry (exit 4 on problems)",
  examples: ['agentry audit'],
  options: [globalScope],
  load: loadVerify,
  run: async (m, input: RunInput<Scope>) => {
    const result = await m.runAudit(input.context(), input.options);
    return show(result, m.formatAudit, result.problems > 0 ? exitCodes.verdict : undefined);
  },
});

export const bootstrap = defineCommand({
  name: 'bootstrap',
  summary: 'install the skills the registry recommends for this project',
  examples: [
    'agentry bootstrap',
    'agentry bootstrap --yes --tool claude-code',
    'agentry bootstrap --stack rust,axum --dry-run --json',
  ],
  options: [
    { flags: '-y, --yes', description: 'install every recommendation without asking' },
    { flags: '--dry-run', description: 'show the recommendations; install nothing' },
    { flags: '--stack <tags>', description: 'comma-separated stack tags instead of detecting them' },
    {
      flags: '--project <slug>',
      description: "the registry project instead of resolving this repository's git remote",
    },
    toolOption,
  ],
  load: () => import('../commands/bootstrap.js'),
  run: async (
    m,
    input: RunInput<{ yes?: boolean; dryRun?: boolean; stack?: string; project?: string; tool?: string[] }>,
  ) => {
    const o = input.options;
    const stack = o.stack
      ?.split(',')
      .map((t) => t.trim().toLowerCase())
      .filter(Boolean);
    return show(await m.runBootstrap(input.context(), { ...o, stack }), m.formatBootstrap);
  },
});

export const cache = defineGroup({
  name: 'cache',
  summary: 'the local archive cache (by integrity) installs read first',
  examples: ['agentry cache ls', 'agentry cache verify', 'agentry cache clean'],
  subcommands: [
    defineCommand({
      name: 'ls',
      aliases: ['list'],
      summary: 'cached archives',
      load: loadCache,
      run: (m, input) => show(m.runCacheList(input.context()), m.formatCacheList),
    }),
    defineCommand({
      name: 'verify',
      summary: 're-hash every cached archive; remove damaged ones',
      load: loadCache,
      run: (m, input) => show(m.runCacheVerify(input.context()), m.formatCacheVerify),
    }),
    defineCommand({
      name: 'clean',
      aliases: ['clear'],
      summary: 'empty the cache',
      load: loadCache,
      run: (m, input) => show(m.runCacheClean(input.context()), m.formatCacheClean),
    }),
  ],
});
