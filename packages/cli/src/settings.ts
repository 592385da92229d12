/**
 * Where the CLI talks to and as whom: --registry, then AGENTRY_REGISTRY, then the config file, then
 * the local default; the token: --token, then AGENTRY_TOKEN, then the config file's token for that
 * registry.
 */
import { readUserConfig, registryKey } from './config-file.js';

export const defaultRegistry = 'http://localhost:3737';

export interface GlobalOptions {
  registry?: string;
  token?: string;
  json?: boolean;
}

export interface Settings {
  registry: string;
  token: string | undefined;
  tokenSource: 'flag' | 'env' | 'config' | 'none';
  json: boolean;
}

export function resolveSettings(
  options: GlobalOptions,
  env: Record<string, string | undefined> = process.env,
): Settings {
  const config = readUserConfig(env);
  const registry = registryKey(
    options.registry ?? env.AGENTRY_REGISTRY ?? config.registry ?? defaultRegistry,
  );
  const saved = config.auth?.[registry]?.token;
  const [token, tokenSource] = options.token
    ? [options.token, 'flag' as const]
    : env.AGENTRY_TOKEN
      ? [env.AGENTRY_TOKEN, 'env' as const]
      : saved
        ? [saved, 'config' as const]
        : [undefined, 'none' as const];
  return { registry, token, tokenSource, json: options.json === true };
}
