#!/usr/bin/env node
/**
 * The GitHub Action's step (action.yml): reads the inputs from INPUT_* variables, publishes the folder
 * with the agentry CLI, and writes `artifact-slug=scope/name@version` to $GITHUB_OUTPUT. Errors are
 * printed as `::error::` annotations and end the step with a non-zero status. The token reaches the
 * CLI through AGENTRY_TOKEN, never the command line.
 */
import { spawnSync } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const cli = join(import.meta.dirname, '..', 'packages', 'cli', 'bin', 'agentry.js');
const input = (name) => (process.env[`INPUT_${name}`] ?? '').trim();

function fail(message) {
  console.log(`::error::${message.replace(/\r?\n/g, '%0A')}`);
  process.exit(1);
}

const token = input('API_TOKEN');
const registry = input('REGISTRY_URL') || 'http://localhost:3737';
const directory = resolve(process.env.GITHUB_WORKSPACE ?? process.cwd(), input('DIRECTORY') || '.');
const access = input('ACCESS');
const team = input('TEAM');
if (!token) fail('api-token is required');
if (access && !['public', 'private', 'team'].includes(access))
  fail(`access must be public, private or team, not "${access}"`);
if (access === 'team' && !team) fail('access: team needs the team input');
console.log(`::add-mask::${token}`);

const env = { ...process.env, AGENTRY_TOKEN: token, AGENTRY_REGISTRY: registry, NO_COLOR: '1' };
function agentry(args) {
  const run = spawnSync(process.execPath, [cli, ...args, '--json'], {
    env,
    encoding: 'utf8',
    cwd: directory,
  });
  let body;
  try {
    body = JSON.parse(run.stdout);
  } catch {
    fail(`agentry ${args[0]} printed no JSON (exit ${run.status}): ${run.stderr.trim()}`);
  }
  if (run.status !== 0)
    fail(
      `agentry ${args[0]}: ${body.message ?? 'failed'} [${body.error ?? run.status}]${body.hint ? ` (${body.hint})` : ''}`,
    );
  return body;
}

const args = ['publish', directory];
if (access) args.push('--visibility', access);
if (team) args.push('--scope', team);
const published = agentry(args);
const scoped = /^@([^/]+)\/(.+)$/.exec(published.name);
const scope = scoped ? scoped[1] : agentry(['whoami']).username;
const bare = scoped ? scoped[2] : published.name;
const slug = `${scope}/${bare}@${published.version}`;
console.log(`published ${slug}: ${published.published.status}, verdict ${published.published.verdict}`);
if (process.env.GITHUB_OUTPUT) appendFileSync(process.env.GITHUB_OUTPUT, `artifact-slug=${slug}\n`);
