/**
 * The processes bench/http.mjs compares: Agentry (this build), Verdaccio 6 (installed from npm into a
 * temporary folder at run time, never a project dependency) and nginx (Debian's nginx-light, one worker).
 * Each is started as a child process; `rss()` reads its resident memory from /proc.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
export const serverBin = join(root, 'packages/server/bin/agentry-server.js');

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Polls `url` until it answers 200; resolves with the milliseconds since `startedAt`. */
export async function waitFor200(url, startedAt, child, timeoutMs = 120_000) {
  for (;;) {
    if (child && child.exitCode !== null)
      throw new Error(`${url}: the process exited with ${child.exitCode}`);
    try {
      const response = await fetch(url);
      await response.arrayBuffer();
      if (response.status === 200) return performance.now() - startedAt;
    } catch {
      // not listening yet
    }
    if (performance.now() - startedAt > timeoutMs) throw new Error(`${url} did not answer 200 in time`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Resident set size of a process in MiB. */
export function rss(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN);
  return kb / 1024;
}

const children = new Set();
// A benchmark that fails half-way must not leave servers running.
process.on('exit', () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
});

function startChild(command, args, env, label) {
  const child = spawn(command, args, {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  children.add(child);
  let errors = '';
  child.stderr.on('data', (chunk) => {
    errors = (errors + chunk.toString()).slice(-4000);
  });
  child.on('exit', (code, signal) => {
    if (code && !child.stopping) console.error(`${label} exited with ${code ?? signal}:\n${errors}`);
  });
  return child;
}

function stopChild(child) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  child.stopping = true;
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
  });
}

/** An Agentry server on `dataDir` (and `databaseUrl` when given); `start()` may be called again after `stop()`. */
export function agentry({ dataDir, databaseUrl, adminToken, label }) {
  const state = { child: undefined, port: 0, url: '' };
  return {
    label,
    kind: 'agentry',
    get url() {
      return state.url;
    },
    get pid() {
      return state.child.pid;
    },
    async start() {
      state.port = await freePort();
      state.url = `http://127.0.0.1:${state.port}`;
      const startedAt = performance.now();
      state.child = startChild(
        process.execPath,
        [serverBin],
        {
          DATA_DIR: dataDir,
          ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
          PORT: String(state.port),
          HOST: '127.0.0.1',
          PUBLIC_URL: state.url,
          AGENTRY_ADMIN_TOKEN: adminToken,
          LOG_LEVEL: 'warn',
          RATE_LIMIT_ANONYMOUS: '10000000',
          RATE_LIMIT_AUTHENTICATED: '10000000',
        },
        label,
      );
      return waitFor200(`${state.url}/health`, startedAt, state.child);
    },
    stop: () => stopChild(state.child),
  };
}

const verdaccioVersion = '6';

/** Installs Verdaccio once per machine into a temporary folder (reused by later runs). */
function installVerdaccio() {
  const dir = join(tmpdir(), `agentry-bench-verdaccio-${verdaccioVersion}`);
  const bin = join(dir, 'node_modules/verdaccio/bin/verdaccio');
  if (!existsSync(bin)) {
    console.log(`installing verdaccio@${verdaccioVersion} into ${dir} …`);
    mkdirSync(dir, { recursive: true });
    execFileSync(
      'npm',
      [
        'install',
        '--prefix',
        dir,
        '--no-audit',
        '--no-fund',
        '--loglevel=error',
        `verdaccio@${verdaccioVersion}`,
      ],
      { stdio: 'inherit' },
    );
  }
  return bin;
}

export function verdaccio({ workDir }) {
  const bin = installVerdaccio();
  const storage = join(workDir, 'verdaccio-storage');
  mkdirSync(storage, { recursive: true });
  const config = join(workDir, 'verdaccio.yaml');
  // No uplinks: every answer comes from its own storage, as Agentry's do.
  writeFileSync(
    config,
    [
      `storage: ${storage}`,
      'auth: {}',
      'uplinks: {}',
      'max_body_size: 100mb',
      'packages:',
      "  '**':",
      '    access: $all',
      '    publish: $anonymous $all',
      'log: { type: stdout, format: pretty, level: error }',
      'web: { enable: false }',
      '',
    ].join('\n'),
  );
  const state = { child: undefined, url: '' };
  return {
    label: 'verdaccio',
    kind: 'verdaccio',
    get url() {
      return state.url;
    },
    get pid() {
      return state.child.pid;
    },
    async start() {
      const port = await freePort();
      state.url = `http://127.0.0.1:${port}`;
      const startedAt = performance.now();
      state.child = startChild(
        process.execPath,
        [bin, '--config', config, '--listen', `127.0.0.1:${port}`],
        {},
        'verdaccio',
      );
      return waitFor200(`${state.url}/-/ping`, startedAt, state.child);
    },
    stop: () => stopChild(state.child),
  };
}

/** nginx with one worker serving `rootDir`. */
export function nginx({ workDir, rootDir }) {
  const state = { child: undefined, url: '' };
  return {
    label: 'nginx',
    kind: 'nginx',
    get url() {
      return state.url;
    },
    get pid() {
      return state.child.pid;
    },
    async start() {
      const port = await freePort();
      state.url = `http://127.0.0.1:${port}`;
      const config = join(workDir, 'nginx.conf');
      writeFileSync(
        config,
        `worker_processes 1;
daemon off;
pid ${join(workDir, 'nginx.pid')};
error_log ${join(workDir, 'nginx-error.log')} error;
events { worker_connections 1024; }
http {
  access_log off;
  sendfile on;
  client_body_temp_path ${workDir};
  proxy_temp_path ${workDir};
  fastcgi_temp_path ${workDir};
  uwsgi_temp_path ${workDir};
  scgi_temp_path ${workDir};
  server { listen 127.0.0.1:${port}; root ${rootDir}; etag on; }
}
`,
      );
      const startedAt = performance.now();
      state.child = startChild('/usr/sbin/nginx', ['-c', config, '-p', workDir], {}, 'nginx');
      return waitFor200(`${state.url}/bench.tgz`, startedAt, state.child);
    },
    stop: () => stopChild(state.child),
  };
}
