#!/usr/bin/env node
/** Rewrites the generated install-target table in docs/cli.md from the table in core (run after a build). */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderTargetsTable } from '../packages/core/dist/index.js';

const path = join(import.meta.dirname, '..', 'docs', 'cli.md');
const start = '<!-- targets:start -->';
const end = '<!-- targets:end -->';
const text = readFileSync(path, 'utf8');
const before = text.slice(0, text.indexOf(start) + start.length);
const after = text.slice(text.indexOf(end));
writeFileSync(path, `${before}\n${renderTargetsTable()}${after}`);
