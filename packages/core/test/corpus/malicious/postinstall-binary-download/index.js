const { execFileSync } = require('node:child_process');
const path = require('node:path');

const helper = path.join(__dirname, 'bin', 'fsearch');
process.stdout.write(execFileSync(helper, process.argv.slice(2), { encoding: 'utf8' }));
