/**
 * ayaiay.yaml, in both of its shapes: the flat v1.0 shape (`name`, `agents[]{system_prompt}`,
 * `instructions[]{content}`, `prompts[]{template}`) and the spec-nested one (`apiVersion: v1`,
 * `kind: Pack`, `metadata`, `spec.agents[]{instructions: ./path}`, `spec.skills[]{path}`,
 * `spec.mcp_servers[]{path}`, …). Both normalise to one shape; `packLayout` then writes each component
 * where Agentry's installer reads a pack's components (agents/<n>.md, instructions/<n>.md, …).
 */
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { issuesFromZod, type ValidationIssue } from './errors.js';

const packName = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]*[a-z0-9]$/, 'Lower-case letters, digits and hyphens.')
  .max(64);
const itemName = z
  .string()
  .regex(/^[a-z0-9][a-z0-9._-]*$/, 'Lower-case letters, digits, dots, hyphens and underscores.')
  .max(100);
const tag = z.string().regex(/^[a-z0-9-]+$/);
const text = z.string().max(500);

const flatShape = z
  .object({
    name: packName,
    version: z.string().max(64).optional(),
    display_name: z.string().max(200).optional(),
    description: text.optional(),
    tags: z.array(tag).max(10).optional(),
    author: z.string().max(200).optional(),
    license: z.string().max(100).optional(),
    repository: z.string().url().optional(),
    agents: z
      .array(
        z
          .object({
            name: itemName,
            description: text.optional(),
            system_prompt: z.string().optional(),
            model: z.string().optional(),
            tools: z.array(z.string()).optional(),
          })
          .strict(),
      )
      .optional(),
    instructions: z
      .array(z.object({ name: itemName, description: text.optional(), content: z.string() }).strict())
      .optional(),
    prompts: z
      .array(
        z
          .object({
            name: itemName,
            description: text.optional(),
            template: z.string(),
            variables: z.array(z.unknown()).optional(),
          })
          .strict(),
      )
      .optional(),
    dependencies: z.record(z.string(), z.string()).optional(),
    metadata: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();

const pathItem = z
  .object({ name: itemName.optional(), description: text.optional(), path: z.string().max(500) })
  .passthrough();

const nestedShape = z.object({
  apiVersion: z.literal('v1'),
  kind: z.literal('Pack'),
  metadata: z
    .object({
      name: packName,
      version: z.string().max(64).optional(),
      display_name: z.string().max(200).optional(),
      description: text.optional(),
      author: z.string().max(200).optional(),
      license: z.string().max(100).optional(),
      repository: z.string().url().optional(),
      tags: z.array(tag).max(10).optional(),
    })
    .passthrough(),
  spec: z
    .object({
      platforms: z.array(z.string()).optional(),
      agents: z
        .array(
          z
            .object({
              name: itemName,
              description: text.optional(),
              type: z.string().optional(),
              instructions: z.string().max(500),
              config: z.object({ model: z.string().optional() }).passthrough().optional(),
              tools: z.array(z.string()).optional(),
            })
            .passthrough(),
        )
        .optional(),
      instructions: z.array(pathItem.extend({ name: itemName })).optional(),
      prompts: z
        .array(pathItem.extend({ name: itemName, variables: z.array(z.unknown()).optional() }))
        .optional(),
      commands: z.array(pathItem).optional(),
      skills: z.array(pathItem).optional(),
      mcp_servers: z.array(pathItem).optional(),
    })
    .passthrough()
    .default({}),
});

export interface PackItem {
  name: string;
  description?: string | undefined;
  /** The file in the repository it came from, when it is a file. */
  path?: string | undefined;
  /** Its text (Markdown), from the manifest or from `path`. */
  content: string;
  model?: string | undefined;
}

export interface PackMcpServer {
  name: string;
  path?: string | undefined;
  command?: string | undefined;
  args: string[];
  env?: Record<string, string> | undefined;
  url?: string | undefined;
}

export interface PackManifest {
  shape: 'flat' | 'nested';
  name: string;
  version?: string | undefined;
  displayName?: string | undefined;
  description: string;
  tags: string[];
  author?: string | undefined;
  license?: string | undefined;
  repository?: string | undefined;
  agents: PackItem[];
  instructions: PackItem[];
  prompts: PackItem[];
  commands: PackItem[];
  /** Folders holding a SKILL.md, relative to the pack root. */
  skills: { name: string; path: string }[];
  mcpServers: PackMcpServer[];
  dependencies: Record<string, string>;
  warnings: string[];
}

export class PackManifestError extends Error {
  constructor(readonly issues: ValidationIssue[]) {
    super(issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; '));
    this.name = 'PackManifestError';
  }
}

/** A path inside the pack: relative, normalised, never leaving it. */
function packPath(raw: string, where: (string | number)[]): string {
  const parts = raw
    .replace(/^\.\//, '')
    .split('/')
    .filter((p) => p !== '' && p !== '.');
  if (raw.startsWith('/') || parts.includes('..') || parts.length === 0) {
    throw new PackManifestError([{ path: where, message: `"${raw}" must be a path inside the pack.` }]);
  }
  return parts.join('/');
}

function duplicates(kind: string, items: { name: string }[], issues: ValidationIssue[]) {
  const seen = new Set<string>();
  items.forEach((item, index) => {
    if (seen.has(item.name))
      issues.push({ path: [kind, index, 'name'], message: `Two ${kind} are named ${item.name}.` });
    seen.add(item.name);
  });
}

function baseName(path: string): string {
  const file = path.split('/').at(-1) ?? path;
  return file
    .replace(/\.(md|ya?ml|json)$/i, '')
    .replace(/\.(prompt|agent|instructions)$/i, '')
    .toLowerCase();
}

/**
 * Parses and validates ayaiay.yaml. `read` returns a file of the pack (for items given by path), or
 * undefined when it is missing. Throws PackManifestError with field paths.
 */
export function parsePackManifest(source: string, read: (path: string) => string | undefined): PackManifest {
  let raw: unknown;
  try {
    raw = parseYaml(source);
  } catch (error) {
    throw new PackManifestError([
      { path: [], message: `Not valid YAML: ${(error as Error).message.split('\n')[0]}` },
    ]);
  }
  const file = (path: string, where: (string | number)[]) => {
    const clean = packPath(path, where);
    const content = read(clean);
    if (content === undefined)
      throw new PackManifestError([{ path: where, message: `${clean} is not in the pack.` }]);
    return { clean, content };
  };
  const issues: ValidationIssue[] = [];
  let out: PackManifest;
  if (raw && typeof raw === 'object' && 'apiVersion' in raw) {
    const parsed = nestedShape.safeParse(raw);
    if (!parsed.success) throw new PackManifestError(issuesFromZod(parsed.error.issues));
    const { metadata: m, spec } = parsed.data;
    const fromPath = (
      kind: string,
      list: { name?: string | undefined; description?: string | undefined; path: string }[] | undefined,
    ) =>
      (list ?? []).map((item, index) => {
        const { clean, content } = file(item.path, ['spec', kind, index, 'path']);
        return { name: item.name ?? baseName(clean), description: item.description, path: clean, content };
      });
    out = {
      shape: 'nested',
      name: m.name,
      version: m.version,
      displayName: m.display_name,
      description: m.description ?? '',
      tags: m.tags ?? [],
      author: m.author,
      license: m.license,
      repository: m.repository,
      agents: (spec.agents ?? []).map((agent, index) => {
        const { clean, content } = file(agent.instructions, ['spec', 'agents', index, 'instructions']);
        return {
          name: agent.name,
          description: agent.description,
          path: clean,
          content,
          model: agent.config?.model,
        };
      }),
      instructions: fromPath('instructions', spec.instructions),
      prompts: fromPath('prompts', spec.prompts),
      commands: fromPath('commands', spec.commands),
      skills: (spec.skills ?? []).map((skill, index) => {
        const clean = packPath(skill.path, ['spec', 'skills', index, 'path']);
        const folder = clean.replace(/\/?SKILL\.md$/i, '');
        if (read(folder ? `${folder}/SKILL.md` : 'SKILL.md') === undefined) {
          throw new PackManifestError([
            { path: ['spec', 'skills', index, 'path'], message: `${clean} has no SKILL.md.` },
          ]);
        }
        return { name: skill.name ?? baseName(folder || 'skill'), path: folder };
      }),
      mcpServers: (spec.mcp_servers ?? []).map((server, index) => {
        const { clean, content } = file(server.path, ['spec', 'mcp_servers', index, 'path']);
        let doc: Record<string, unknown>;
        try {
          doc = (parseYaml(content) ?? {}) as Record<string, unknown>;
        } catch {
          throw new PackManifestError([
            { path: ['spec', 'mcp_servers', index, 'path'], message: `${clean} is not valid YAML.` },
          ]);
        }
        const args = Array.isArray(doc.args)
          ? doc.args.filter((a): a is string => typeof a === 'string')
          : [];
        if (typeof doc.command !== 'string' && typeof doc.url !== 'string') {
          throw new PackManifestError([
            { path: ['spec', 'mcp_servers', index], message: `${clean} needs command or url.` },
          ]);
        }
        return {
          name: typeof doc.name === 'string' ? doc.name : (server.name ?? baseName(clean)),
          path: clean,
          command: typeof doc.command === 'string' ? doc.command : undefined,
          url: typeof doc.url === 'string' ? doc.url : undefined,
          args,
          env: doc.env && typeof doc.env === 'object' ? (doc.env as Record<string, string>) : undefined,
        };
      }),
      dependencies: {},
      warnings: [],
    };
  } else {
    const parsed = flatShape.safeParse(raw);
    if (!parsed.success) throw new PackManifestError(issuesFromZod(parsed.error.issues));
    const p = parsed.data;
    out = {
      shape: 'flat',
      name: p.name,
      version: p.version,
      displayName: p.display_name,
      description: p.description ?? '',
      tags: p.tags ?? [],
      author: p.author,
      license: p.license,
      repository: p.repository,
      agents: (p.agents ?? []).map((a) => ({
        name: a.name,
        description: a.description,
        content: a.system_prompt ?? '',
        model: a.model,
      })),
      instructions: (p.instructions ?? []).map((i) => ({
        name: i.name,
        description: i.description,
        content: i.content,
      })),
      prompts: (p.prompts ?? []).map((i) => ({
        name: i.name,
        description: i.description,
        content: i.template,
      })),
      commands: [],
      skills: [],
      mcpServers: [],
      dependencies: p.dependencies ?? {},
      warnings: [],
    };
  }
  duplicates('agents', out.agents, issues);
  duplicates('instructions', out.instructions, issues);
  duplicates('prompts', out.prompts, issues);
  if (issues.length > 0) throw new PackManifestError(issues);
  const total =
    out.agents.length +
    out.instructions.length +
    out.prompts.length +
    out.commands.length +
    out.skills.length +
    out.mcpServers.length;
  if (total === 0) out.warnings.push('The pack is empty.');
  return out;
}

function markdown(item: PackItem, extra: Record<string, unknown> = {}): string {
  const front: Record<string, unknown> = {
    name: item.name,
    ...(item.description ? { description: item.description } : {}),
    ...extra,
  };
  const lines = Object.entries(front).map(([key, value]) => `${key}: ${JSON.stringify(value)}`);
  const body = item.content.replace(/^---\r?\n[\s\S]*?\r?\n---\r?\n/, '');
  return `---\n${lines.join('\n')}\n---\n\n${body.trimStart()}`;
}

/**
 * The files an Agentry pack holds for these components, keyed by path: `agents/<n>.md`,
 * `instructions/<n>.md`, `prompts/<n>.md`, `commands/<n>.md`, `skills/<n>/…`, `mcp-servers/<n>.json`.
 * `files` are the pack's own files (for copying skill folders).
 */
export function packLayout(manifest: PackManifest, files: Map<string, Buffer>): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const put = (path: string, content: string) => out.set(path, Buffer.from(content));
  for (const agent of manifest.agents)
    put(`agents/${agent.name}.md`, markdown(agent, agent.model ? { model: agent.model } : {}));
  for (const item of manifest.instructions) put(`instructions/${item.name}.md`, markdown(item));
  for (const item of manifest.prompts) put(`prompts/${item.name}.md`, markdown(item));
  for (const item of manifest.commands) put(`commands/${item.name}.md`, markdown(item));
  for (const skill of manifest.skills) {
    const prefix = skill.path ? `${skill.path}/` : '';
    for (const [path, bytes] of files) {
      if (path.startsWith(prefix) && (prefix || !path.includes('/')))
        out.set(`skills/${skill.name}/${path.slice(prefix.length)}`, bytes);
    }
  }
  for (const server of manifest.mcpServers) {
    put(
      `mcp-servers/${server.name}.json`,
      `${JSON.stringify(server.url ? { url: server.url } : { command: server.command, args: server.args, ...(server.env ? { env: server.env } : {}) }, null, 2)}\n`,
    );
  }
  return out;
}
