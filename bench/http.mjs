#!/usr/bin/env node
/**
 * Agentry against Verdaccio 6 and nginx over HTTP, side by side on this machine: downloads of the same
 * tarball, metadata reads (Agentry's version and package documents against Verdaccio's packument), search
 * (against Verdaccio's /-/v1/search), publish (4 concurrent clients), cold start on existing data and idle
 * RSS. Load comes from wrk (when installed) and autocannon, 10 connections; targets are interleaved round by
 * round so a noisy neighbour hurts all of them alike, and the ratios are what to read. Agentry runs on
 * PGlite, and also on PostgreSQL when BENCH_PG_URL is set (a database of its own is created and dropped).
 * Prints every figure and ratio, and writes them to bench/results/http-<date>.md. Run after `npm run build`.
 *
 *   BENCH_SECONDS=3 BENCH_ROUNDS=2 BENCH_SEARCH_COUNT=200 [BENCH_PG_URL=…] node bench/http.mjs
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import pg from 'pg';
import { agentry, nginx, rss, verdaccio } from './http-peers.mjs';

const seconds = Number(process.env.BENCH_SECONDS ?? 3);
const rounds = Number(process.env.BENCH_ROUNDS ?? 2);
const searchCount = Number(process.env.BENCH_SEARCH_COUNT ?? 200);
const connections = 10;
const hasWrk = spawnSync('wrk', ['--version']).error === undefined;
const workDir = mkdtempSync(join(tmpdir(), 'agentry-bench-http-'));
const adminToken = `agt_${randomBytes(32).toString('base64url')}`;
const loadBefore = loadavg();

// ---- artifacts -------------------------------------------------------------------------------------

const words =
  'review lint deploy test format docs search cache audit migrate refactor translate summarise plan'.split(
    ' ',
  );

/** Text that compresses like prose (the scanner reads it, so no high-entropy strings). */
function prose(bytes, seed) {
  let state = seed;
  const next = () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state;
  };
  let text = '';
  while (text.length < bytes) text += `${words[next() % words.length]}${next() % 997} `;
  return text.slice(0, bytes);
}

function makeTarball(name, extraBytes, seed) {
  const dir = mkdtempSync(join(workDir, 'pkg-'));
  mkdirSync(join(dir, 'package'));
  writeFileSync(
    join(dir, 'package/SKILL.md'),
    `---\nname: ${name}\ndescription: A benchmark skill that helps ${words[seed % words.length]}.\n---\n\n# ${name}\n`,
  );
  if (extraBytes) writeFileSync(join(dir, 'package/reference.md'), prose(extraBytes, seed));
  const file = join(dir, 'out.tgz');
  execFileSync('tar', ['czf', file, '-C', dir, 'package']);
  const bytes = readFileSync(file);
  rmSync(dir, { recursive: true, force: true });
  return bytes;
}

const integrityOf = (bytes) => `sha512-${createHash('sha512').update(bytes).digest('base64')}`;

async function publishAgentry(target, name, version, tarball, description) {
  const headers = { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' };
  const init = await fetch(`${target.url}/api/v1/skills`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ manifest: { name, version, description, visibility: 'public', permissions: {} } }),
  });
  if (init.status !== 201) throw new Error(`agentry init ${init.status}: ${await init.text()}`);
  const { uploadUrl, skillId, versionId } = await init.json();
  const put = await fetch(uploadUrl, { method: 'PUT', body: tarball });
  if (put.status !== 200) throw new Error(`agentry upload ${put.status}`);
  await put.arrayBuffer();
  const confirm = await fetch(`${target.url}/api/v1/skills/confirm`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ skillId, versionId, integrity: integrityOf(tarball) }),
  });
  if (confirm.status !== 200) throw new Error(`agentry confirm ${confirm.status}: ${await confirm.text()}`);
  await confirm.arrayBuffer();
}

async function publishVerdaccio(target, name, version, tarball, description) {
  const file = `${name}-${version}.tgz`;
  const body = {
    _id: name,
    name,
    description,
    'dist-tags': { latest: version },
    versions: {
      [version]: {
        name,
        version,
        description,
        dist: {
          integrity: integrityOf(tarball),
          shasum: createHash('sha1').update(tarball).digest('hex'),
          tarball: `${target.url}/${name}/-/${file}`,
        },
      },
    },
    _attachments: {
      [file]: {
        content_type: 'application/octet-stream',
        data: tarball.toString('base64'),
        length: tarball.length,
      },
    },
  };
  const response = await fetch(`${target.url}/${name}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (response.status >= 300)
    throw new Error(`verdaccio publish ${response.status}: ${await response.text()}`);
  await response.arrayBuffer();
}

const publishTo = (target, ...args) =>
  target.kind === 'agentry' ? publishAgentry(target, ...args) : publishVerdaccio(target, ...args);

// ---- load ------------------------------------------------------------------------------------------

function runWrk(url) {
  const out = execFileSync('wrk', ['-t1', `-c${connections}`, `-d${seconds}s`, '--latency', url], {
    encoding: 'utf8',
  });
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1]);
  const p99 = /\s99%\s+([\d.]+)(us|ms|s)/.exec(out);
  const toMs = (m) => (m ? Number(m[1]) * { us: 0.001, ms: 1, s: 1000 }[m[2]] : Number.NaN);
  const non2xx = Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(out)?.[1] ?? 0);
  return { rps, p99: toMs(p99), errors: non2xx };
}

async function runAutocannon(url) {
  // A URL ending in `{n}` gets a different number on every request (queries no cache has seen).
  let n = 0;
  const varying = url.endsWith('{n}');
  const result = await autocannon({
    url: varying ? url.slice(0, -3) : url,
    connections,
    duration: seconds,
    ...(varying
      ? {
          requests: [
            {
              setupRequest: (request) => ({ ...request, path: `${request.path}${n++}` }),
            },
          ],
        }
      : {}),
  });
  return {
    rps: result.requests.average,
    p99: result.latency.p99,
    p95: result.latency.p97_5,
    errors: result.non2xx + result.errors,
  };
}

let published = 0;

/** `clients` loops publishing fresh names for `seconds`; publishes per second and the median latency. */
async function runPublish(target, clients = 4) {
  const tarball = makeTarball('bench-publish', 100_000, 7);
  const latencies = [];
  const until = performance.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (performance.now() < until) {
        const name = `bench-pub-${target.label.replace(/\W/g, '')}-${process.pid}-${published++}`;
        const started = performance.now();
        await publishTo(target, name, '1.0.0', tarball, 'Published by the benchmark.');
        latencies.push(performance.now() - started);
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  return { rps: latencies.length / seconds, p50: latencies[Math.floor(latencies.length / 2)] };
}

// ---- targets ---------------------------------------------------------------------------------------

const targets = [];
const pgDatabases = [];
const agentryPglite = agentry({
  dataDir: join(workDir, 'agentry-pglite'),
  adminToken,
  label: 'agentry-pglite',
});
targets.push(agentryPglite);
if (process.env.BENCH_PG_URL) {
  const name = `agentry_bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: process.env.BENCH_PG_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const url = new URL(process.env.BENCH_PG_URL);
  url.pathname = `/${name}`;
  pgDatabases.push(name);
  targets.push(
    agentry({
      dataDir: join(workDir, 'agentry-pg'),
      databaseUrl: url.toString(),
      adminToken,
      label: 'agentry-pg',
    }),
  );
}
const verdaccioTarget = verdaccio({ workDir });
targets.push(verdaccioTarget);
const nginxRoot = join(workDir, 'nginx-root');
mkdirSync(nginxRoot);
const nginxTarget = nginx({ workDir, rootDir: nginxRoot });

const download = makeTarball('bench-dl', 400_000, 1);
writeFileSync(join(nginxRoot, 'bench.tgz'), download);
console.log(
  `tarball ${(download.length / 1024).toFixed(0)} KiB; ${searchCount} artifacts to search; ${seconds} s per run, ${rounds} rounds`,
);

const urls = new Map();
for (const target of targets) {
  await target.start();
  const started = performance.now();
  await publishTo(target, 'bench-dl', '1.0.0', download, 'The downloaded benchmark skill.');
  for (let i = 0; i < searchCount; i++) {
    const tarball = makeTarball(`bench-search-${i}`, 0, i);
    await publishTo(
      target,
      `bench-search-${i}`,
      '1.0.0',
      tarball,
      `A skill to ${words[i % words.length]} things, number ${i}.`,
    );
  }
  console.log(`${target.label}: seeded in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  if (target.kind === 'agentry') {
    const detail = await (await fetch(`${target.url}/api/v1/skills/bench-dl/1.0.0`)).json();
    urls.set(target, {
      downloads: detail.downloadUrl,
      metadata: `${target.url}/api/v1/skills/bench-dl/1.0.0`,
      'metadata (package)': `${target.url}/api/v1/skills/bench-dl`,
      search: `${target.url}/api/v1/search?q=review`,
      'search (distinct)': `${target.url}/api/v1/search?q=review+things+{n}`,
    });
  } else {
    urls.set(target, {
      downloads: `${target.url}/bench-dl/-/bench-dl-1.0.0.tgz`,
      metadata: `${target.url}/bench-dl`,
      'metadata (package)': `${target.url}/bench-dl`,
      search: `${target.url}/-/v1/search?text=review&size=20`,
      'search (distinct)': `${target.url}/-/v1/search?size=20&text=review+things+{n}`,
    });
  }
}
await nginxTarget.start();
urls.set(nginxTarget, { downloads: `${nginxTarget.url}/bench.tgz` });
const all = [...targets, nginxTarget];

// ---- rounds ----------------------------------------------------------------------------------------

const scenarios = ['downloads', 'metadata', 'metadata (package)', 'search', 'search (distinct)'];
const tools = hasWrk ? ['autocannon', 'wrk'] : ['autocannon'];
const figures = new Map(); // `${scenario}|${tool}|${label}` → [rps…]
const record = (key, value) => figures.set(key, [...(figures.get(key) ?? []), value]);
for (let round = 0; round < rounds; round++) {
  for (const scenario of scenarios) {
    for (const tool of tools) {
      // Rotate the order each round so no target always runs right after the same neighbour.
      const order = all.map((_, i) => all[(i + round) % all.length]);
      for (const target of order) {
        const url = urls.get(target)?.[scenario];
        // wrk sends one URL: the distinct-query search needs autocannon's per-request paths.
        if (!url || (tool === 'wrk' && url.endsWith('{n}'))) continue;
        const result = tool === 'wrk' ? runWrk(url) : await runAutocannon(url);
        record(`${scenario}|${tool}|${target.label}`, result);
        if (scenario === 'search (distinct)')
          record(`search p97.5 (ms)|${tool}|${target.label}`, { rps: result.p95 });
        console.log(
          `round ${round + 1} ${scenario.padEnd(19)} ${tool.padEnd(10)} ${target.label.padEnd(15)} ${result.rps.toFixed(0).padStart(7)} req/s  p99 ${result.p99.toFixed(1)} ms${result.errors ? `  (${result.errors} errors)` : ''}`,
        );
      }
    }
  }
  const order = targets.map((_, i) => targets[(i + round) % targets.length]);
  for (const target of order) {
    const result = await runPublish(target);
    record(`publish|4 clients|${target.label}`, result);
    console.log(
      `round ${round + 1} publish (4 clients, 100 KB) ${target.label.padEnd(15)} ${result.rps.toFixed(1)}/s  p50 ${result.p50.toFixed(0)} ms`,
    );
  }
}

// Cold start on the existing data, then idle memory once settled.
for (const target of targets) {
  await target.stop();
  const ms = await target.start();
  await new Promise((resolve) => setTimeout(resolve, 3000));
  record(`cold start (ms)|-|${target.label}`, { rps: ms });
  record(`idle RSS (MiB)|-|${target.label}`, { rps: rss(target.pid) });
}
for (const target of all) await target.stop();
for (const name of pgDatabases) {
  const admin = new pg.Client({ connectionString: process.env.BENCH_PG_URL });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await admin.end();
}
rmSync(workDir, { recursive: true, force: true });

// ---- report ----------------------------------------------------------------------------------------

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)];
};
const value = (key) => {
  const runs = figures.get(key);
  return runs ? median(runs.map((run) => run.rps)) : undefined;
};
const agentryLabels = targets.filter((t) => t.kind === 'agentry').map((t) => t.label);
const measures = [
  ...scenarios.flatMap((s) => tools.map((tool) => [s, tool])),
  ['search p97.5 (ms)', 'autocannon'],
  ['publish', '4 clients'],
  ['cold start (ms)', '-'],
  ['idle RSS (MiB)', '-'],
];
const goals = {
  downloads: '≥ 2× (nginx ≥ 0.5×)',
  metadata: '≥ 3×',
  'metadata (package)': '≥ 3×',
  search: '≥ 5×',
  'search (distinct)': '≥ 5×',
  'search p97.5 (ms)': 'PGlite ≤ 100 ms (DESIGN: p95)',
  publish: '≥ 3×',
  'cold start (ms)': '≤ 1× (lower is better)',
  'idle RSS (MiB)': '≤ 2× (lower is better)',
};
const lines = [
  `| Measure | Tool | ${agentryLabels.join(' | ')} | verdaccio | nginx | ${agentryLabels.map((l) => `${l} / verdaccio`).join(' | ')} | ${agentryLabels.map((l) => `${l} / nginx`).join(' | ')} | Goal |`,
  `|---|---|${agentryLabels.map(() => '---:|').join('')}---:|---:|${agentryLabels.map(() => '---:|').join('')}${agentryLabels.map(() => '---:|').join('')}---|`,
];
const show = (n, digits = 0) => (n === undefined ? '—' : n.toFixed(digits));
for (const [measure, tool] of measures) {
  const v = value(`${measure}|${tool}|verdaccio`);
  const x = value(`${measure}|${tool}|nginx`);
  const ours = agentryLabels.map((label) => value(`${measure}|${tool}|${label}`));
  const digits = measure === 'publish' ? 1 : 0;
  lines.push(
    `| ${measure} | ${tool} | ${ours.map((o) => show(o, digits)).join(' | ')} | ${show(v, digits)} | ${show(x)} | ${ours
      .map((o) => (o && v ? `${(o / v).toFixed(2)}×` : '—'))
      .join(
        ' | ',
      )} | ${ours.map((o) => (o && x ? `${(o / x).toFixed(2)}×` : '—')).join(' | ')} | ${goals[measure]} |`,
  );
}
const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
const now = new Date().toISOString();
const report = [
  `## ${now.slice(0, 16).replace('T', ' ')} UTC · commit ${commit}`,
  '',
  `Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, Node ${process.version}. ` +
    `Load average before ${loadBefore.map((l) => l.toFixed(1)).join(' / ')}, after ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' / ')}.`,
  `${connections} connections, ${seconds} s per run, ${rounds} interleaved rounds (medians shown); requests/s unless the measure says otherwise. ` +
    `Tarball ${(download.length / 1024).toFixed(0)} KiB; search over ${searchCount + 1} artifacts.`,
  '',
  ...lines,
  '',
];
console.log(`\n${report.join('\n')}`);
const resultsDir = new URL('./results/', import.meta.url);
mkdirSync(resultsDir, { recursive: true });
const file = new URL(`http-${now.slice(0, 10)}.md`, resultsDir);
let existing = '';
try {
  existing = readFileSync(file, 'utf8');
} catch {
  existing = '# HTTP benchmark: Agentry, Verdaccio 6, nginx (bench/http.mjs)\n\n';
}
writeFileSync(file, `${existing}${report.join('\n')}\n`);
console.log(`written to bench/results/http-${now.slice(0, 10)}.md`);
