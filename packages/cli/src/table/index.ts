/**
 * The command table: every `agentry` command in help order, as data. A command's module is imported only
 * when it runs (`load`), so `agentry --version` and `agentry whoami` load nothing they do not use.
 * To add a command: write `commands/<name>.ts` (it returns data and a formatter), then one entry here.
 */
import type { Command } from 'commander';
import { type CommandDef, defineCommand, type OptionSpec, type RunInput, text } from '../command-spec.js';
import type { CommandSpec } from '../commands/completions.js';
import { org, star, token, unstar } from './account.js';
import {
  audit,
  bootstrap,
  cache,
  info,
  install,
  list,
  outdated,
  remove,
  search,
  update,
  verify,
} from './install.js';
import { deprecate, draft, init, publish, scan, undeprecate, visibility, yank } from './publish.js';
import { config, doctor, health, login, logout, whoami } from './session.js';

export const programSummary = 'Install, publish and scan AI-agent artifacts from an Agentry registry';

export const globalOptions: readonly OptionSpec[] = [
  {
    flags: '--registry <url>',
    description:
      'registry URL (default: $AGENTRY_REGISTRY, agentry.json, agentry config, or http://localhost:3737)',
  },
  {
    flags: '--token <token>',
    description: 'API token (default: $AGENTRY_TOKEN, or the one saved by agentry login)',
  },
  { flags: '--json', description: 'print machine-readable JSON' },
  { flags: '--no-color', description: 'no colour even on a terminal' },
];

export const programExamples = [
  'agentry login',
  'agentry search review --kind skill',
  'agentry install @acme/code-review --tool claude-code,cursor',
  'agentry install --frozen      # CI: exactly agentry.lock',
  'agentry publish --dry-run',
];

function specOf(command: Command): CommandSpec[] {
  return command.commands.map((sub) => ({
    name: sub.name(),
    description: sub.description(),
    options: sub.options.map((o) => o.long ?? '').filter(Boolean),
    subcommands: specOf(sub),
  }));
}

const completions = defineCommand({
  name: 'completions',
  summary: 'shell completion script',
  arguments: [{ name: '<shell>', description: 'bash, zsh or fish' }],
  examples: [
    'source <(agentry completions bash)',
    'agentry completions zsh > "${fpath[1]}/_agentry"',
    'agentry completions fish > ~/.config/fish/completions/agentry.fish',
  ],
  load: () => import('../commands/completions.js'),
  run: (m, input, shell: string) => {
    const globals = input.program.options.map((o) => o.long ?? '').filter(Boolean);
    return text(m.runCompletions(shell, specOf(input.program), globals));
  },
});

const mcp = defineCommand({
  name: 'mcp',
  summary: 'serve the CLI to agent tools as a local MCP server on stdin/stdout (search, show, install, …)',
  examples: [
    'claude mcp add agentry -- agentry mcp',
    'agentry mcp -g        # installs and removals go to the user scope (home directory)',
  ],
  options: [
    {
      flags: '-g, --global',
      description: 'install and remove in the user scope (home directory) instead of this project',
    },
  ],
  // The MCP SDK loads only here.
  load: () => import('../commands/mcp.js'),
  run: async (m, input: RunInput<{ global?: boolean }>) => {
    await m.runMcp(input.quietContext(), input.options);
    return undefined;
  },
});

export const commands: readonly CommandDef[] = [
  login,
  logout,
  config,
  whoami,
  health,
  search,
  info,
  install,
  update,
  remove,
  outdated,
  list,
  verify,
  audit,
  publish,
  init,
  scan,
  yank,
  deprecate,
  undeprecate,
  visibility,
  draft,
  bootstrap,
  cache,
  star,
  unstar,
  token,
  org,
  completions,
  mcp,
  doctor,
];
