import { readFileSync, writeFileSync } from 'node:fs';
import { alignTables } from 'markdown-table-align';

const file = process.argv[2];
writeFileSync(file, alignTables(readFileSync(file, 'utf8')));
