/** Commands about the registry and you: login, logout, config, whoami, health, doctor. */

import { exitCodes } from '../cli-error.js';
import { defineCommand, defineGroup, type RunInput, show } from '../command-spec.js';

const loadConfig = () => import('../commands/config.js');

export const login = defineCommand({
  name: 'login',
  summary: 'log in to the registry (browser device flow, or --token for CI)',
  examples: [
    'agentry login',
    'agentry login --registry https://registry.example.com',
    'agentry login --token "$AGENTRY_CI_TOKEN"',
  ],
  options: [
    {
      flags: '--with-token <token>',
      description: 'save this token instead of the browser flow (also: global --token)',
    },
    { flags: '--no-browser', description: 'print the URL without opening a browser' },
  ],
  load: () => import('../commands/login.js'),
  run: async (m, input: RunInput<{ withToken?: string; browser: boolean }>) => {
    const ctx = input.context();
    const token = input.options.withToken ?? input.globals.token;
    const open =
      input.options.browser && process.stdout.isTTY
        ? (await import('../open-browser.js')).openBrowser
        : undefined;
    return show(await m.runLogin(ctx, { token, ...(open ? { openUrl: open } : {}) }), m.formatLogin);
  },
});

export const logout = defineCommand({
  name: 'logout',
  summary: 'forget the saved token for the registry',
  examples: ['agentry logout'],
  load: () => import('../commands/login.js'),
  run: (m, input) => show(m.runLogout(input.context()), m.formatLogout),
});

const projectOption = (description: string) => ({ flags: '--project', description });

export const config = defineGroup({
  name: 'config',
  summary: 'your defaults (registry, tools), or with --project this agentry.json',
  examples: [
    'agentry config set registry https://registry.example.com',
    'agentry config set registry https://registry.example.com --project   # this project only',
    'agentry config get registry',
    'agentry config list',
  ],
  subcommands: [
    defineCommand({
      name: 'get',
      summary: 'the effective value of registry or tools',
      arguments: [{ name: '<key>' }],
      load: loadConfig,
      run: (m, input, key: string) => show(m.runConfigGet(input.context(), key), m.formatConfigValue),
    }),
    defineCommand({
      name: 'set',
      summary: 'save registry or tools',
      arguments: [{ name: '<key>' }, { name: '<value>' }],
      options: [projectOption("write the project's agentry.json instead of your config file")],
      load: loadConfig,
      run: (m, input: RunInput<{ project?: boolean }>, key: string, value: string) =>
        show(m.runConfigSet(input.context(), key, value, input.options), m.formatConfigChange),
    }),
    defineCommand({
      name: 'delete',
      aliases: ['unset'],
      summary: 'remove a saved value',
      arguments: [{ name: '<key>' }],
      options: [projectOption("edit the project's agentry.json instead of your config file")],
      load: loadConfig,
      run: (m, input: RunInput<{ project?: boolean }>, key: string) =>
        show(m.runConfigDelete(input.context(), key, input.options), m.formatConfigChange),
    }),
    defineCommand({
      name: 'list',
      aliases: ['ls'],
      summary: 'every key, its value and where it comes from',
      load: loadConfig,
      run: (m, input) => show(m.runConfigList(input.context()), m.formatConfigList),
    }),
  ],
});

export const whoami = defineCommand({
  name: 'whoami',
  summary: 'show the user and scopes behind the current token',
  examples: ['agentry whoami', 'AGENTRY_TOKEN=agt_… agentry whoami --json'],
  load: async () => ({
    ...(await import('../commands/whoami.js')),
    ...(await import('../commands/context.js')),
  }),
  run: async (m, input) => {
    const ctx = input.context();
    m.requireToken(ctx);
    return show(await m.runWhoami(ctx.client), m.formatWhoami);
  },
});

export const health = defineCommand({
  name: 'health',
  summary: "show the registry's health and dependency status",
  examples: ['agentry health --registry https://registry.example.com'],
  load: () => import('../commands/health.js'),
  run: async (m, input) => show(await m.runHealth(input.context().client), m.formatHealth),
});

export const doctor = defineCommand({
  name: 'doctor',
  summary: 'check the registry, your login and the agent tools found here',
  examples: ['agentry doctor'],
  load: () => import('../commands/doctor.js'),
  run: async (m, input) => {
    const result = await m.runDoctor(input.context());
    return show(result, m.formatDoctor, result.ok ? undefined : exitCodes.error);
  },
});
