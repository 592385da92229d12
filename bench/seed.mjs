#!/usr/bin/env node
/**
 * Seeds a registry database with realistic artifacts for benchmarks: deterministic (the same --count
 * gives the same rows), written directly with multi-row INSERTs in transactions rather than through
 * the HTTP API. Every column a publish sets is set (folded search text with core's foldSearchText,
 * tags, tool targets, latest-version facts), plus one published version per package, publishers,
 * orgs and their members, download counts and stars. Secondary indexes of the two big tables are
 * dropped during the load and rebuilt after it (the usual bulk-load order; much faster than
 * maintaining GIN indexes row by row). No tarball bytes are written: downloads of seeded versions fail.
 *
 *   node bench/seed.mjs --count 100000 [--database-url URL | --data-dir DIR] [--tenant SLUG] [--embed]
 *
 * Without --database-url it seeds the embedded PGlite database in DIR/db (default .bench-data). With
 * --embed (and pgvector) it also embeds every package: with the configured EMBEDDER when set, else a
 * deterministic 256-dimension hashing embedder. Run after `npm run build`.
 */
import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { artifactKinds, foldSearchText } from '../packages/core/dist/index.js';

/** A small, fast, seedable PRNG (mulberry32). */
export function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const words = (text) => text.trim().split(/\s+/);

const topics = words(`
  code-review pull-request commit-message changelog release semver test-generation unit-test e2e-test
  snapshot fixture mock coverage lint format type-check refactor dead-code dependency upgrade migration
  schema sql postgres mysql sqlite redis mongodb graphql rest openapi grpc webhook api-client sdk
  docker kubernetes helm terraform ansible ci github-actions gitlab-ci deploy rollback canary monitoring
  logging tracing metrics alerting incident postmortem on-call runbook security secret-scan sbom license
  compliance audit vulnerability cve oauth jwt auth session permissions rate-limit cache queue cron
  react vue svelte angular nextjs tailwind css accessibility i18n seo performance bundle web-vitals
  python rust go typescript java kotlin swift ruby php elixir bash powershell regex json yaml toml csv
  markdown pdf docs readme docstring comments tutorial onboarding architecture adr design-doc rfc
  prompt rag embedding vector-search retrieval eval benchmark agent planner memory tool-use mcp
  browser scraper crawler email calendar slack jira linear notion figma spreadsheet invoice billing
  analytics dashboard data-pipeline etl notebook pandas spark dbt airflow ml training inference
  git rebase merge-conflict bisect branch monorepo workspace package-manager npm pip cargo
`);

const roles = words(`
  helper assistant agent reviewer generator writer checker linter fixer explainer planner runner bot
  toolkit guard scout pilot analyzer optimizer formatter migrator tracker summarizer copilot coach
  wizard companion inspector builder scaffolder validator
`);

const adjectives = words(`
  smart quick tiny strict friendly secure fast lazy careful pragmatic minimal deep auto safe simple
  better tidy bold calm clever
`);

const verbs = words(`
  reviews generates writes checks fixes explains plans summarizes formats migrates validates tracks
  audits refactors documents tests monitors deploys analyzes optimizes scaffolds translates cleans
`);

const objects = words(`
  pull-requests commits diffs changelogs release-notes unit-tests fixtures migrations schemas queries
  dashboards alerts runbooks dockerfiles manifests workflows pipelines dependencies lockfiles configs
  prompts evaluations embeddings documents readmes docstrings comments issues tickets incidents logs
  traces metrics endpoints components stylesheets translations invoices spreadsheets notebooks branches
`);

const qualifiers = [
  'before they reach production',
  'in large monorepos',
  'with clear, actionable feedback',
  'following your team conventions',
  'without leaving the editor',
  'for TypeScript and Python projects',
  'across multiple repositories',
  'using only local tools',
  'with a focus on security',
  'step by step',
  'in seconds',
  'for open source maintainers',
  'on every push',
  'with minimal configuration',
];

const proseWords = words(`
  the a an this that each every when then after before while because so and or but with without for
  from into onto over under about between across through using uses use run runs running read reads
  file files folder project repository branch change changes line lines function functions module
  modules class classes type types value values result results error errors warning warnings output
  input option options flag flags setting settings default defaults command commands script scripts
  test tests check checks rule rules step steps task tasks context prompt prompts model models agent
  agents tool tools skill skills user users team teams review reviews code build builds cache server
  client request requests response responses config secret secrets token tokens log logs report
  reports summary summaries example examples note notes first next last simple small large fast slow
  safe clear short long new old local remote shared common usual specific exact current previous
  always never usually often sometimes only also still just even again instead otherwise
`);

const tools = words('claude-code cursor codex copilot windsurf gemini-cli cline aider continue zed');
const kindWeights = [
  ['skill', 55],
  ['agent', 12],
  ['command', 9],
  ['prompt', 7],
  ['instruction', 5],
  ['hook', 3],
  ['mcp', 4],
  ['template', 2],
  ['config', 2],
  ['pack', 1],
];
for (const [kind] of kindWeights) if (!artifactKinds.includes(kind)) throw new Error(`unknown kind ${kind}`);

const verdictWeights = [
  ['PASS', 80],
  ['PASS_WITH_NOTES', 12],
  ['FLAGGED', 6],
  ['FAIL', 2],
];

function weighted(random, table) {
  const total = table.reduce((sum, [, w]) => sum + w, 0);
  let roll = random() * total;
  for (const [value, weight] of table) {
    roll -= weight;
    if (roll < 0) return value;
  }
  return table[table.length - 1][0];
}

const pick = (random, items) => items[Math.floor(random() * items.length)];
const between = (random, min, max) => min + Math.floor(random() * (max - min + 1));
const capitalise = (s) => s.charAt(0).toUpperCase() + s.slice(1);
const spaced = (s) => s.replace(/-/g, ' ');

function uuidFrom(random) {
  const hex = Array.from({ length: 32 }, () => Math.floor(random() * 16).toString(16));
  hex[12] = '4';
  hex[16] = '89ab'[Math.floor(random() * 4)];
  const h = hex.join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

function descriptionOf(random, topic, role) {
  const count = between(random, 2, 4);
  const sentences = [
    `${capitalise(pick(random, verbs))} ${spaced(pick(random, objects))} for ${spaced(topic)} ${pick(random, qualifiers)}.`,
  ];
  const extra = [
    () => `Acts as a ${spaced(topic)} ${role} for ${pick(random, tools)} and ${pick(random, tools)}.`,
    () =>
      `Also ${pick(random, verbs)} ${spaced(pick(random, objects))} and ${pick(random, verbs)} ${spaced(pick(random, objects))}.`,
    () =>
      `Works with ${spaced(pick(random, topics))} and ${spaced(pick(random, topics))} ${pick(random, qualifiers)}.`,
    () => `Ships sensible defaults; every rule can be switched off.`,
    () => `Built for teams that care about ${spaced(pick(random, topics))}.`,
  ];
  while (sentences.length < count) sentences.push(pick(random, extra)());
  return sentences.join(' ');
}

function paragraph(random, topic) {
  const sentences = between(random, 3, 6);
  const out = [];
  for (let s = 0; s < sentences; s++) {
    const length = between(random, 8, 18);
    const sentence = [];
    for (let w = 0; w < length; w++) {
      const roll = random();
      sentence.push(
        roll < 0.12
          ? spaced(topic)
          : roll < 0.22
            ? spaced(pick(random, topics))
            : roll < 0.3
              ? spaced(pick(random, objects))
              : pick(random, proseWords),
      );
    }
    out.push(`${capitalise(sentence.join(' '))}.`);
  }
  return out.join(' ');
}

function readmeOf(random, name, description, topic) {
  const target = between(random, 200, 2000);
  const parts = [
    `# ${name}`,
    '',
    description,
    '',
    '## Installation',
    '',
    '```bash',
    `agentry install ${name}`,
    '```',
    '',
  ];
  let count = description.split(' ').length + 6;
  const sections = [
    'Usage',
    'How it works',
    'Configuration',
    'Examples',
    'Limitations',
    'FAQ',
    'Contributing',
  ];
  let section = 0;
  while (count < target) {
    if (random() < 0.3 && section < sections.length) parts.push(`## ${sections[section++]}`, '');
    if (random() < 0.15) {
      const items = between(random, 2, 5);
      for (let i = 0; i < items; i++) {
        const item = `- ${capitalise(pick(random, verbs))} ${spaced(pick(random, objects))} ${pick(random, qualifiers)}`;
        parts.push(item);
        count += item.split(' ').length;
      }
      parts.push('');
      continue;
    }
    const text = paragraph(random, topic);
    parts.push(text, '');
    count += text.split(' ').length;
  }
  parts.push('## License', '', 'MIT');
  return parts.join('\n');
}

/** Skewed (Pareto-like) integer: most values small, a long tail of large ones. */
function skewed(random, scale, alpha, cap) {
  const u = Math.max(random(), 1e-9);
  return Math.min(cap, Math.floor(scale * (u ** (-1 / alpha) - 1)));
}

const baseTime = Date.UTC(2026, 0, 1);
const day = 86_400_000;

/** Publishers and orgs of the seed, derived from the count (deterministic). */
export function seedActors(count) {
  const random = prng(7);
  const users = Math.max(10, Math.round(count / 50));
  const orgs = Math.max(3, Math.round(count / 400));
  const syllables = words(
    'ac me glo bex ini tech umb rel la cor vex tri on zen da ta qua nt lu mi no ra ki so',
  );
  const orgSlugs = new Set();
  while (orgSlugs.size < orgs) {
    const slug = `${pick(random, syllables)}${pick(random, syllables)}${pick(random, syllables)}`;
    orgSlugs.add(orgSlugs.has(slug) ? `${slug}-${orgSlugs.size}` : slug);
  }
  return {
    users: Array.from({ length: users }, (_, i) => ({
      id: uuidFrom(random),
      username: `bench-user-${String(i + 1).padStart(5, '0')}`,
    })),
    orgs: [...orgSlugs].map((slug) => ({ id: uuidFrom(random), slug, members: between(random, 2, 8) })),
  };
}

/** Package `index` of the seed (names are made unique by the caller). */
export function generatePackage(index, actors) {
  const random = prng(0x9e3779b1 ^ Math.imul(index + 1, 2654435761));
  const topic = pick(random, topics);
  const role = pick(random, roles);
  const shape = random();
  let bare =
    shape < 0.55
      ? `${topic}-${role}`
      : shape < 0.7
        ? `${pick(random, adjectives)}-${topic}-${role}`
        : shape < 0.85
          ? `${topic}-${pick(random, topics)}`
          : shape < 0.95
            ? topic
            : `${topic}-${role}-${between(random, 2, 9)}`;
  bare = bare.slice(0, 60);
  const org = random() < 0.4 ? pick(random, actors.orgs) : undefined;
  const orgMemberIndex = org
    ? (actors.orgs.indexOf(org) * 7 + between(random, 0, org.members - 1)) % actors.users.length
    : 0;
  const publisher = org ? actors.users[orgMemberIndex] : pick(random, actors.users);
  const kind = weighted(random, kindWeights);
  const description = descriptionOf(random, topic, role);
  const tagCount = between(random, 1, 5);
  const tags = new Set([topic]);
  while (tags.size < tagCount) tags.add(pick(random, topics));
  const toolCount = random() < 0.2 ? 0 : between(random, 1, 3);
  const toolTargets = new Set();
  while (toolTargets.size < toolCount) toolTargets.add(pick(random, tools));
  const downloadsTotal = skewed(random, 40, 1.1, 5_000_000);
  const downloads7d = Math.floor(downloadsTotal * (0.005 + random() * 0.04));
  const stars = skewed(random, 2, 1.3, 50_000);
  const verdict = weighted(random, verdictWeights);
  const auditScore =
    verdict === 'PASS'
      ? between(random, 8, 10)
      : verdict === 'PASS_WITH_NOTES'
        ? between(random, 6, 8)
        : verdict === 'FLAGGED'
          ? between(random, 3, 6)
          : between(random, 0, 3);
  const created = baseTime - between(random, 30, 730) * day - between(random, 0, day - 1);
  // Capped at "today" with the time of day kept, so the most recently updated rows do not all share one
  // timestamp (real registries have no such tie, and a tie of ~9,000 rows makes "sort by updated" scan them all).
  const updated = Math.min(baseTime - ((baseTime - created) % day), created + between(random, 0, 200) * day);
  const major = random() < 0.6 ? between(random, 1, 4) : 0;
  return {
    id: uuidFrom(random),
    versionId: uuidFrom(random),
    bare,
    scope: org?.slug ?? null,
    orgId: org?.id ?? null,
    publisherId: publisher.id,
    kind,
    visibility: random() < 0.08 ? 'private' : 'public',
    deprecated: random() < 0.03,
    description,
    topic,
    tags: [...tags],
    toolTargets: [...toolTargets],
    downloadsTotal,
    downloads7d,
    stars,
    verdict,
    auditScore,
    created: new Date(created),
    updated: new Date(updated),
    version: `${major}.${between(random, 0, 12)}.${between(random, 0, 20)}`,
    readmeSeed: Math.floor(random() * 2 ** 32),
    repository: random() < 0.7 ? `https://github.com/${org?.slug ?? publisher.username}/${bare}` : null,
  };
}

function integrityOf(random) {
  const bytes = Buffer.alloc(64);
  for (let i = 0; i < 64; i++) bytes[i] = Math.floor(random() * 256);
  return `sha512-${bytes.toString('base64')}`;
}

/** The row pair for a package: exactly the columns publish (and refreshLatestVersion) set. */
function rowsOf(pkg, tenantId) {
  const random = prng(pkg.readmeSeed);
  const readme = readmeOf(random, pkg.name, pkg.description, pkg.topic);
  const [major, minor, patch] = pkg.version.split('.').map(Number);
  const manifest = {
    name: pkg.name,
    version: pkg.version,
    description: pkg.description,
    kind: pkg.kind,
    visibility: pkg.visibility,
    permissions: {},
    keywords: pkg.tags,
    tools: pkg.toolTargets,
    ...(pkg.repository ? { repository: pkg.repository } : {}),
  };
  const skillMdSize = 200 + readme.length;
  const files = [
    {
      path: pkg.kind === 'skill' ? 'SKILL.md' : 'README.md',
      size: skillMdSize,
      sha256: uuidFrom(random).replace(/-/g, '').repeat(2),
      mode: 0o644,
    },
    { path: 'agentry.json', size: 300, sha256: uuidFrom(random).replace(/-/g, '').repeat(2), mode: 0o644 },
  ];
  const scanStatus = pkg.verdict === 'FAIL' ? 'failed' : pkg.verdict === 'FLAGGED' ? 'flagged' : 'completed';
  const deprecatedMessage = pkg.deprecated
    ? `Deprecated: use ${pkg.topic}-${pick(random, roles)} instead.`
    : null;
  return {
    package: {
      id: pkg.id,
      tenant_id: tenantId,
      name: pkg.name,
      scope: pkg.scope,
      org_id: pkg.orgId,
      kind: pkg.kind,
      visibility: pkg.visibility,
      status: 'active',
      description: pkg.description,
      keywords: pkg.tags,
      tool_targets: pkg.toolTargets,
      repository: pkg.repository,
      readme,
      publisher_id: pkg.publisherId,
      latest_version_id: pkg.versionId,
      latest_version: pkg.version,
      downloads_total: pkg.downloadsTotal,
      downloads_7d: pkg.downloads7d,
      stars_count: pkg.stars,
      created_at: pkg.created,
      updated_at: pkg.updated,
      name_norm: foldSearchText(pkg.name),
      bare_norm: foldSearchText(pkg.name.replace(/^@[^/]+\//, '')),
      description_norm: foldSearchText(pkg.description),
      readme_norm: foldSearchText(readme).slice(0, 200_000),
      tags: pkg.tags,
      latest_verdict: pkg.verdict,
      latest_audit_score: pkg.auditScore,
      deprecated: pkg.deprecated,
    },
    version: {
      id: pkg.versionId,
      tenant_id: tenantId,
      package_id: pkg.id,
      version: pkg.version,
      major,
      minor,
      patch,
      prerelease: null,
      status: 'published',
      manifest: JSON.stringify(manifest),
      permissions: '{}',
      dependencies: '{}',
      description: pkg.description,
      readme,
      blob_key: `tarballs/${tenantId}/${pkg.versionId}.tgz`,
      integrity: integrityOf(random),
      size_bytes: Math.round(skillMdSize * 0.45) + 400,
      unpacked_bytes: skillMdSize + 300,
      file_count: files.length,
      files: JSON.stringify(files),
      upload_expires_at: null,
      published_by: pkg.publisherId,
      published_at: pkg.updated,
      deprecated_message: deprecatedMessage,
      audit_score: pkg.auditScore,
      verdict: pkg.verdict,
      scan_status: scanStatus,
      scan_stages: JSON.stringify({
        stage0: 'passed',
        stage1: 'passed',
        stage2: 'passed',
        stage3: 'passed',
        stage4: 'passed',
        stage5: 'passed',
      }),
      scanned_at: pkg.updated,
      created_at: pkg.updated,
    },
  };
}

/** Secondary (non-unique) indexes of a table, as CREATE INDEX statements, for drop-and-rebuild. */
async function secondaryIndexes(db, table) {
  const result = await sql`
    SELECT i.relname AS name, pg_get_indexdef(x.indexrelid) AS definition
    FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
    WHERE t.relname = ${table} AND NOT x.indisunique AND NOT x.indisprimary
      AND t.relnamespace = 'public'::regnamespace`.execute(db);
  return result.rows;
}

/**
 * Seeds `count` packages into the tenant (created when missing). Returns timings. Skips, and says so,
 * when the tenant already holds at least `count` packages (reuse).
 */
export async function seedDatabase(db, options) {
  const count = options.count;
  const log = options.log ?? (() => {});
  const batchRows = options.batchRows ?? 500;
  const txRows = options.txRows ?? 2000;
  await db
    .insertInto('tenants')
    .values({ slug: options.tenant, name: options.tenant })
    .onConflict((oc) => oc.column('slug').doNothing())
    .execute();
  const tenant = await db
    .selectFrom('tenants')
    .select('id')
    .where('slug', '=', options.tenant)
    .executeTakeFirstOrThrow();
  const existing = Number(
    (
      await db
        .selectFrom('packages')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('tenant_id', '=', tenant.id)
        .executeTakeFirstOrThrow()
    ).n,
  );
  if (existing >= count) {
    log(`tenant ${options.tenant} already holds ${existing} packages: reusing them`);
    return { tenantId: tenant.id, inserted: 0, reused: existing };
  }
  if (existing > 0)
    throw new Error(
      `tenant ${options.tenant} holds ${existing} packages (< ${count}): seed an empty tenant or database`,
    );

  const started = performance.now();
  const actors = seedActors(count);
  await db.transaction().execute(async (trx) => {
    for (let i = 0; i < actors.users.length; i += batchRows) {
      const users = actors.users.slice(i, i + batchRows);
      await trx
        .insertInto('users')
        .values(
          users.map((u) => ({
            id: u.id,
            username: u.username,
            email: `${u.username}@bench.example`,
            display_name: u.username,
          })),
        )
        .onConflict((oc) => oc.column('username').doNothing())
        .execute();
      await trx
        .insertInto('tenant_members')
        .values(users.map((u) => ({ tenant_id: tenant.id, user_id: u.id, role: 'publisher' })))
        .onConflict((oc) => oc.doNothing())
        .execute();
    }
    await trx
      .insertInto('orgs')
      .values(actors.orgs.map((o) => ({ id: o.id, tenant_id: tenant.id, slug: o.slug, name: o.slug })))
      .execute();
    const members = actors.orgs.flatMap((o, index) =>
      Array.from({ length: o.members }, (_, m) => ({
        org_id: o.id,
        user_id: actors.users[(index * 7 + m) % actors.users.length].id,
        role: m === 0 ? 'owner' : 'member',
      })),
    );
    for (let i = 0; i < members.length; i += batchRows) {
      await trx
        .insertInto('org_members')
        .values(members.slice(i, i + batchRows))
        .onConflict((oc) => oc.doNothing())
        .execute();
    }
  });

  const dropped = options.keepIndexes
    ? []
    : [...(await secondaryIndexes(db, 'packages')), ...(await secondaryIndexes(db, 'versions'))];
  for (const index of dropped) await sql`DROP INDEX ${sql.id(index.name)}`.execute(db);
  log(`dropped ${dropped.length} secondary indexes for the load`);

  const names = new Set();
  let inserted = 0;
  let generateMs = 0;
  const loadStarted = performance.now();
  // PostgreSQL computes the generated tsvectors (most of the load's cost) in several backends at once;
  // PGlite has one connection, so concurrency 1 there. Rows are generated in order either way.
  const concurrency = options.concurrency ?? 1;
  const inFlight = new Set();
  const insertChunk = (chunk) =>
    db.transaction().execute(async (trx) => {
      for (let i = 0; i < chunk.length; i += batchRows) {
        const part = chunk.slice(i, i + batchRows);
        await trx
          .insertInto('packages')
          .values(part.map((r) => r.package))
          .execute();
        await trx
          .insertInto('versions')
          .values(part.map((r) => r.version))
          .execute();
        const daily = part
          .filter((r) => r.package.downloads_7d > 0)
          .map((r) => ({
            version_id: r.version.id,
            package_id: r.package.id,
            day: sql`CURRENT_DATE`,
            count: r.package.downloads_7d,
          }));
        if (daily.length) await trx.insertInto('downloads_daily').values(daily).execute();
      }
      inserted += chunk.length;
      const seconds = (performance.now() - loadStarted) / 1000;
      log(`  ${inserted} / ${count} packages (${Math.round(inserted / seconds)} rows/s)`);
    });
  try {
    for (let start = 0; start < count; start += txRows) {
      const g0 = performance.now();
      const chunk = [];
      for (let i = start; i < Math.min(count, start + txRows); i++) {
        const pkg = generatePackage(i, actors);
        let name = pkg.scope ? `@${pkg.scope}/${pkg.bare}` : pkg.bare;
        for (let n = 2; names.has(name); n++)
          name = pkg.scope ? `@${pkg.scope}/${pkg.bare}-${n}` : `${pkg.bare}-${n}`;
        names.add(name);
        pkg.name = name;
        chunk.push(rowsOf(pkg, tenant.id));
      }
      generateMs += performance.now() - g0;
      const task = insertChunk(chunk);
      inFlight.add(task);
      task.then(
        () => inFlight.delete(task),
        () => {},
      );
      if (inFlight.size >= concurrency) await Promise.race(inFlight);
    }
    await Promise.all(inFlight);
  } finally {
    // A failed chunk must not leave others writing while indexes are rebuilt.
    await Promise.allSettled(inFlight);
    const i0 = performance.now();
    await sql`SET maintenance_work_mem = '256MB'`.execute(db).catch(() => {});
    for (const index of dropped) await sql.raw(index.definition).execute(db);
    log(`rebuilt ${dropped.length} indexes in ${((performance.now() - i0) / 1000).toFixed(1)} s`);
  }
  const loadMs = performance.now() - loadStarted;
  // As a database in service would be: hint bits set, visibility map current, statistics fresh.
  const v0 = performance.now();
  for (const table of ['packages', 'versions', 'downloads_daily']) {
    await sql`VACUUM (ANALYZE) ${sql.table(table)}`.execute(db);
  }
  log(`vacuumed and analysed in ${((performance.now() - v0) / 1000).toFixed(1)} s`);
  const totalMs = performance.now() - started;
  return { tenantId: tenant.id, inserted, generateMs, loadMs, totalMs, reused: 0 };
}

async function main() {
  const { values } = parseArgs({
    options: {
      count: { type: 'string', default: '100000' },
      'database-url': { type: 'string' },
      'data-dir': { type: 'string', default: '.bench-data' },
      tenant: { type: 'string', default: 'default' },
      embed: { type: 'boolean', default: false },
      'keep-indexes': { type: 'boolean', default: false },
    },
  });
  const count = Number(values.count);
  if (!Number.isSafeInteger(count) || count < 1) throw new Error('--count must be a positive integer');
  const { openDatabase } = await import('../packages/server/dist/db/open.js');
  const opened = performance.now();
  const concurrency = values['database-url'] ? Math.min(4, availableParallelism()) : 1;
  const database = await openDatabase({
    databaseUrl: values['database-url'],
    dataDir: values['data-dir'],
    poolSize: concurrency + 1,
  });
  const where = values['database-url'] ? 'PostgreSQL' : `PGlite in ${values['data-dir']}/db`;
  console.log(
    `opened ${where} in ${Math.round(performance.now() - opened)} ms (pgvector: ${database.vector})`,
  );
  try {
    const result = await seedDatabase(database.db, {
      count,
      tenant: values.tenant,
      keepIndexes: values['keep-indexes'],
      concurrency,
      log: (line) => console.log(line),
    });
    if (result.inserted) {
      console.log(
        `seeded ${result.inserted} packages (+ as many versions) in ${(result.totalMs / 1000).toFixed(1)} s: ` +
          `${Math.round(result.inserted / (result.loadMs / 1000))} rows/s including index rebuild ` +
          `(generation ${(result.generateMs / 1000).toFixed(1)} s of it)`,
      );
    }
    if (values.embed) await embedAll(database, result.tenantId);
  } finally {
    await database.close();
  }
}

async function embedAll(database, tenantId) {
  if (!database.vector) {
    console.log('--embed: the database has no pgvector; skipped');
    return;
  }
  const { embedTenantPackages } = await import('../packages/server/dist/domain/embeddings.js');
  const { createEmbedder, createHashingEmbedder } = await import(
    '../packages/server/dist/embedders/index.js'
  );
  const { loadConfig } = await import('../packages/server/dist/config.js');
  const configured =
    process.env.EMBEDDER && process.env.EMBEDDER !== 'off' ? await createEmbedder(loadConfig()) : undefined;
  const embedder = configured ?? createHashingEmbedder(256);
  const started = performance.now();
  const done = await embedTenantPackages(database.db, embedder, tenantId, {
    batchSize: configured ? undefined : 1000,
  });
  await sql`VACUUM (ANALYZE) package_embeddings`.execute(database.db);
  console.log(
    `embedded ${done} packages with ${embedder.name} in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
