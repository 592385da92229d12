#!/usr/bin/env node
// Builds a Keep a Changelog "Unreleased" section from conventional commits since the last tag.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';

const args = process.argv.slice(2);
const write = args.includes('--write');
const sinceIndex = args.indexOf('--since');

function git(...gitArgs) {
  return execFileSync('git', gitArgs, { encoding: 'utf8' }).trim();
}

let since = sinceIndex >= 0 ? args[sinceIndex + 1] : undefined;
if (!since) {
  try {
    since = git('describe', '--tags', '--abbrev=0');
  } catch {
    since = undefined; // no tags yet: take the whole history
  }
}

const range = since ? [`${since}..HEAD`] : [];
const log = git('log', ...range, '--no-merges', '--format=%H%x1f%s%x1f%b%x1e');
const sections = { Breaking: [], Added: [], Changed: [], Fixed: [], Removed: [] };
const sectionOf = { feat: 'Added', fix: 'Fixed', perf: 'Changed', refactor: 'Changed', revert: 'Removed' };

for (const record of log.split('\x1e')) {
  const [hash, subject = '', body = ''] = record.trim().split('\x1f');
  if (!hash) continue;
  const match = /^(\w+)(\([^)]*\))?(!)?:\s*(.+)$/.exec(subject);
  if (!match) continue;
  const [, type, scope, bang, summary] = match;
  const line = `- ${scope ? `**${scope.slice(1, -1)}:** ` : ''}${summary} (${hash.slice(0, 7)})`;
  if (bang || /^BREAKING CHANGE:/m.test(body)) sections.Breaking.push(line);
  const section = sectionOf[type];
  if (section) sections[section].push(line);
}

const parts = ['## [Unreleased]', ''];
for (const [name, lines] of Object.entries(sections)) {
  if (lines.length === 0) continue;
  parts.push(`### ${name}`, '', ...lines, '');
}
const section = parts.join('\n');

if (!write) {
  process.stdout.write(`${section}\n`);
} else {
  const path = 'CHANGELOG.md';
  const current = readFileSync(path, 'utf8');
  const withoutOld = current.replace(/## \[Unreleased\][\s\S]*?(?=\n## \[)/, '').trimEnd();
  const heading = withoutOld.indexOf('\n## ');
  const next =
    heading >= 0
      ? `${withoutOld.slice(0, heading)}\n\n${section}${withoutOld.slice(heading)}\n`
      : `${withoutOld}\n\n${section}`;
  writeFileSync(path, next);
  console.error(`updated ${path}`);
}
