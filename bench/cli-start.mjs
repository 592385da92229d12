#!/usr/bin/env node
/**
 * CLI start-up: wall time of `agentry --version`, `agentry whoami` (against a local stub registry that
 * answers the whoami request at once, so the figure is start-up plus one request) and `agentry --help`,
 * beside bare `node -e 0`, in the manner of hyperfine: warm-up runs, then the commands interleaved round by
 * round (so a change in machine load hits all of them alike), median, mean, min and spread per command, and
 * each median as a ratio to node's. Target: --version and whoami within 1.5x of `node -e 0`.
 * Run after `npm run build`.
 *
 *   node bench/cli-start.mjs [--runs 40] [--warmup 5] [--cli path/to/bin/agentry.js] [--out bench/results/x.md]
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';

const root = join(import.meta.dirname, '..');
const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '40' },
    warmup: { type: 'string', default: '5' },
    cli: { type: 'string', default: join(root, 'packages/cli/bin/agentry.js') },
    out: { type: 'string' },
  },
});
const runs = Number(values.runs);
const warmup = Number(values.warmup);

const whoami = {
  userId: 'u1',
  username: 'bench',
  name: null,
  email: null,
  tenant: 'default',
  scopes: ['skills:read'],
  tokenId: null,
};
const server = createServer((req, res) => {
  res.writeHead(req.url === '/api/v1/auth/whoami' ? 200 : 404, { 'content-type': 'application/json' });
  res.end(JSON.stringify(req.url === '/api/v1/auth/whoami' ? whoami : { error: 'NOT_FOUND', message: 'no' }));
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const registry = `http://127.0.0.1:${server.address().port}`;
const home = mkdtempSync(join(tmpdir(), 'agentry-bench-cli-'));
const env = {
  PATH: process.env.PATH,
  HOME: home,
  AGENTRY_REGISTRY: registry,
  AGENTRY_TOKEN: 'agt_bench',
  NO_COLOR: '1',
};

const commands = [
  { label: 'node -e 0', args: ['-e', '0'] },
  { label: 'agentry --version', args: [values.cli, '--version'] },
  { label: 'agentry whoami', args: [values.cli, 'whoami'] },
  { label: 'agentry --help', args: [values.cli, '--help'] },
];

/** One run: spawn to exit, in milliseconds; a failing command stops the bench. */
function time(command) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, command.args, {
      env,
      cwd: home,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      const ms = performance.now() - started;
      if (code === 0) resolve(ms);
      else reject(new Error(`${command.label} exited ${code}: ${stderr}`));
    });
  });
}

const loadBefore = loadavg();
for (let i = 0; i < warmup; i++) for (const command of commands) await time(command);
const samples = new Map(commands.map((c) => [c.label, []]));
for (let i = 0; i < runs; i++)
  for (const command of commands) samples.get(command.label).push(await time(command));
const loadAfter = loadavg();
server.close();
rmSync(home, { recursive: true, force: true });

const sorted = (xs) => [...xs].sort((a, b) => a - b);
const median = (xs) => {
  const s = sorted(xs);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};
const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
const stddev = (xs) => Math.sqrt(mean(xs.map((x) => (x - mean(xs)) ** 2)));
const fmt = (ms) => `${ms.toFixed(1)} ms`;

const base = median(samples.get('node -e 0'));
const rows = commands.map(({ label }) => {
  const xs = samples.get(label);
  return `| \`${label}\` | ${fmt(median(xs))} | ${fmt(mean(xs))} ± ${fmt(stddev(xs))} | ${fmt(sorted(xs)[0])} | ${(median(xs) / base).toFixed(2)}× |`;
});
const commit = (() => {
  try {
    const sha = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain'], { cwd: root, encoding: 'utf8' }).trim();
    return dirty ? `${sha} (with uncommitted changes)` : sha;
  } catch {
    return 'unknown';
  }
})();
const cpu = cpus();
const report = `## CLI start-up, ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC

- commit ${commit}; Node ${process.version}; ${cpu.length} × ${cpu[0]?.model ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB
- load average before ${loadBefore.map((l) => l.toFixed(2)).join(' / ')}, after ${loadAfter.map((l) => l.toFixed(2)).join(' / ')} (1 / 5 / 15 min)
- ${runs} runs each after ${warmup} warm-up rounds, interleaved; whoami against a local stub registry

| Command | Median | Mean ± σ | Min | Median ÷ \`node -e 0\` |
|---|---|---|---|---|
${rows.join('\n')}
`;
process.stdout.write(report);
if (values.out) writeFileSync(values.out, `${report}\n`, { flag: 'a' });
