/**
 * `agentry config get|set|delete|list`: the user's defaults in the config file (as `npm config`), or with
 * --project the project's agentry.json. Keys: `registry` (the default registry URL) and `tools` (the
 * agent tools an install goes into when neither --tool nor agentry.json `targets` says). Tokens are not
 * settable here: `agentry login` checks them first.
 */
import { isToolId, type ToolId, toolIds } from '@agentry/core';
import { CliError } from '../cli-error.js';
import { configPath, readUserConfig, registryKey, type UserConfig, writeUserConfig } from '../config-file.js';
import { locateProject, readProjectManifest, writeProjectManifest } from '../install/project.js';
import { defaultRegistry, type RegistrySource } from '../settings.js';
import type { CommandContext } from './context.js';

export const configKeys = ['registry', 'tools'] as const;
export type ConfigKey = (typeof configKeys)[number];

export interface ConfigValue {
  key: ConfigKey;
  /** The effective value; null when unset and without a built-in default. */
  value: string | null;
  /** Where it came from: for the registry, --registry, AGENTRY_REGISTRY, agentry.json, the user config or the default. */
  source: RegistrySource | 'unset';
  file?: string | undefined;
}

export interface ConfigChange {
  key: ConfigKey;
  value: string | null;
  file: string;
}

function checkKey(key: string): ConfigKey {
  if (!(configKeys as readonly string[]).includes(key))
    throw new CliError('usage', `unknown config key ${key}`, `keys: ${configKeys.join(', ')}`, { key });
  return key as ConfigKey;
}

/** A registry URL as it will be stored: http(s), no trailing slash, no credentials or query. */
export function normaliseRegistry(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new CliError(
      'usage',
      `registry: ${value} is not a URL`,
      'for example https://registry.example.com',
    );
  }
  if (!/^https?:$/.test(url.protocol) || url.username || url.password || url.search || url.hash)
    throw new CliError(
      'usage',
      `registry: ${value} must be an http(s) URL without credentials, query or fragment`,
      'for example https://registry.example.com',
    );
  return registryKey(url.href);
}

export function parseTools(value: string): ToolId[] {
  const list = value
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
  if (list.includes('all')) return [...toolIds];
  const unknown = list.filter((item) => !isToolId(item));
  if (list.length === 0 || unknown.length > 0)
    throw new CliError(
      'usage',
      `tools: unknown tool ${unknown.join(', ') || '(none given)'}`,
      `tools: ${toolIds.join(', ')}, or all`,
    );
  return [...new Set(list as ToolId[])];
}

function userValue(config: UserConfig, key: ConfigKey): string | undefined {
  if (key === 'registry') return config.registry;
  return config.tools?.join(',');
}

export function runConfigGet(ctx: CommandContext, rawKey: string): ConfigValue {
  const key = checkKey(rawKey);
  if (key === 'registry')
    return {
      key,
      value: ctx.settings.registry,
      source: ctx.settings.registrySource,
      file:
        ctx.settings.registrySource === 'project'
          ? ctx.settings.registryFile
          : ctx.settings.registrySource === 'user'
            ? configPath(ctx.env)
            : undefined,
    };
  const value = userValue(readUserConfig(ctx.env), key);
  return value === undefined
    ? { key, value: null, source: 'unset' }
    : { key, value, source: 'user', file: configPath(ctx.env) };
}

export function runConfigList(ctx: CommandContext): ConfigValue[] {
  return configKeys.map((key) => runConfigGet(ctx, key));
}

export function runConfigSet(
  ctx: CommandContext,
  rawKey: string,
  value: string,
  options: { project?: boolean } = {},
): ConfigChange {
  const key = checkKey(rawKey);
  const stored = key === 'registry' ? normaliseRegistry(value) : parseTools(value).join(',');
  if (options.project) return writeProject(ctx, key, stored);
  const config = readUserConfig(ctx.env);
  if (key === 'registry') config.registry = stored;
  else config.tools = stored.split(',');
  return { key, value: stored, file: writeUserConfig(ctx.env, config) };
}

export function runConfigDelete(
  ctx: CommandContext,
  rawKey: string,
  options: { project?: boolean } = {},
): ConfigChange {
  const key = checkKey(rawKey);
  if (options.project) return writeProject(ctx, key, null);
  const config = readUserConfig(ctx.env);
  if (key === 'registry') delete config.registry;
  else delete config.tools;
  return { key, value: null, file: writeUserConfig(ctx.env, config) };
}

/** agentry.json holds `registry` and `targets` (the project's tools). */
function writeProject(ctx: CommandContext, key: ConfigKey, value: string | null): ConfigChange {
  const paths = locateProject('project', ctx.cwd, ctx.home);
  const manifest = readProjectManifest(paths) ?? { dependencies: {} };
  const field = key === 'registry' ? 'registry' : 'targets';
  if (value === null) delete manifest[field];
  else if (key === 'registry') manifest.registry = value;
  else manifest.targets = value.split(',') as ToolId[];
  writeProjectManifest(paths, manifest);
  return { key, value, file: paths.manifest };
}

const sourceLabels: Record<ConfigValue['source'], string> = {
  flag: '--registry',
  env: 'AGENTRY_REGISTRY',
  project: 'agentry.json',
  user: 'user config',
  default: 'default',
  unset: 'unset',
};

export function formatConfigValue(value: ConfigValue): string {
  return value.value ?? '';
}

export function formatConfigList(values: ConfigValue[]): string {
  return values
    .map(
      (v) =>
        `${v.key} = ${v.value ?? '(unset)'}  ; ${sourceLabels[v.source]}${v.file ? ` (${v.file})` : ''}${
          v.key === 'registry' && v.source !== 'default' ? `, default ${defaultRegistry}` : ''
        }`,
    )
    .join('\n');
}

export function formatConfigChange(change: ConfigChange): string {
  return change.value === null
    ? `${change.key} removed from ${change.file}`
    : `${change.key} = ${change.value} saved in ${change.file}`;
}
