#!/usr/bin/env node
// Cursor hook: reads the event JSON on stdin, appends one line to .cursor/audit.log, and answers with a
// permission decision on stdout. `git push` and anything with `--force` need the user's confirmation.
import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';

const kind = process.argv[2] ?? 'shell';

let raw = '';
for await (const chunk of process.stdin) raw += chunk;

let event;
try {
  event = JSON.parse(raw);
} catch {
  process.stdout.write(JSON.stringify({ permission: 'allow' }));
  process.exit(0);
}

const root = event.workspace_roots?.[0] ?? process.cwd();
const logFile = join(root, '.cursor', 'audit.log');
const what = kind === 'shell' ? event.command : `${event.server ?? '?'}:${event.tool_name ?? '?'}`;
mkdirSync(dirname(logFile), { recursive: true });
appendFileSync(logFile, `${new Date().toISOString()}\t${kind}\t${JSON.stringify(what)}\n`);

const risky = kind === 'shell' && /\bgit\s+push\b|--force\b/.test(String(event.command ?? ''));
process.stdout.write(
  JSON.stringify(
    risky
      ? { permission: 'ask', user_message: 'This pushes or forces; please confirm.', agent_message: 'Waiting for the user to confirm.' }
      : { permission: 'allow' },
  ),
);
