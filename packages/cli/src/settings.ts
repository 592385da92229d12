/**
 * Where the CLI talks to and as whom. The registry: --registry, then AGENTRY_REGISTRY, then `registry`
 * in the project's agentry.json (the nearest one up from the working folder), then `registry` in the
 * user's config file, then the local default — the order npm uses for flag, environment, project
 * .npmrc and user .npmrc. The token: --token, then AGENTRY_TOKEN, then the config file's token for that
 * registry.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { defaultRegistryUrl } from '@agentry/core/version';
import { readUserConfig, registryKey } from './config-file.js';

export const defaultRegistry = defaultRegistryUrl;

export interface GlobalOptions {
  registry?: string;
  token?: string;
  json?: boolean;
}

export type RegistrySource = 'flag' | 'env' | 'project' | 'user' | 'default';

export interface Settings {
  registry: string;
  registrySource: RegistrySource;
  /** The agentry.json that named the registry, when it came from one. */
  registryFile?: string | undefined;
  token: string | undefined;
  tokenSource: 'flag' | 'env' | 'config' | 'none';
  json: boolean;
}

/** `registry` from the nearest agentry.json up from `cwd`, when it names one. */
export function projectRegistry(cwd: string): { registry: string; file: string } | undefined {
  let dir = resolve(cwd);
  for (;;) {
    const file = join(dir, 'agentry.json');
    if (existsSync(file)) {
      try {
        const parsed = JSON.parse(readFileSync(file, 'utf8')) as { registry?: unknown };
        // Anything but an http(s) URL is left to the manifest check of the command that reads it.
        return typeof parsed.registry === 'string' && /^https?:\/\//.test(parsed.registry)
          ? { registry: parsed.registry, file }
          : undefined;
      } catch {
        // A broken agentry.json is reported by the command that reads it as a manifest.
        return undefined;
      }
    }
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

export function resolveSettings(
  options: GlobalOptions,
  env: Record<string, string | undefined> = process.env,
  cwd: string = process.cwd(),
): Settings {
  const config = readUserConfig(env);
  const project = options.registry || env.AGENTRY_REGISTRY ? undefined : projectRegistry(cwd);
  const [chosen, registrySource]: [string, RegistrySource] = options.registry
    ? [options.registry, 'flag']
    : env.AGENTRY_REGISTRY
      ? [env.AGENTRY_REGISTRY, 'env']
      : project
        ? [project.registry, 'project']
        : config.registry
          ? [config.registry, 'user']
          : [defaultRegistry, 'default'];
  const registry = registryKey(chosen);
  const saved = config.auth?.[registry]?.token;
  const [token, tokenSource] = options.token
    ? [options.token, 'flag' as const]
    : env.AGENTRY_TOKEN
      ? [env.AGENTRY_TOKEN, 'env' as const]
      : saved
        ? [saved, 'config' as const]
        : [undefined, 'none' as const];
  return {
    registry,
    registrySource,
    registryFile: project?.file,
    token,
    tokenSource,
    json: options.json === true,
  };
}
