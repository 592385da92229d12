import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError, configKeys, loadConfig, renderConfigDocs } from './config.js';

function configError(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('configuration', () => {
  it('has working defaults for the embedded setup', () => {
    const config = loadConfig({ DATA_DIR: '/srv/agentry' });
    expect(config.port).toBe(3737);
    expect(config.publicUrl).toBe('http://localhost:3737');
    expect(config.blobStore).toBe('/srv/agentry/blobs');
    expect(config.databaseUrl).toBeUndefined();
    expect(config.redisUrl).toBeUndefined();
    expect(config.defaultTenant).toBe('default');
  });

  it('parses supplied values', () => {
    const config = loadConfig({
      PORT: '8080',
      PUBLIC_URL: 'https://registry.example.com/',
      BLOB_STORE: 's3://artifacts/prod',
      S3_FORCE_PATH_STYLE: 'yes',
      DATABASE_URL: 'postgres://u@db/agentry',
      LOG_LEVEL: 'DEBUG',
    });
    expect(config.port).toBe(8080);
    expect(config.publicUrl).toBe('https://registry.example.com');
    expect(config.blobStore).toBe('s3://artifacts/prod');
    expect(config.s3ForcePathStyle).toBe(true);
    expect(config.logLevel).toBe('debug');
  });

  it.each([
    [{ PORT: 'abc' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL'],
    [{ PUBLIC_URL: 'not a url' }, 'PUBLIC_URL'],
    [{ BLOB_STORE: 's3://UPPER' }, 'BLOB_STORE'],
    [{ REDIS_URL: 'http://x' }, 'REDIS_URL'],
    [{ SECRET_KEY: 'short' }, 'SECRET_KEY'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    [{ AGENTRY_ADMIN_TOKEN: 'tank_abc' }, 'AGENTRY_ADMIN_TOKEN'],
    [{ S3_SECRET_ACCESS_KEY: 'x' }, 'S3_ACCESS_KEY_ID'],
    [{ BASE_DOMAIN: 'bad domain' }, 'BASE_DOMAIN'],
    [{ SIGNUP_ENABLED: 'maybe' }, 'SIGNUP_ENABLED'],
  ])('refuses %o naming the key', (env, key) => {
    const error = configError(env);
    expect(error.key).toBe(key);
    expect(error.message).toContain(key);
  });

  it('documents every key, and docs/configuration.md is current', () => {
    const docs = renderConfigDocs();
    for (const spec of Object.values(configKeys)) expect(docs).toContain(`\`${spec.env}\``);
    const committed = readFileSync(new URL('../../../docs/configuration.md', import.meta.url), 'utf8');
    // When this fails, run `npm run docs:config` and commit the result.
    expect(committed).toBe(docs);
  });
});
