import type { Rule } from '../../rule.js';

export const emptyArchive: Rule = {
  id: 'empty_archive',
  stage: 'structure',
  severity: 'high',
  title: 'The archive contains no files',
  check: (ctx) => (ctx.files.size === 0 ? [{ message: 'The archive contains no files.' }] : []),
};
