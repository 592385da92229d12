import type { Rule } from '../../rule.js';
import { shellHits } from './shell.js';
import { commandStart, span } from './shell-patterns.js';
import { lowerWhenDeclared } from './support.js';

const networkCommand = new RegExp(
  String.raw`${commandStart}(curl|wget|nc|ncat|netcat|socat|telnet|ssh|scp|sftp|ftp)(?![\w.-])([^\n;|&]{0,${span}})`,
  'gm',
);
const devTcp = /\/dev\/(?:tcp|udp)\/[\w.-]+\/\d+/g;
/** Package runners that fetch a package from a registry and run it at once. */
const fetchAndRun = new RegExp(
  String.raw`${commandStart}(npx|npm[ \t]+(?:exec|x)|pnpm[ \t]+dlx|yarn[ \t]+dlx|bunx|uvx|pipx[ \t]+run|uv[ \t]+tool[ \t]+run)(?![\w.-])([^\n;|&]{0,${span}})`,
  'gm',
);
const runner = /^(?:npx|npm|pnpm|yarn|bunx|uvx|pipx|uv)\b/;
/** npx and npm exec only fetch without asking when told to (-y, --yes), and never with --no-install. */
const needsYes = /^(?:npx|npm[ \t]+(?:exec|x))$/;
const yes = /(?:^|\s)(?:-y|--yes)(?=\s|$)/;
const offline = /(?:^|\s)(?:--no-install|--no|--offline|--prefer-offline)(?=\s|$)/;

/** An interactive shell wired to a socket: `bash -i >& /dev/tcp/h/p 0>&1`, `nc -e /bin/sh`, socat exec. */
const reverseShell =
  /\b(?:ba|z|da|k)?sh\b[^\n;|&]{0,80}\/dev\/(?:tcp|udp)\/|\/dev\/(?:tcp|udp)\/[\w.-]+\/\d+[^\n;|]{0,40}0>&1|\b(?:nc|ncat|netcat)\b[^\n;|&]{0,200}\s-(?:e|c)\s+\S*(?:ba|z|da|k)?sh\b|\bsocat\b[^\n;|&]{0,200}\bexec:[^\n;|&]{0,40}(?:ba|z|da|k)?sh\b/i;

/**
 * curl, wget, nc, socat, ssh/scp … and bash's /dev/tcp in scripts, Markdown shell blocks and the
 * commands of agent configurations; also package runners that download and run a package at once
 * (`npx -y`, `pnpm dlx`, `bunx`, `uvx`, `pipx run`): code arrives over the network. Medium: API calls
 * with curl are common in skills; the `undeclared_network` check raises it when the manifest does not
 * declare network access, and it is a low note when the manifest does. An interactive shell wired to a
 * socket (a reverse shell) is critical whatever the manifest declares.
 */
export const shNetwork: Rule = {
  id: 'sh_network',
  stage: 'static',
  severity: 'medium',
  title: 'Shell makes network connections (curl, wget, nc, ssh, /dev/tcp)',
  check: (ctx) =>
    lowerWhenDeclared(
      ctx,
      'network',
      shellHits(
        ctx,
        [networkCommand, devTcp, fetchAndRun],
        (m, seg) => {
          const line = seg.code.slice(seg.code.lastIndexOf('\n', m.index) + 1, m.index + m[0].length + 200);
          if (reverseShell.test(line.split('\n')[0] ?? ''))
            return {
              message:
                'Wires an interactive shell to a network socket (a reverse shell): whoever listens at the other end controls the machine.',
              severity: 'critical',
            };
          const tool = m[1];
          if (tool === undefined)
            return {
              message:
                'Opens a raw TCP/UDP connection through /dev/tcp, a classic reverse-shell building block.',
            };
          const args = m[2] ?? '';
          if (runner.test(tool)) {
            if ((needsYes.test(tool) && !yes.test(args)) || offline.test(args)) return undefined;
            return {
              message: `${tool.replace(/[ \t]+/g, ' ')} downloads a package from the registry and runs it at once: code arrives over the network at run time.`,
            };
          }
          return {
            message: `${tool} connects to the network: data can leave the user's machine, or code can arrive.`,
          };
        },
        { observe: ['network'] },
      ),
    ),
};
