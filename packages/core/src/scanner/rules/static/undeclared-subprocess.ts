import { declares } from './support.js';
import { more, undeclaredRule } from './undeclared.js';

export const undeclaredSubprocess = undeclaredRule({
  id: 'undeclared_subprocess',
  capability: 'subprocess',
  title: 'The code starts programs but the manifest does not declare subprocess',
  declared: (permissions) => declares(permissions, 'subprocess'),
  message: (where, count) =>
    `The code starts other programs (${where}${more(count)}) but the manifest does not declare permissions.subprocess: true, so installers are not told it can run commands.`,
});
