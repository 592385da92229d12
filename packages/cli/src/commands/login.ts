/**
 * `login`: Tank's device flow — start, show (and open) the approval URL, poll with backoff until the
 * browser approves — or `--token` for CI, checked with whoami before it is saved. The token is kept
 * per registry in the 0600 config file. `logout` forgets it.
 */
import { hostname } from 'node:os';
import { TankCliAuthApproved, TankCliAuthPending, TankCliAuthStarted, TankWhoami } from '@agentry/core/api';
import { createClient, jsonBody, RegistryError } from '../api-client.js';
import { CliError } from '../cli-error.js';
import { configPath, readUserConfig, registryKey, type UserConfig, writeUserConfig } from '../config-file.js';
import { defaultRegistry } from '../settings.js';
import type { CommandContext } from './context.js';
import type { Whoami } from './whoami.js';

export interface LoginOptions {
  token?: string | undefined;
  /** Called with the approval URL; table/session.ts opens a browser on a terminal. */
  openUrl?: (url: string) => void;
  sleep?: (ms: number) => Promise<void>;
  deviceName?: string;
}

export interface LoginResult {
  registry: string;
  username: string;
  scopes: string[];
  configFile: string;
  method: 'device' | 'token';
  /** Whether this login made the registry the user's default (login --registry X, as `npm login` does). */
  madeDefault: boolean;
  /** How to make it the default when this login did not. */
  defaultHint?: string | undefined;
}

const wait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function whoamiWith(ctx: CommandContext, token: string): Promise<Whoami> {
  const client = createClient({
    registry: ctx.settings.registry,
    token,
    ...(ctx.fetch ? { fetch: ctx.fetch } : {}),
  });
  try {
    return await client.request('/api/v1/auth/whoami', TankWhoami);
  } catch (error) {
    if (error instanceof RegistryError && error.status === 401) {
      throw new CliError(
        'not_logged_in',
        `the registry refused that token (${error.code})`,
        'create a new token with agentry token create, or run agentry login',
      );
    }
    throw error;
  }
}

/** 200 with the key once approved, 202 while pending; 410 (expired, denied, used) throws. */
function exchange(ctx: CommandContext, pollToken: string) {
  return ctx.client.requestStatus(
    '/api/v1/cli-auth/exchange',
    { 200: TankCliAuthApproved, 202: TankCliAuthPending },
    { method: 'POST', ...jsonBody({ pollToken }) },
  );
}

async function deviceFlow(ctx: CommandContext, options: LoginOptions): Promise<string> {
  const sleep = options.sleep ?? wait;
  const started = await ctx.client.request('/api/v1/cli-auth/start', TankCliAuthStarted, {
    method: 'POST',
    ...jsonBody({ deviceName: options.deviceName ?? `agentry CLI on ${hostname()}` }),
  });
  ctx.notify(
    `Open this URL to approve the login (valid ${Math.round(started.expiresIn / 60)} minutes):\n  ${started.authUrl}`,
  );
  options.openUrl?.(started.authUrl);
  const deadline = Date.now() + started.expiresIn * 1000;
  let delay = 1000;
  while (Date.now() < deadline) {
    await sleep(delay);
    let answer: Awaited<ReturnType<typeof exchange>>;
    try {
      answer = await exchange(ctx, started.pollToken);
    } catch (error) {
      if (error instanceof RegistryError && error.status === 410)
        throw new CliError(
          'login_expired',
          'the login was denied, expired or already used',
          'run agentry login again',
        );
      // Slow down when rate limited; keep polling through a brief outage.
      if (error instanceof RegistryError && (error.status === 429 || error.code === 'unreachable')) {
        delay = Math.min(delay * 2, 15_000);
        continue;
      }
      throw error;
    }
    if (answer.status === 200 && 'apiKey' in answer.body) return answer.body.apiKey;
    delay = Math.min(Math.round(delay * 1.5), 5000);
  }
  throw new CliError('login_expired', 'the login was not approved in time', 'run agentry login again');
}

export async function runLogin(ctx: CommandContext, options: LoginOptions = {}): Promise<LoginResult> {
  const token = options.token ?? (await deviceFlow(ctx, options));
  const who = await whoamiWith(ctx, token);
  const config = readUserConfig(ctx.env);
  config.auth = {
    ...config.auth,
    [ctx.settings.registry]: { token, username: who.username, savedAt: new Date().toISOString() },
  };
  const madeDefault = await offerDefault(ctx, config);
  const file = writeUserConfig(ctx.env, config);
  const differs = registryKey(config.registry ?? defaultRegistry) !== ctx.settings.registry;
  return {
    registry: ctx.settings.registry,
    username: who.username,
    scopes: who.scopes,
    configFile: file,
    method: options.token ? 'token' : 'device',
    madeDefault,
    defaultHint:
      !madeDefault && differs && ctx.settings.registrySource === 'flag'
        ? `agentry config set registry ${ctx.settings.registry} makes it the default (commands without --registry use ${registryKey(config.registry ?? defaultRegistry)})`
        : undefined,
  };
}

/**
 * Only a login named with --registry changes the default: it becomes the default when none is set, and
 * replacing another default is asked first (on a terminal; elsewhere the result carries the command).
 */
async function offerDefault(ctx: CommandContext, config: UserConfig): Promise<boolean> {
  if (ctx.settings.registrySource !== 'flag') return false;
  const current = config.registry ? registryKey(config.registry) : undefined;
  if (current === ctx.settings.registry) return false;
  if (current === undefined && ctx.settings.registry !== defaultRegistry) {
    config.registry = ctx.settings.registry;
    return true;
  }
  if (current === undefined || !ctx.confirm) return false;
  if (!(await ctx.confirm(`Make ${ctx.settings.registry} your default registry (now ${current})?`)))
    return false;
  config.registry = ctx.settings.registry;
  return true;
}

export function formatLogin(result: LoginResult): string {
  return `Logged in to ${result.registry} as ${result.username} (${result.scopes.join(' ')}); token saved in ${result.configFile}${
    result.madeDefault
      ? `\n${result.registry} is now your default registry (agentry config get registry)`
      : ''
  }${result.defaultHint ? `\nhint: ${result.defaultHint}` : ''}`;
}

export interface LogoutResult {
  registry: string;
  removed: boolean;
  configFile: string;
}

export function runLogout(ctx: CommandContext): LogoutResult {
  const config = readUserConfig(ctx.env);
  const removed = !!config.auth?.[ctx.settings.registry];
  if (removed && config.auth) delete config.auth[ctx.settings.registry];
  const file = removed ? writeUserConfig(ctx.env, config) : configPath(ctx.env);
  return { registry: ctx.settings.registry, removed, configFile: file };
}

export function formatLogout(result: LogoutResult): string {
  return result.removed ? `Logged out of ${result.registry}` : `No saved login for ${result.registry}`;
}
