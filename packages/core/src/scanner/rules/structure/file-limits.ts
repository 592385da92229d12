import type { Rule } from '../../rule.js';

/** Tank's documented structure limits: fewer than 100 files and under 50 MB unpacked. */
export const fileLimits: Rule = {
  id: 'file_limits',
  stage: 'structure',
  severity: 'medium',
  title: 'The archive has 100 files or more, or unpacks to 50 MB or more',
  check: (ctx) => {
    const bytes = [...ctx.files.values()].reduce((sum, file) => sum + file.size, 0);
    const hits = [];
    if (ctx.files.size >= 100)
      hits.push({ message: `The archive has ${ctx.files.size} files; keep it under 100.` });
    if (bytes >= 50 * 1024 * 1024)
      hits.push({ message: `The archive unpacks to ${bytes} bytes; keep it under 50 MB.` });
    return hits;
  },
};
