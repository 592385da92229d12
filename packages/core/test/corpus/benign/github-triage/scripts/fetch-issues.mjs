#!/usr/bin/env node
// Fetches open issues (or labels) of a repository from the GitHub REST API and prints them as JSON.
import { parseArgs } from 'node:util';

const API = 'https://api.github.com';

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    since: { type: 'string', default: '30d' },
    labels: { type: 'boolean', default: false },
  },
});

const repo = positionals[0];
if (!repo || !/^[\w.-]+\/[\w.-]+$/.test(repo)) {
  console.error('usage: fetch-issues.mjs owner/repo [--since 30d] [--labels]');
  process.exit(2);
}

const headers = {
  accept: 'application/vnd.github+json',
  'x-github-api-version': '2022-11-28',
  'user-agent': 'github-triage-skill',
};
if (process.env.GITHUB_TOKEN) headers.authorization = `Bearer ${process.env.GITHUB_TOKEN}`;

function sinceDate(spec) {
  const days = Number.parseInt(spec, 10);
  return new Date(Date.now() - (Number.isNaN(days) ? 30 : days) * 86_400_000).toISOString();
}

async function getAll(path) {
  const items = [];
  let url = `${API}${path}`;
  while (url) {
    const response = await fetch(url, { headers });
    if (!response.ok) {
      throw new Error(`GitHub answered ${response.status} for ${url}: ${await response.text()}`);
    }
    items.push(...(await response.json()));
    const link = response.headers.get('link') ?? '';
    url = /<([^>]+)>;\s*rel="next"/.exec(link)?.[1];
  }
  return items;
}

if (values.labels) {
  const labels = await getAll(`/repos/${repo}/labels?per_page=100`);
  console.log(JSON.stringify(labels.map(({ name, description }) => ({ name, description })), null, 2));
} else {
  const issues = await getAll(
    `/repos/${repo}/issues?state=open&per_page=100&since=${encodeURIComponent(sinceDate(values.since))}`,
  );
  const onlyIssues = issues.filter((issue) => !issue.pull_request);
  console.log(
    JSON.stringify(
      onlyIssues.map((issue) => ({
        number: issue.number,
        title: issue.title,
        body: (issue.body ?? '').slice(0, 4000),
        labels: issue.labels.map((label) => label.name),
        created_at: issue.created_at,
        comments: issue.comments,
      })),
      null,
      2,
    ),
  );
}
