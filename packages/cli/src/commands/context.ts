/**
 * What every command gets: resolved settings, a client and typed registry calls, where it runs, and
 * the ways it may talk to the user (a confirm prompt and a progress line only on a terminal). Tests
 * build one around an in-process server; `program.ts` builds the real one.
 */
import { homedir } from 'node:os';
import { createClient, type FetchLike, type RegistryClient } from '../api-client.js';
import { CliError } from '../cli-error.js';
import { readUserConfig } from '../config-file.js';
import { createRegistry, type Registry } from '../registry.js';
import { type GlobalOptions, resolveSettings, type Settings } from '../settings.js';

export interface CommandContext {
  settings: Settings;
  client: RegistryClient;
  registry: Registry;
  env: Record<string, string | undefined>;
  /** The transport (an in-process server in tests), for clients made with another token. */
  fetch?: FetchLike | undefined;
  cwd: string;
  home: string;
  /** A yes/no question on the terminal; absent when stdin is not a terminal. */
  confirm?: ((question: string) => Promise<boolean>) | undefined;
  /** One line of progress (a terminal redraws it; elsewhere it is dropped). */
  progress?: ((line: string) => void) | undefined;
  /** Where messages for the human go while a command runs (stderr). */
  notify: (line: string) => void;
}

export interface ContextOptions {
  options?: GlobalOptions;
  env?: Record<string, string | undefined>;
  cwd?: string;
  home?: string;
  fetch?: FetchLike;
  confirm?: CommandContext['confirm'];
  progress?: CommandContext['progress'];
  notify?: CommandContext['notify'];
}

export function createContext(input: ContextOptions = {}): CommandContext {
  const env = input.env ?? process.env;
  const cwd = input.cwd ?? process.cwd();
  const settings = resolveSettings(input.options ?? {}, env, cwd);
  const client = createClient({
    registry: settings.registry,
    token: settings.token,
    ...(input.fetch ? { fetch: input.fetch } : {}),
  });
  return {
    settings,
    client,
    registry: createRegistry(client),
    env,
    fetch: input.fetch,
    cwd,
    home: input.home ?? env.HOME ?? homedir(),
    confirm: input.confirm,
    progress: input.progress,
    notify: input.notify ?? (() => {}),
  };
}

export function requireToken(ctx: CommandContext): void {
  if (!ctx.settings.token) {
    // A login saved for another registry is the usual cause: say which, and how to use it.
    const others = Object.keys(readUserConfig(ctx.env).auth ?? {});
    throw new CliError(
      'not_logged_in',
      `not logged in to ${ctx.settings.registry}`,
      others.length > 0
        ? `you are logged in to ${others.join(', ')}: pass --registry ${others[0]}, or make it the default with agentry config set registry ${others[0]}`
        : `run agentry login${ctx.settings.registrySource === 'default' ? ' --registry <url>' : ''}, or set AGENTRY_TOKEN`,
    );
  }
}
