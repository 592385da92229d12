/** Where the CLI talks to: --registry, then AGENTRY_REGISTRY, then the local default; same for tokens. */
export const defaultRegistry = 'http://localhost:3737';

export interface GlobalOptions {
  registry?: string;
  token?: string;
  json?: boolean;
}

export function resolveSettings(
  options: GlobalOptions,
  env: Record<string, string | undefined> = process.env,
) {
  return {
    registry: options.registry ?? env.AGENTRY_REGISTRY ?? defaultRegistry,
    token: options.token ?? env.AGENTRY_TOKEN,
    json: options.json === true,
  };
}
