/**
 * `init [kind]`: a valid, publishable artifact of any kind — the main file in the layout the installer
 * reads, a tank.json manifest, a README — that passes the scanner clean. Existing files are kept
 * unless --force.
 */
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { type ArtifactKind, artifactKinds } from '@agentry/core';
import { CliError } from '../cli-error.js';
import { ignoreState } from '../install/project.js';
import { verifyDownload } from '../install/resolve.js';
import type { CommandContext } from './context.js';
import { splitSpec } from './search.js';

export interface InitOptions {
  name?: string | undefined;
  description?: string | undefined;
  dir?: string | undefined;
  force?: boolean;
}

export interface InitResult {
  kind: ArtifactKind;
  name: string;
  dir: string;
  files: string[];
}

const skillMd = (name: string, description: string) =>
  `---\nname: ${name}\ndescription: ${description}\n---\n\n# ${name}\n\nUse this skill when the user asks for ${name.replace(/-/g, ' ')}.\n\n## Steps\n\n1. Read the relevant files first.\n2. Explain the plan in one sentence.\n3. Make the change, then summarise what changed.\n`;

function scaffold(kind: ArtifactKind, bare: string, description: string): Record<string, string> {
  switch (kind) {
    case 'skill':
      return { 'SKILL.md': skillMd(bare, description) };
    case 'agent':
      return {
        'AGENT.md': `---\nname: ${bare}\ndescription: ${description}\ntools: Read, Grep, Glob\n---\n\nYou are a focused reviewer. Read the files you are pointed at, list the problems you find with file and line, and suggest the smallest fix for each.\n`,
      };
    case 'command':
    case 'prompt':
      return {
        [kind === 'command' ? 'COMMAND.md' : 'PROMPT.md']:
          `---\ndescription: ${description}\n---\n\nSummarise the changes in $ARGUMENTS: what changed, why, and what to check before merging.\n`,
      };
    case 'instruction':
      return {
        'INSTRUCTIONS.md': `---\ndescription: ${description}\nglobs: ["**/*.ts"]\n---\n\n- Prefer small functions with names that start with a verb.\n- Explain why in comments, not what.\n`,
      };
    case 'hook':
      return {
        'hooks.json': `${JSON.stringify({ hooks: { PostToolUse: [{ matcher: 'Edit|Write', hooks: [{ type: 'command', command: '${AGENTRY_HOOK_DIR}/after-edit.sh', timeout: 10 }] }] } }, null, 2)}\n`,
        'after-edit.sh':
          '#!/bin/sh\n# Runs after each edit; replace with your formatter or linter.\necho "file edited"\n',
      };
    case 'mcp':
      return {
        'mcp.json': `${JSON.stringify({ command: 'node', args: ['${AGENTRY_MCP_DIR}/server.mjs'] }, null, 2)}\n`,
        'server.mjs':
          '// Your MCP server starts here (see https://modelcontextprotocol.io).\nprocess.stdin.resume();\n',
      };
    default:
      return {
        [`skills/${bare}-helper/SKILL.md`]: skillMd(`${bare}-helper`, description),
        'commands/summarise.md': `---\ndescription: Summarise the current changes\n---\n\nSummarise the changes in $ARGUMENTS.\n`,
        'instructions/style.md': `---\ndescription: House style\n---\n\n- Keep functions short.\n`,
      };
  }
}

export function runInit(
  ctx: CommandContext,
  kindArg: string | undefined,
  options: InitOptions = {},
): InitResult {
  const kind = (kindArg ?? 'skill') as ArtifactKind;
  if (!(artifactKinds as readonly string[]).includes(kind))
    throw new CliError('usage', `unknown kind ${kindArg}`, `kinds: ${artifactKinds.join(', ')}`);
  const dir = resolve(ctx.cwd, options.dir ?? '.');
  const name =
    options.name ??
    basename(dir)
      .toLowerCase()
      .replace(/[^a-z0-9-]+/g, '-')
      .replace(/^-+|-+$/g, '');
  if (!/^(@[a-z0-9-]+\/)?[a-z0-9-]+$/.test(name))
    throw new CliError(
      'usage',
      `"${name}" is not a usable name`,
      'pass --name my-artifact or --name @org/my-artifact',
    );
  const bare = name.replace(/^@[^/]+\//, '');
  const description =
    options.description ??
    `${/^[aeiou]/.test(kind) ? 'An' : 'A'} ${kind} that helps with ${bare.replace(/-/g, ' ')}.`;
  const files: Record<string, string> = {
    ...scaffold(kind, bare, description),
    'tank.json': `${JSON.stringify({ name, version: '0.1.0', description, kind, visibility: 'public', permissions: {} }, null, 2)}\n`,
    'README.md': `# ${name}\n\n${description}\n\n## Install\n\n\`\`\`sh\nagentry install ${name}\n\`\`\`\n`,
  };
  const existing = Object.keys(files).filter((file) => existsSync(join(dir, file)));
  if (existing.length > 0 && !options.force)
    throw new CliError(
      'usage',
      `${existing.join(', ')} already exist in ${dir}`,
      'pass --force to overwrite them',
    );
  for (const [file, content] of Object.entries(files)) {
    const full = join(dir, file);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, content);
    if (file.endsWith('.sh')) chmodSync(full, 0o755);
  }
  // Installing here later writes this machine's .agentry/state.json: a git folder ignores it from the start.
  ignoreState({ root: dir });
  return { kind, name, dir, files: Object.keys(files).sort() };
}

/** The next commands, naming the new folder unless it is the current one. */
function nextStep(dir: string): string {
  const where = relative(process.cwd(), dir) || '.';
  const arg = /\s/.test(where) ? JSON.stringify(where) : where;
  return `Next: agentry scan ${arg} && agentry publish ${arg} --dry-run`;
}

export function formatInit(result: InitResult): string {
  return [
    `Created ${/^[aeiou]/.test(result.kind) ? 'an' : 'a'} ${result.kind} ${result.name} in ${result.dir}:`,
    ...result.files.map((file) => `    ${file}`),
    '',
    nextStep(result.dir),
  ].join('\n');
}

export interface TemplateResult {
  template: string;
  version: string;
  dir: string;
  files: string[];
  hints: string[];
}

/** Files of a template that describe it rather than belong in the project. */
const templateMeta = new Set(['tank.json', 'skills.json', 'aitk-artifact.json', 'template.json']);

/**
 * `init --template <name>[@version]` (AI Toolkit's `init [template]`): a template artifact from the
 * registry, verified like any install, copied into the folder. Existing files are kept unless --force.
 */
export async function runInitFromTemplate(
  ctx: CommandContext,
  spec: string,
  options: InitOptions = {},
): Promise<TemplateResult> {
  const { name, range } = splitSpec(spec);
  const version = range ?? (await ctx.registry.getArtifact(name)).latestVersion;
  if (!version)
    throw new CliError('no_matching_version', `${name} has no published version`, `agentry info ${name}`);
  const detail = await ctx.registry.getVersion(name, version);
  const payload = verifyDownload(detail, await ctx.client.download(detail.downloadUrl), undefined);
  const dir = resolve(ctx.cwd, options.dir ?? '.');
  const files = [...payload.files.keys()].filter((path) => !templateMeta.has(path)).sort();
  const existing = files.filter((file) => existsSync(join(dir, file)));
  if (existing.length > 0 && !options.force)
    throw new CliError(
      'usage',
      `${existing.join(', ')} already exist in ${dir}`,
      'pass --force to overwrite them',
    );
  for (const file of files) {
    const full = join(dir, file);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, payload.files.get(file) as Buffer, {
      mode: (payload.modes.get(file) ?? 0o644) & 0o111 ? 0o755 : 0o644,
    });
  }
  ignoreState({ root: dir });
  let hints: string[] = [];
  const meta = payload.files.get('template.json');
  if (meta) {
    try {
      const parsed = JSON.parse(meta.toString('utf8')) as { postInstallHints?: unknown };
      if (Array.isArray(parsed.postInstallHints))
        hints = parsed.postInstallHints.filter((h): h is string => typeof h === 'string');
    } catch {
      hints = [];
    }
  }
  return { template: name, version, dir, files, hints };
}

export function formatTemplate(result: TemplateResult): string {
  return [
    `Applied ${result.template}@${result.version} to ${result.dir}:`,
    ...result.files.map((file) => `    ${file}`),
    ...(result.hints.length > 0 ? ['', ...result.hints.map((hint) => `• ${hint}`)] : []),
  ].join('\n');
}
