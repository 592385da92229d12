import type { Rule } from '../../rule.js';
import { shellHits } from './shell.js';
import { commandStart } from './shell-patterns.js';

const rmRoot =
  /\brm[ \t]+((?:-[\w-]+[ \t]+)+)(["']?)(\/\*?|~\/?\*?|\$\{?HOME\}?\/?\*?|\/(?:etc|usr|var|home|bin|boot|lib|opt|root|System|Users|Library)\/?\*?)\2(?=[ \t]|$|[;&|)])/gm;
const recursive = /(?:^|\s)-[a-zA-Z]*[rR]|--recursive/;
const mkfs = new RegExp(String.raw`${commandStart}mkfs(?:\.\w+)?\b`, 'gm');
const ddDevice = /\bdd\b[^\n;|&]{0,500}\bof=\/dev\/(?!null\b|zero\b|stdout\b|stderr\b|fd\/|tty\b|shm\b)\w/g;
const redirectDevice = /(?:^|[^>&\d])>[ \t]*\/dev\/(?:sd[a-z]|nvme\d|hd[a-z]|disk\d|mmcblk\d|xvd[a-z])/gm;
const forkBomb = /:\(\)[ \t]*\{[ \t]*:[ \t]*\|[ \t]*:[ \t]*&[ \t]*\}[ \t]*;[ \t]*:/g;

/** rm -rf of /, ~, $HOME or a system directory; mkfs; dd onto a device; fork bombs. */
export const shDestructive: Rule = {
  id: 'sh_destructive',
  stage: 'static',
  severity: 'high',
  title: 'Shell runs a destructive command (rm -rf /, rm -rf ~, mkfs, dd to a device)',
  check: (ctx) =>
    shellHits(
      ctx,
      [rmRoot, mkfs, ddDevice, redirectDevice, forkBomb],
      (m) => {
        const text = m[0].trim();
        if (text.startsWith('rm')) {
          if (!recursive.test(m[1] ?? '')) return undefined;
          return {
            message: `rm ${(m[1] ?? '').trim()} ${m[3]} deletes a whole home or system directory tree: irreversible loss of the user's files.`,
          };
        }
        if (text.includes('mkfs')) return { message: 'mkfs formats a device, erasing everything on it.' };
        if (text.startsWith('dd') || text.includes('>'))
          return { message: 'Writes raw data onto a disk device, destroying the file system on it.' };
        return { message: 'A fork bomb: it exhausts the process table and freezes the machine.' };
      },
      { observe: ['filesystem'] },
    ),
};
