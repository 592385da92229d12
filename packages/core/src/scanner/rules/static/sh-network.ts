import type { Rule } from '../../rule.js';
import { commandStart } from './shell-patterns.js';
import { shellHits } from './support.js';

const networkCommand = new RegExp(
  String.raw`${commandStart}(curl|wget|nc|ncat|netcat|socat|telnet|ssh|scp|sftp|ftp)(?![\w.-])`,
  'gm',
);
const devTcp = /\/dev\/(?:tcp|udp)\/[\w.-]+\/\d+/g;

/**
 * curl, wget, nc, socat, ssh/scp … and bash's /dev/tcp in scripts and Markdown shell blocks. Medium:
 * API calls with curl are common in skills; the `undeclared_network` check raises it when the manifest
 * does not declare network access.
 */
export const shNetwork: Rule = {
  id: 'sh_network',
  stage: 'static',
  severity: 'medium',
  title: 'Shell makes network connections (curl, wget, nc, ssh, /dev/tcp)',
  check: (ctx) =>
    shellHits(
      ctx,
      [networkCommand, devTcp],
      (m) => ({
        message: m[1]
          ? `${m[1]} connects to the network: data can leave the user's machine, or code can arrive.`
          : 'Opens a raw TCP/UDP connection through /dev/tcp, a classic reverse-shell building block.',
      }),
      { observe: ['network'] },
    ),
};
