/**
 * Configuration: every key declared once with its environment name, default and description (the
 * parsers are in config-values.ts). This module is the only reader of process.env;
 * docs/configuration.md is generated from `configKeys`.
 */
import { resolve } from 'node:path';
import {
  adminToken,
  boolean,
  ConfigError,
  ConfigValueError,
  fail,
  hostname,
  integer,
  type KeySpec,
  oneOf,
  origins,
  secretKey,
  tenantSlug,
  text,
  url,
} from './config-values.js';

export { ConfigError } from './config-values.js';

export const configKeys = {
  port: {
    env: 'PORT',
    default: '3737',
    description: 'TCP port the server listens on.',
    parse: integer(0, 65535),
  },
  host: {
    env: 'HOST',
    default: '127.0.0.1',
    description: 'Interface to listen on. Use `0.0.0.0` to accept connections from other machines.',
    parse: text,
  },
  publicUrl: {
    env: 'PUBLIC_URL',
    defaultText: '`http://localhost:$PORT`',
    description: 'The URL clients use to reach this server; signed URLs and links are built from it.',
    parse: url(['http:', 'https:']),
  },
  dataDir: {
    env: 'DATA_DIR',
    default: '.data',
    description:
      'Directory for the embedded database, local blobs, the generated secret key and the lock file. Relative paths are resolved against the working directory.',
    parse: (raw: string) => resolve(raw),
  },
  databaseUrl: {
    env: 'DATABASE_URL',
    description:
      'PostgreSQL connection string. When unset the embedded PGlite database in `$DATA_DIR/db` is used.',
    secret: true,
    parse: url(['postgres:', 'postgresql:']),
  },
  databasePoolSize: {
    env: 'DATABASE_POOL_SIZE',
    default: '10',
    description: 'Maximum PostgreSQL connections per server process (PGlite always uses one).',
    parse: integer(1, 500),
  },
  blobStore: {
    env: 'BLOB_STORE',
    defaultText: '`$DATA_DIR/blobs`',
    description:
      'Where artifact bytes live: a directory path, or `s3://bucket/prefix` for S3-compatible storage.',
    parse: text,
  },
  s3Endpoint: {
    env: 'S3_ENDPOINT',
    description: 'S3 endpoint URL for S3-compatible stores (MinIO, R2, …). Unset means AWS S3.',
    parse: url(['http:', 'https:']),
  },
  s3Region: { env: 'S3_REGION', default: 'us-east-1', description: 'S3 region.', parse: text },
  s3AccessKeyId: {
    env: 'S3_ACCESS_KEY_ID',
    description: 'S3 access key id. Unset means the AWS SDK default credential chain.',
    parse: text,
  },
  s3SecretAccessKey: {
    env: 'S3_SECRET_ACCESS_KEY',
    description: 'S3 secret access key.',
    secret: true,
    parse: text,
  },
  s3ForcePathStyle: {
    env: 'S3_FORCE_PATH_STYLE',
    default: 'false',
    description:
      'Address buckets as `endpoint/bucket` instead of `bucket.endpoint` (needed by most S3-compatible servers).',
    parse: boolean,
  },
  redisUrl: {
    env: 'REDIS_URL',
    description:
      'Redis connection string. When set, rate limits and other shared state live in Redis so every server process agrees; otherwise in process memory.',
    secret: true,
    parse: url(['redis:', 'rediss:']),
  },
  secretKey: {
    env: 'SECRET_KEY',
    defaultText: 'generated into `$DATA_DIR/secret.key`',
    description:
      'Key for signing URLs, CSRF tokens and sessions (at least 32 characters). Every process of one deployment must share it.',
    secret: true,
    parse: secretKey,
  },
  logLevel: {
    env: 'LOG_LEVEL',
    default: 'info',
    description: 'Log level: fatal, error, warn, info, debug, trace or silent.',
    parse: oneOf(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
  },
  baseDomain: {
    env: 'BASE_DOMAIN',
    description:
      'When set, `<tenant>.$BASE_DOMAIN` selects a tenant by subdomain (after the `X-Skill-Pool-Tenant` header).',
    parse: hostname,
  },
  defaultTenant: {
    env: 'DEFAULT_TENANT',
    default: 'default',
    description: 'Slug of the tenant created on first start and used when a request names none.',
    parse: tenantSlug,
  },
  adminToken: {
    env: 'AGENTRY_ADMIN_TOKEN',
    description:
      'When set (agt_…), start-up ensures an `admin` user holding this token with every scope, for automation and tests.',
    secret: true,
    parse: adminToken,
  },
  signupEnabled: {
    env: 'SIGNUP_ENABLED',
    default: 'true',
    description: 'Allow anyone to create a local account at /signup.',
    parse: boolean,
  },
  maxUploadBytes: {
    env: 'MAX_UPLOAD_BYTES',
    default: String(50 * 1024 * 1024),
    description: 'Largest tarball accepted by an upload URL, in bytes.',
    parse: integer(1024, 2 ** 40),
  },
  sessionTtlHours: {
    env: 'SESSION_TTL_HOURS',
    default: '336',
    description: 'Lifetime of a web session in hours.',
    parse: integer(1, 24 * 365),
  },
  loginRateLimit: {
    env: 'LOGIN_RATE_LIMIT',
    default: '10',
    description: 'Failed log-in attempts allowed per account and per IP address in 15 minutes.',
    parse: integer(1, 10_000),
  },
  rateLimitAnonymous: {
    env: 'RATE_LIMIT_ANONYMOUS',
    default: '100',
    description: 'API requests allowed per client address per window without a token (Tank: 100 per hour).',
    parse: integer(1, 10_000_000),
  },
  rateLimitAuthenticated: {
    env: 'RATE_LIMIT_AUTHENTICATED',
    default: '1000',
    description: 'API requests allowed per token per window (Tank: 1,000 per hour).',
    parse: integer(1, 10_000_000),
  },
  rateLimitPro: {
    env: 'RATE_LIMIT_PRO',
    default: '10000',
    description: 'API requests allowed per token per window for Pro users (Tank: 10,000 per hour).',
    parse: integer(1, 100_000_000),
  },
  importAllowFileUrls: {
    env: 'IMPORT_ALLOW_FILE_URLS',
    default: 'false',
    description:
      'Let POST /api/v1/packs/import clone file:// repositories (paths on the server itself). For tests and single-user machines only.',
    parse: boolean,
  },
  importAllowPrivateHosts: {
    env: 'IMPORT_ALLOW_PRIVATE_HOSTS',
    default: 'false',
    description:
      'Let POST /api/v1/packs/import clone from hosts that resolve to loopback, private, link-local or other non-public addresses (a git server on your own network). Off, the server refuses them so a client cannot make it reach internal services.',
    parse: boolean,
  },
  webhookAllowPrivateHosts: {
    env: 'WEBHOOK_ALLOW_PRIVATE_HOSTS',
    default: 'false',
    description:
      'Let tenant webhooks (skill-pool `PUT /v1/tenant/notifications`) target hosts that resolve to loopback, private, link-local or other non-public addresses. Off, such URLs are refused and deliveries to them fail, so a tenant admin cannot make the server reach internal services.',
    parse: boolean,
  },
  ssoPrivateOrigins: {
    env: 'SSO_PRIVATE_ORIGINS',
    default: '',
    description:
      'Comma-separated origins (`https://idp.corp.lan:8443`) of identity providers on your own network that single sign-on may reach even though they resolve to loopback, private or other non-public addresses, and may use plain http. Every other OIDC issuer must be https on a public address: the server fetches its discovery document, keys and tokens, so a tenant admin must not be able to point it at internal services.',
    parse: origins,
  },
  webhookTimeoutMs: {
    env: 'WEBHOOK_TIMEOUT_MS',
    default: '5000',
    description: 'Longest one webhook delivery may take before it counts as failed (and is retried).',
    parse: integer(100, 120_000),
  },
  webhookMaxAttempts: {
    env: 'WEBHOOK_MAX_ATTEMPTS',
    default: '5',
    description:
      'Delivery attempts per webhook event: transport failures and 5xx answers are retried with exponential backoff (`JOBS_RETRY_BASE_MS`, doubled per attempt); 4xx answers are not.',
    parse: integer(1, 20),
  },
  jobsPollIntervalMs: {
    env: 'JOBS_POLL_INTERVAL_MS',
    default: '2000',
    description:
      'How often each server process polls the jobs table for due background work (webhook deliveries). Several processes share the table safely.',
    parse: integer(50, 600_000),
  },
  jobsRetryBaseMs: {
    env: 'JOBS_RETRY_BASE_MS',
    default: '10000',
    description:
      'Delay before the first retry of a failed background job; each further retry waits twice as long (at most an hour).',
    parse: integer(10, 3_600_000),
  },
  packsRateLimitAnonymous: {
    env: 'PACKS_RATE_LIMIT_ANONYMOUS',
    default: '60',
    description:
      'Requests to the ayaiay surface (/api/v1/packs, /oauth) allowed per client address per window without a token (ayaiay: 60 per hour).',
    parse: integer(1, 10_000_000),
  },
  packsRateLimitAuthenticated: {
    env: 'PACKS_RATE_LIMIT_AUTHENTICATED',
    default: '5000',
    description: 'Requests to the ayaiay surface allowed per user per window (ayaiay: 5,000 per hour).',
    parse: integer(1, 100_000_000),
  },
  rateLimitWindowSeconds: {
    env: 'RATE_LIMIT_WINDOW_SECONDS',
    default: '3600',
    description: 'Length of the API rate-limit window in seconds.',
    parse: integer(1, 86_400),
  },
  scanWorkers: {
    env: 'SCAN_WORKERS',
    default: '2',
    description: 'Worker threads that scan uploads (scans never run on the request thread).',
    parse: integer(1, 64),
  },
  pgliteSharedBuffers: {
    env: 'PGLITE_SHARED_BUFFERS',
    default: '32MB',
    description:
      "The embedded database's page cache (PostgreSQL's shared_buffers), e.g. `32MB` or `256MB`. PGlite keeps all of it resident from start-up, so it adds to the server's memory whether used or not. Not used with DATABASE_URL.",
    parse: (raw: string) => {
      const value = raw.trim();
      if (!/^\d{1,6}(kB|MB|GB)$/.test(value)) fail(`must be a size such as 32MB (got "${raw}")`);
      return value;
    },
  },
  scanQueueLimit: {
    env: 'SCAN_QUEUE_LIMIT',
    default: '16',
    description:
      'Scans that may wait for a scan worker (uploads still arriving count too). Past it, POST /api/v1/scan and publishes answer 503 with Retry-After instead of queueing without bound.',
    parse: integer(0, 10_000),
  },
  scanTimeoutMs: {
    env: 'SCAN_TIMEOUT_MS',
    default: '30000',
    description: 'Longest a single scan may run before it is stopped and the publish fails with scan_failed.',
    parse: integer(100, 600_000),
  },
  scanRateLimitAnonymous: {
    env: 'SCAN_RATE_LIMIT_ANONYMOUS',
    default: '10',
    description:
      'POST /api/v1/scan requests allowed per client address per rate-limit window without a token.',
    parse: integer(1, 10_000_000),
  },
  scannerExtraMalicious: {
    env: 'SCANNER_EXTRA_MALICIOUS',
    description:
      'A file listing more known-malicious packages for the supply-chain stage, one `npm:name` or `pypi:name` per line (`#` comments allowed).',
    parse: (raw: string) => resolve(raw),
  },
  embedder: {
    env: 'EMBEDDER',
    default: 'off',
    description:
      'Text embedder for semantic search (`semantic=` on search; also needs pgvector in the database): `off`, `http` (an OpenAI-compatible `POST $EMBEDDER_URL/embeddings`) or `local` (transformers.js over a model folder; install it with `ONNXRUNTIME_NODE_INSTALL=skip npm install @huggingface/transformers`).',
    parse: oneOf(['off', 'http', 'local']),
  },
  embedderUrl: {
    env: 'EMBEDDER_URL',
    description:
      'Base URL of the OpenAI-compatible embeddings API for `EMBEDDER=http`, e.g. `http://127.0.0.1:11434/v1` (`/embeddings` is appended).',
    parse: url(['http:', 'https:']),
  },
  embedderModel: {
    env: 'EMBEDDER_MODEL',
    description:
      'Model name: sent as `model` with `EMBEDDER=http` (required there); with `EMBEDDER=local`, the model folder inside `EMBEDDER_MODEL_DIR`. Changing it re-embeds every artifact in the background.',
    parse: text,
  },
  embedderApiKey: {
    env: 'EMBEDDER_API_KEY',
    description: 'Bearer token sent to `EMBEDDER_URL`, when the API needs one.',
    secret: true,
    parse: text,
  },
  embedderModelDir: {
    env: 'EMBEDDER_MODEL_DIR',
    description:
      'For `EMBEDDER=local`: the directory holding the model folder named by `EMBEDDER_MODEL`, or the model folder itself when `EMBEDDER_MODEL` is unset (`config.json`, `tokenizer.json`, `onnx/model.onnx`). Models are never downloaded.',
    parse: (raw: string) => resolve(raw),
  },
  embedderTimeoutMs: {
    env: 'EMBEDDER_TIMEOUT_MS',
    default: '10000',
    description: 'Longest one request to the embedder may take (a publish never fails on it; a search does).',
    parse: integer(100, 600_000),
  },
  embedderBatchSize: {
    env: 'EMBEDDER_BATCH_SIZE',
    default: '64',
    description: 'Texts sent to the embedder in one request when (re)embedding many artifacts.',
    parse: integer(1, 2048),
  },
  trustProxy: {
    env: 'TRUST_PROXY',
    default: 'false',
    description: 'Take the client address from `X-Forwarded-For` (only behind a reverse proxy you control).',
    parse: boolean,
  },
  downloadFlushSeconds: {
    env: 'DOWNLOAD_FLUSH_SECONDS',
    default: '5',
    description:
      'Download counts are summed in memory and written in one statement this often (and at shutdown); a crash loses at most this many seconds of counts.',
    parse: integer(1, 3600),
  },
  hotCacheEntries: {
    env: 'HOT_CACHE_ENTRIES',
    default: '20000',
    description:
      'Most answers (package rows, version lookups, rendered metadata) the in-process read cache holds; `0` turns the cache off.',
    parse: integer(0, 10_000_000),
  },
  hotCacheMb: {
    env: 'HOT_CACHE_MB',
    default: '64',
    description:
      'Most memory, in MiB, the in-process read cache holds, tarball bytes served from memory included.',
    parse: integer(0, 65_536),
  },
  hotCacheTarballKb: {
    env: 'HOT_CACHE_TARBALL_KB',
    default: '256',
    description:
      'Tarballs up to this size (KiB) are kept in the read cache and served from memory; larger ones stream from the blob store. `0` never keeps bytes.',
    parse: integer(0, 1_048_576),
  },
  shutdownTimeoutMs: {
    env: 'SHUTDOWN_TIMEOUT_MS',
    default: '10000',
    description: 'How long SIGTERM waits for in-flight requests before closing connections.',
    parse: integer(0, 600_000),
  },
} satisfies Record<string, KeySpec<unknown>>;

type Keys = typeof configKeys;
type Value<K extends keyof Keys> = ReturnType<Keys[K]['parse']>;
type WithDefault = { [K in keyof Keys]: Keys[K] extends { default: string } ? K : never }[keyof Keys];

export type Config = { [K in WithDefault]: Value<K> } & {
  [K in Exclude<keyof Keys, WithDefault>]: Value<K> | undefined;
} & {
  publicUrl: string;
  blobStore: string;
  /** PUBLIC_URL was not given: it follows the port actually bound (PORT=0 picks one at start). */
  publicUrlDerived: boolean;
};

/** Reads and validates configuration; throws ConfigError naming the first bad key. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const values: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(configKeys) as [string, KeySpec<unknown>][]) {
    const supplied = env[spec.env];
    const raw = supplied === undefined || supplied === '' ? spec.default : supplied;
    if (raw === undefined) continue;
    try {
      values[name] = spec.parse(raw);
    } catch (error) {
      if (error instanceof ConfigValueError) throw new ConfigError(spec.env, error.message);
      throw error;
    }
  }
  const config = values as Config;
  config.publicUrlDerived = config.publicUrl === undefined;
  config.publicUrl ??= `http://localhost:${config.port}`;
  config.blobStore ??= resolve(config.dataDir, 'blobs');
  if (
    config.blobStore.startsWith('s3://') &&
    !/^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/.*)?$/.test(config.blobStore)
  ) {
    throw new ConfigError(
      'BLOB_STORE',
      `must be a directory or s3://bucket/prefix (got "${config.blobStore}")`,
    );
  }
  if (config.s3SecretAccessKey !== undefined && config.s3AccessKeyId === undefined) {
    throw new ConfigError('S3_ACCESS_KEY_ID', 'must be set when S3_SECRET_ACCESS_KEY is set');
  }
  if (
    config.embedder === 'http' &&
    (config.embedderUrl === undefined || config.embedderModel === undefined)
  ) {
    throw new ConfigError(
      config.embedderUrl === undefined ? 'EMBEDDER_URL' : 'EMBEDDER_MODEL',
      'must be set when EMBEDDER=http',
    );
  }
  if (config.embedder === 'local' && config.embedderModelDir === undefined) {
    throw new ConfigError('EMBEDDER_MODEL_DIR', 'must be set when EMBEDDER=local');
  }
  return config;
}

/** The body of docs/configuration.md; a test fails when the committed file differs. */
export function renderConfigDocs(): string {
  const lines = [
    '# Configuration',
    '',
    '<!-- Generated by `npm run docs:config` from packages/server/src/config.ts. Do not edit by hand. -->',
    '',
    'Agentry reads its configuration from environment variables only. Invalid values stop start-up with a',
    'message naming the variable. Secrets are never logged.',
    '',
    '| Variable | Default | Description |',
    '|---|---|---|',
  ];
  for (const spec of Object.values(configKeys) as KeySpec<unknown>[]) {
    const fallback = spec.defaultText ?? (spec.default === undefined ? 'unset' : `\`${spec.default}\``);
    const secret = spec.secret ? ' (secret)' : '';
    lines.push(`| \`${spec.env}\` | ${fallback} | ${spec.description}${secret} |`);
  }
  return `${lines.join('\n')}\n`;
}
