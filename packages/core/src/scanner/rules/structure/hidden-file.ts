/**
 * `hidden_file`: dotfiles and dot-folders that are not on the allow-list. They are easy to miss in a
 * review and in listings (`.env` with secrets, a stray `.git/`, a `.bashrc` or `.npmrc` meant for
 * the user's home). Low. Allowed: ignore files (.gitignore, .agentryignore, .tankignore, .npmignore,
 * .prettierignore, .eslintignore, .dockerignore), editor and formatter settings (.editorconfig,
 * .prettierrc*, .eslintrc*, .gitattributes, .nvmrc, .node-version, .python-version), .mcp.json,
 * .env.example, and the client folders .claude/, .claude-plugin/, .cursor/, .github/, .agents/.
 * A hidden folder is reported once, with its file count.
 */
import type { Hit, Rule } from '../../rule.js';

const allowedFiles =
  /^\.(gitignore|agentryignore|tankignore|npmignore|prettierignore|eslintignore|dockerignore|editorconfig|gitattributes|nvmrc|node-version|python-version|mcp\.json|env\.example|prettierrc.*|eslintrc.*)$/;
const allowedFolders = new Set(['.claude', '.claude-plugin', '.cursor', '.github', '.agents']);

export const hiddenFile: Rule = {
  id: 'hidden_file',
  stage: 'structure',
  severity: 'low',
  title: 'Hidden files or folders that are not on the allow-list',
  check: (ctx) => {
    const folders = new Map<string, { first: string; count: number }>();
    const hits: Hit[] = [];
    for (const path of [...ctx.files.keys()].sort()) {
      const parts = path.split('/');
      const index = parts.findIndex((part) => part.startsWith('.'));
      if (index < 0) continue;
      const part = parts[index] ?? '';
      const isFolder = index < parts.length - 1;
      if (isFolder ? allowedFolders.has(part) : allowedFiles.test(part)) continue;
      if (!isFolder) {
        hits.push({
          message: `Hidden file ${path} is easy to miss; remove it or add it to .agentryignore.`,
          file: path,
        });
        continue;
      }
      const folder = `${parts.slice(0, index + 1).join('/')}/`;
      const seen = folders.get(folder);
      if (seen) seen.count += 1;
      else folders.set(folder, { first: path, count: 1 });
    }
    for (const [folder, { first, count }] of folders) {
      hits.push({
        message: `Hidden folder ${folder} (${count} file${count === 1 ? '' : 's'}) is easy to miss; remove it or add it to .agentryignore.`,
        file: first,
      });
    }
    return hits;
  },
};
