#!/usr/bin/env node
import { writeFileSync } from 'node:fs';
import { createTwoFilesPatch } from 'diff';
import fg from 'fast-glob';
import { Project } from 'ts-morph';
import { cjsToEsm } from './cjs-to-esm.js';
import { renameExport } from './rename-export.js';

const [command, ...rest] = process.argv.slice(2);
const dryRun = rest.includes('--dry-run');
const args = rest.filter((arg) => !arg.startsWith('--'));
const tsconfigIndex = rest.indexOf('--tsconfig');
const tsConfigFilePath = tsconfigIndex >= 0 ? rest[tsconfigIndex + 1] : 'tsconfig.json';

const project = new Project({ tsConfigFilePath });
const before = new Map(project.getSourceFiles().map((file) => [file.getFilePath(), file.getFullText()]));

switch (command) {
  case 'rename-export': {
    const [file, from, to] = args;
    if (!file || !from || !to) throw new Error('usage: rename-export <file> <old> <new>');
    renameExport(project, file, from, to);
    break;
  }
  case 'cjs-to-esm': {
    const files = await fg(args[0] ?? 'src/**/*.{js,ts}', { ignore: ['**/node_modules/**'] });
    for (const path of files) cjsToEsm(project.addSourceFileAtPath(path));
    break;
  }
  case 'sort-imports':
    for (const file of project.getSourceFiles(args[0] ?? 'src/**/*.ts')) file.organizeImports();
    break;
  default:
    console.error('commands: rename-export, cjs-to-esm, sort-imports');
    process.exit(2);
}

let changed = 0;
for (const file of project.getSourceFiles()) {
  const path = file.getFilePath();
  const after = file.getFullText();
  if (before.get(path) === after) continue;
  changed += 1;
  if (dryRun) process.stdout.write(createTwoFilesPatch(path, path, before.get(path) ?? '', after));
  else writeFileSync(path, after);
}
console.error(`${changed} file(s) ${dryRun ? 'would change' : 'changed'}`);
