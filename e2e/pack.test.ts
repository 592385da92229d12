/**
 * The packages as products (issue 22 §1): `npm pack` each workspace, install the three tarballs into an
 * empty folder and into a temporary global prefix (dependencies from the npm registry or its cache, no
 * workspace), then run `agentry --version`, `agentry-server` on the embedded default, and `agentry search`
 * against it — what someone gets from `npm install -g @agentry/cli @agentry/server`.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { version } from '../packages/core/src/version.js';
import { makeTempDir } from '../test-support/db.js';

const root = join(import.meta.dirname, '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
});

function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}) {
  const result = spawnSync(command, args, {
    cwd,
    env: { ...process.env, npm_config_audit: 'false', npm_config_fund: 'false', ...env },
    encoding: 'utf8',
    timeout: 240_000,
  });
  if (result.status !== 0)
    throw new Error(`${command} ${args.join(' ')} exited ${result.status}:\n${result.stderr}`);
  return result.stdout;
}

/** Starts the installed agentry-server and resolves with the URL from its "Agentry listening on" line. */
function startInstalledServer(bin: string, cwd: string): Promise<string> {
  const child = spawn(bin, [], {
    cwd,
    env: { PATH: process.env.PATH, HOME: cwd, PORT: '0', LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      const url = /Agentry listening on (http:\/\/\S+)/.exec(stderr)?.[1];
      if (url) resolve(url);
    });
    child.once('exit', (code) =>
      reject(new Error(`agentry-server exited ${code} before listening:\n${stderr}`)),
    );
  });
}

describe('the published packages', () => {
  it('pack, install without the workspace, and run: --version, the server on the embedded default, search', async () => {
    const dir = makeTempDir('pack');
    const tarballs = join(dir, 'tarballs');
    mkdirSync(tarballs);
    for (const pkg of ['core', 'server', 'cli'])
      run(npm, ['pack', '--silent', '--pack-destination', tarballs, '-w', `packages/${pkg}`], root);
    const files = readdirSync(tarballs).sort();
    expect(files).toEqual([
      `agentry-cli-${version}.tgz`,
      `agentry-core-${version}.tgz`,
      `agentry-server-${version}.tgz`,
    ]);
    const packed = files.map((file) => join(tarballs, file));
    for (const file of packed) {
      const listing = run('tar', ['tzf', file], dir).split('\n');
      expect(listing, file).toContain('package/README.md');
      // Only what runs: no sources, tests or workspace paths.
      expect(
        listing.filter((entry) => /\/src\/|\.test\.|\.ts$(?<!\.d\.ts$)/.test(entry)),
        file,
      ).toEqual([]);
    }

    // Into an empty folder, as a project dependency.
    const app = join(dir, 'app');
    mkdirSync(app);
    writeFileSync(join(app, 'package.json'), '{ "name": "pack-check", "private": true }\n');
    run(npm, ['install', '--prefer-offline', ...packed], app);
    const bin = join(app, 'node_modules', '.bin');
    expect(run(join(bin, 'agentry'), ['--version'], app).trim()).toBe(version);

    // Into a temporary global prefix, as `npm install -g` does.
    const prefix = join(dir, 'global');
    run(npm, ['install', '--global', '--prefer-offline', '--prefix', prefix, ...packed], app);
    const globalBin = process.platform === 'win32' ? prefix : join(prefix, 'bin');
    expect(run(join(globalBin, 'agentry'), ['--version'], dir).trim()).toBe(version);
    expect(run(join(globalBin, 'agentry-server'), ['--version'], dir)).toContain(version);

    // The server starts on the embedded default (PGlite and ./.data) with nothing else installed.
    const serverHome = join(dir, 'server-home');
    mkdirSync(serverHome);
    const url = await startInstalledServer(join(globalBin, 'agentry-server'), serverHome);
    expect(readdirSync(serverHome)).toContain('.data');
    const found = JSON.parse(
      run(join(globalBin, 'agentry'), ['search', 'anything', '--registry', url, '--json'], dir, {
        AGENTRY_CONFIG_DIR: join(dir, 'config'),
      }),
    ) as { results: unknown[]; total: number };
    expect(found).toMatchObject({ results: [], total: 0 });
  }, 300_000);
});
