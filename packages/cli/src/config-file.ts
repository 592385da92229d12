/**
 * The user's CLI config: `$AGENTRY_CONFIG_DIR/config.json`, else `$XDG_CONFIG_HOME/agentry/`, else
 * `~/.config/agentry/` (`%APPDATA%\agentry` on Windows). It holds tokens, so it is written 0600 in a
 * 0700 folder, atomically, and a wider mode found on read is tightened.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export interface UserConfig {
  /** The registry used when neither --registry nor AGENTRY_REGISTRY says otherwise. */
  registry?: string;
  /** Agent tools an install goes into when neither --tool nor agentry.json `targets` says. */
  tools?: string[];
  /** Token and user name per registry URL. */
  auth?: Record<string, { token: string; username?: string; savedAt?: string }>;
}

export function configDir(env: Record<string, string | undefined>, home = homedir()): string {
  if (env.AGENTRY_CONFIG_DIR) return env.AGENTRY_CONFIG_DIR;
  if (process.platform === 'win32' && env.APPDATA) return join(env.APPDATA, 'agentry');
  return join(env.XDG_CONFIG_HOME || join(home, '.config'), 'agentry');
}

export function configPath(env: Record<string, string | undefined>): string {
  return join(configDir(env), 'config.json');
}

export function readUserConfig(env: Record<string, string | undefined>): UserConfig {
  const path = configPath(env);
  if (!existsSync(path)) return {};
  if (process.platform !== 'win32' && (statSync(path).mode & 0o077) !== 0) chmodSync(path, 0o600);
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as unknown;
    return parsed && typeof parsed === 'object' ? (parsed as UserConfig) : {};
  } catch {
    return {};
  }
}

export function writeUserConfig(env: Record<string, string | undefined>, config: UserConfig): string {
  const dir = configDir(env);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const path = join(dir, 'config.json');
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  chmodSync(temp, 0o600);
  renameSync(temp, path);
  return path;
}

/** Registry URLs are compared without trailing slashes. */
export function registryKey(url: string): string {
  return url.replace(/\/+$/, '');
}
