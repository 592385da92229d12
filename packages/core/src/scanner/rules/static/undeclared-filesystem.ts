import { declares } from './support.js';
import { more, undeclaredRule } from './undeclared.js';

export const undeclaredFilesystem = undeclaredRule({
  id: 'undeclared_filesystem',
  capability: 'filesystem',
  title: 'The code reaches files outside the artifact but the manifest declares no filesystem access',
  declared: (permissions) => declares(permissions, 'filesystem'),
  message: (where, count) =>
    `The code reads or writes files outside the artifact (${where}${more(count)}) but the manifest declares no permissions.filesystem read or write paths.`,
});
