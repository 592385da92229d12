/**
 * `hidden_file`: dotfiles and dot-folders that are not on the allow-list. They are easy to miss in a
 * review and in listings (`.env` with secrets, a stray `.git/`, a `.bashrc` or `.npmrc` meant for
 * the user's home). Low. Allowed: ignore files (.gitignore, .agentryignore, .tankignore, .npmignore,
 * .prettierignore, .eslintignore, .dockerignore), editor and formatter settings (.editorconfig,
 * .prettierrc*, .eslintrc*, .gitattributes, .nvmrc, .node-version, .python-version), .mcp.json,
 * .env.example, the agent tools' own rule and config files (.cursorrules, .windsurfrules, .clinerules,
 * .roorules*, .roomodes, .goosehints, .aider.conf.yml, .aiderignore), and the client folders the
 * install targets write to (.claude/, .claude-plugin/, .cursor/, .cursor-plugin/, .github/, .agents/,
 * .codex/, .codex-plugin/, .gemini/, .windsurf/, .opencode/, .cline/, .clinerules/, .roo/, .kiro/,
 * .goose/). A hidden folder is reported once, with its file count.
 */
import type { Hit, Rule } from '../../rule.js';

const allowedFiles =
  /^\.(gitignore|agentryignore|tankignore|npmignore|prettierignore|eslintignore|dockerignore|editorconfig|gitattributes|nvmrc|node-version|python-version|mcp\.json|env\.example|prettierrc.*|eslintrc.*|cursorrules|windsurfrules|clinerules|roorules(-[\w-]+)?|roomodes|goosehints|aider\.conf\.ya?ml|aiderignore)$/;
const allowedFolders = new Set([
  '.claude',
  '.claude-plugin',
  '.cursor',
  '.cursor-plugin',
  '.github',
  '.agents',
  '.codex',
  '.codex-plugin',
  '.gemini',
  '.windsurf',
  '.opencode',
  '.cline',
  '.clinerules',
  '.roo',
  '.kiro',
  '.goose',
]);

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
