/** Spawns the built binaries the way an operator runs them, and waits for the server to listen. */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { createServer as createNetServer } from 'node:net';
import { join } from 'node:path';
import { createEmptyTestTarget } from '../test-support/db.js';

const root = join(import.meta.dirname, '..');
export const serverBin = join(root, 'packages/server/bin/agentry-server.js');
export const cliBin = join(root, 'packages/cli/bin/agentry.js');

export interface SpawnedServer {
  url: string;
  port: number;
  child: ChildProcess;
  logs: string[];
  /** The first line on stderr matching `pattern`, once it has arrived. */
  stderrLine(pattern: RegExp): Promise<string>;
  /** Resolves with the exit code once the process has ended. */
  exited: Promise<number | null>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export function baseEnv(extra: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    LOG_LEVEL: 'info',
    PORT: '0',
  };
  for (const [key, value] of Object.entries(extra)) if (value !== undefined) env[key] = value;
  return env;
}

export function startServer(
  env: Record<string, string | undefined>,
  timeoutMs = 30_000,
  /** A command the server runs under, e.g. `['unshare', '-pf', '--mount-proc']` for a pid namespace. */
  wrapper: string[] = [],
): Promise<SpawnedServer> {
  const [command = process.execPath, ...args] = [...wrapper, process.execPath, serverBin];
  const child = spawn(command, args, {
    env: baseEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: string[] = [];
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let stderr = '';
  const waiting: (() => void)[] = [];
  const stderrLine = (pattern: RegExp) =>
    new Promise<string>((resolve, reject) => {
      const check = () => {
        const line = stderr.split('\n').find((l) => pattern.test(l));
        if (line !== undefined) resolve(line);
        else if (child.exitCode !== null) reject(new Error(`no stderr line matched ${pattern}:\n${stderr}`));
        else waiting.push(check);
      };
      check();
    });
  exited.then(() => {
    for (const check of waiting.splice(0)) check();
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`server did not start within ${timeoutMs} ms:\n${logs.join('\n')}`));
    }, timeoutMs);
    let buffer = '';
    const onData = (chunk: Buffer) => {
      buffer += chunk.toString();
      const lines = buffer.split('\n');
      buffer = lines.pop() ?? '';
      for (const line of lines) {
        logs.push(line);
        if (!line.includes('agentry server listening')) continue;
        const port = (JSON.parse(line) as { port: number }).port;
        clearTimeout(timer);
        resolve({
          url: `http://127.0.0.1:${port}`,
          port,
          child,
          logs,
          stderrLine,
          exited,
          stop: (signal = 'SIGTERM') => {
            if (child.exitCode === null) child.kill(signal);
            return exited;
          },
        });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (chunk: Buffer) => {
      logs.push(chunk.toString());
      stderr += chunk.toString();
      for (const check of waiting.splice(0)) check();
    });
    exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} before listening:\n${logs.join('\n')}`));
    });
  });
}

export function runBin(bin: string, args: string[], env: Record<string, string | undefined>, input?: string) {
  const result = spawnSync(process.execPath, [bin, ...args], {
    env: baseEnv(env),
    input,
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A port free right now: PUBLIC_URL must name the port before the server listens on it. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createNetServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

export interface AdminServer {
  server: SpawnedServer;
  /** The AGENTRY_ADMIN_TOKEN the server was started with. */
  token: string;
  dataDir: string;
  /** Stops the server and drops its database. */
  close(): Promise<void>;
}

/** A server on an empty database of its own, on a port chosen up front (PUBLIC_URL names it), with an admin token. */
export async function startAdminServer(env: Record<string, string> = {}): Promise<AdminServer> {
  const target = await createEmptyTestTarget();
  const token = `agt_${randomBytes(32).toString('base64url')}`;
  const port = await freePort();
  const server = await startServer({
    DATA_DIR: target.dataDir,
    DATABASE_URL: target.databaseUrl,
    AGENTRY_ADMIN_TOKEN: token,
    PORT: String(port),
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    ...env,
  });
  return {
    server,
    token,
    dataDir: target.dataDir,
    close: async () => {
      await server.stop('SIGKILL');
      await target.cleanup();
    },
  };
}
