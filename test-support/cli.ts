/**
 * CLI commands against an in-process server: a command context whose transport is app.request, with
 * its own config folder, home and project folder, so nothing touches the real user's files.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { RegistryError } from '../packages/cli/src/api-client.js';
import { CliError } from '../packages/cli/src/cli-error.js';
import { type CommandContext, createContext } from '../packages/cli/src/commands/context.js';
import type { TestApp } from './app.js';

export const testRegistry = 'http://registry.test';

export interface CliSandbox {
  root: string;
  project: string;
  home: string;
  configDir: string;
  context(options?: {
    token?: string | undefined;
    cwd?: string;
    confirm?: CommandContext['confirm'];
    transform?: (url: string, res: Response) => Promise<Response>;
  }): CommandContext;
}

export function createCliSandbox(t: TestApp, root: string, token?: string): CliSandbox {
  const project = join(root, 'project');
  const home = join(root, 'home');
  const configDir = join(root, 'config');
  for (const dir of [project, home]) mkdirSync(dir, { recursive: true });
  return {
    root,
    project,
    home,
    configDir,
    context: (options = {}) =>
      createContext({
        options: {
          registry: testRegistry,
          ...('token' in options ? (options.token ? { token: options.token } : {}) : token ? { token } : {}),
        },
        env: { AGENTRY_CONFIG_DIR: configDir },
        cwd: options.cwd ?? project,
        home,
        confirm: options.confirm,
        fetch: async (url, init) => {
          const res = await t.app.request(url, init);
          return options.transform ? options.transform(url, res) : res;
        },
      }),
  };
}

/** The stable code a command fails with (CLI or registry error), or undefined when it succeeds. */
export async function errorCodeOf(run: () => Promise<unknown> | unknown): Promise<string | undefined> {
  try {
    await run();
  } catch (error) {
    if (error instanceof CliError || error instanceof RegistryError) return error.code;
    throw error;
  }
  return undefined;
}

let sandboxes = 0;

/** A fresh sandbox under the test run's temporary folder. */
export function nextSandbox(t: TestApp, makeDir: (prefix: string) => string, token?: string): CliSandbox {
  sandboxes += 1;
  return createCliSandbox(t, makeDir(`cli-${sandboxes}`), token);
}
