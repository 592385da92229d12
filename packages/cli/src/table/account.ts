/** Commands about people and access: star, unstar, token, org. */
import { collect, defineCommand, defineGroup, type RunInput, show } from '../command-spec.js';

const loadAccount = () => import('../commands/account.js');

export const star = defineCommand({
  name: 'star',
  summary: 'star an artifact',
  arguments: [{ name: '<name>' }],
  examples: ['agentry star @acme/code-review'],
  load: loadAccount,
  run: async (m, input, name: string) => show(await m.runStar(input.context(), name, true), m.formatStar),
});

export const unstar = defineCommand({
  name: 'unstar',
  summary: 'remove your star',
  arguments: [{ name: '<name>' }],
  examples: ['agentry unstar @acme/code-review'],
  load: loadAccount,
  run: async (m, input, name: string) => show(await m.runStar(input.context(), name, false), m.formatStar),
});

export const token = defineGroup({
  name: 'token',
  summary: 'API tokens: create, list, revoke',
  examples: [
    'agentry token create ci --scope skills:read --scope skills:publish --expires 30',
    'agentry token list',
    'agentry token revoke 1b2c…',
  ],
  subcommands: [
    defineCommand({
      name: 'create',
      summary: 'create a token (shown once)',
      arguments: [{ name: '<name>' }],
      options: [
        {
          flags: '--scope <scope>',
          description: 'skills:read, skills:publish or skills:admin (repeatable)',
          parse: collect,
        },
        { flags: '--expires <days>', description: 'days until it expires, or never', default: '90' },
      ],
      load: loadAccount,
      run: async (m, input: RunInput<{ scope?: string[]; expires?: string }>, name: string) =>
        show(await m.runTokenCreate(input.context(), name, input.options), m.formatToken),
    }),
    defineCommand({
      name: 'list',
      summary: 'your tokens (no secrets)',
      load: loadAccount,
      run: async (m, input) => show(await m.runTokenList(input.context()), m.formatTokens),
    }),
    defineCommand({
      name: 'revoke',
      summary: 'revoke a token',
      arguments: [{ name: '<id>' }],
      load: loadAccount,
      run: async (m, input, id: string) =>
        show(await m.runTokenRevoke(input.context(), id), (r) => `revoked ${r.id}`),
    }),
  ],
});

export const org = defineGroup({
  name: 'org',
  aliases: ['team'],
  summary: 'orgs (AI Toolkit: teams) and their members',
  examples: [
    'agentry org create acme "Acme Inc"',
    'agentry org add acme alice --role admin',
    'agentry org info acme',
  ],
  subcommands: [
    defineCommand({
      name: 'create',
      summary: 'create an org (you become its owner)',
      arguments: [{ name: '<slug>' }, { name: '[name]' }],
      load: loadAccount,
      run: async (m, input, slug: string, name?: string) =>
        show(await m.runOrgCreate(input.context(), slug, name), m.formatOrg),
    }),
    defineCommand({
      name: 'list',
      summary: 'orgs you belong to',
      load: loadAccount,
      run: async (m, input) => show(await m.runOrgList(input.context()), m.formatOrgs),
    }),
    defineCommand({
      name: 'info',
      summary: 'an org and, for members, its members',
      arguments: [{ name: '<slug>' }],
      load: loadAccount,
      run: async (m, input, slug: string) => show(await m.runOrgInfo(input.context(), slug), m.formatOrg),
    }),
    defineCommand({
      name: 'add',
      summary: "add a member, or change a member's role",
      arguments: [{ name: '<slug>' }, { name: '<username>' }],
      options: [
        {
          flags: '--role <role>',
          description: 'owner, admin or member',
          choices: ['owner', 'admin', 'member'],
          default: 'member',
        },
      ],
      load: loadAccount,
      run: async (m, input: RunInput<{ role: string }>, slug: string, username: string) =>
        show(
          await m.runOrgAdd(input.context(), slug, username, input.options.role),
          (r) => `${r.username} is ${r.role} of @${slug}`,
        ),
    }),
    defineCommand({
      name: 'remove',
      summary: 'remove a member',
      arguments: [{ name: '<slug>' }, { name: '<username>' }],
      load: loadAccount,
      run: async (m, input, slug: string, username: string) =>
        show(
          await m.runOrgRemove(input.context(), slug, username),
          (r) => `${r.username} removed from @${slug}`,
        ),
    }),
  ],
});
