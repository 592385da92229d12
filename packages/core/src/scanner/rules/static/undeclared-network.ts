import type { Permissions } from '../../../permissions.js';
import type { Observation } from '../../rule.js';
import { declares } from './support.js';
import { more, undeclaredRule } from './undeclared.js';

const urlHost = /\b(?:https?|wss?|ftps?):\/\/(?:[^\s/@"'`]*@)?([^\s/?#:"'`]+)/gi;

/** Whether a declared `network.outbound` entry (`api.example.com`, `*.example.com`, `*`, with an optional port) covers a host. */
function covers(glob: string, host: string): boolean {
  const pattern = glob.toLowerCase().replace(/:\d+$/, '');
  if (pattern === '*') return true;
  if (pattern.startsWith('*.')) return host.endsWith(pattern.slice(1)) || host === pattern.slice(2);
  return host === pattern;
}

/**
 * A host the code visibly contacts — a URL literal on the line where the network use was seen — that
 * the declared hosts do not cover. Parts filled in at run time (`https://${app}.fly.dev`) match a
 * wildcard; a host that is entirely a variable cannot be checked and is left alone.
 */
function undeclaredHost(permissions: Permissions, observation: Observation): string | undefined {
  const declared = permissions.network?.outbound ?? [];
  urlHost.lastIndex = 0;
  for (let m = urlHost.exec(observation.evidence ?? ''); m; m = urlHost.exec(observation.evidence ?? '')) {
    const host = (m[1] ?? '')
      .toLowerCase()
      .replace(/\$\{[^}]*\}|\$\w+|\{\{[^}]*\}\}/g, 'x')
      .replace(/\.$/, '');
    if (!host.includes('.') || host.includes('…')) continue;
    if (!declared.some((glob) => covers(glob, host))) return host;
  }
  return undefined;
}

export const undeclaredNetwork = undeclaredRule({
  id: 'undeclared_network',
  capability: 'network',
  title: 'The code uses the network but the manifest declares no network.outbound hosts',
  declared: (permissions) => declares(permissions, 'network'),
  outsideDeclared: undeclaredHost,
  outsideMessage: (host, where) =>
    `The code contacts ${host} (${where}), which the manifest's permissions.network.outbound does not list: data can go to a host installers were not told about.`,
  message: (where, count) =>
    `The code makes network connections (${where}${more(count)}) but the manifest declares no permissions.network.outbound hosts: installers are not told where data may go.`,
});
