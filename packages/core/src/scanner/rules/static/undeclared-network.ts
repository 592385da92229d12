import { more, undeclaredRule } from './undeclared.js';

export const undeclaredNetwork = undeclaredRule({
  id: 'undeclared_network',
  capability: 'network',
  title: 'The code uses the network but the manifest declares no network.outbound hosts',
  declared: (permissions) => (permissions.network?.outbound ?? []).length > 0,
  message: (where, count) =>
    `The code makes network connections (${where}${more(count)}) but the manifest declares no permissions.network.outbound hosts: installers are not told where data may go.`,
});
