#!/usr/bin/env node
/** Rewrites the generated rule table in docs/scanner.md from the rule registry (run after a build). */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderRulesTable } from '../packages/core/dist/scanner/index.js';

const path = join(import.meta.dirname, '..', 'docs', 'scanner.md');
const start = '<!-- rules:start -->';
const end = '<!-- rules:end -->';
const text = readFileSync(path, 'utf8');
const before = text.slice(0, text.indexOf(start) + start.length);
const after = text.slice(text.indexOf(end));
writeFileSync(path, `${before}\n${renderRulesTable()}${after}`);
