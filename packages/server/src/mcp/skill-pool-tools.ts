/**
 * The tools of the registry's MCP endpoint (`POST /v1/mcp`), over the skill-pool catalog
 * (domain/skill-pool-catalog.ts): the four skill-pool documents (search_skills, get_skill, install_skill;
 * its get_project_plan is not served) and three more an agent needs before installing anything:
 * list_versions, get_scan_report, get_install_instructions. Every read goes through the catalog's
 * visibility and tenancy rules. Argument problems are JSON-RPC −32602, "not found" a tool result with
 * `isError: true` (so the model can recover), anything else −32603. No usage events, as skill-pool.
 */
import { createHash } from 'node:crypto';
import {
  AgentryError,
  type ComponentKind,
  describePlacement,
  installTargets,
  isSkillPoolKind,
  placementFor,
  type SkillPoolKind,
  skillPoolKinds,
  toolIds,
} from '@agentry/core';
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import type { AppDeps } from '../app-deps.js';
import type { Viewer } from '../domain/access.js';
import { listFindings, listVisibleVersions } from '../domain/catalog.js';
import { listSkills, readBundle, requireSkill, skillMdOf } from '../domain/skill-pool-catalog.js';

/** install_skill's cap on the bundle it returns inline (base64 grows it by a third). */
export const maxInlineBundleBytes = 1024 * 1024;

export interface ToolCall {
  deps: AppDeps;
  tenant: { id: string; slug: string };
  viewer: Viewer;
  /** The registry's own address, for install instructions. */
  origin: string;
}

type Content = { type: 'text'; text: string };
export interface ToolResult {
  content: Content[];
  isError: boolean;
  [key: string]: unknown;
}

const kindSchema = { type: 'string', enum: [...skillPoolKinds], default: 'skill' };
const slugSchema = {
  type: 'string',
  description: 'the skill-pool slug (`name`, or `org__name` for `@org/name`)',
};

export const toolDefinitions = [
  {
    name: 'search_skills',
    description:
      'Search the team catalog. Keyword search over slug and description, or semantic search by meaning. Returns a summary and a JSON list.',
    inputSchema: {
      type: 'object',
      properties: {
        query: { type: 'string', description: 'keyword (substring of slug or description)' },
        tags: { type: 'array', items: { type: 'string' }, description: 'all of these tags' },
        semantic: { type: 'string', description: 'natural-language search; takes precedence over query' },
        limit: { type: 'integer', minimum: 1, maximum: 50, default: 10 },
        kind: kindSchema,
      },
      additionalProperties: false,
    },
    annotations: { readOnlyHint: true },
  },
  {
    name: 'get_skill',
    description: 'The full SKILL.md of the latest version of a skill.',
    inputSchema: {
      type: 'object',
      properties: { slug: slugSchema, kind: kindSchema },
      required: ['slug'],
      additionalProperties: false,
    },
    annotations: { readOnlyHint: true },
  },
  {
    name: 'install_skill',
    description: `The bundle (gzipped tar, base64) of the latest version, with its SHA-256; bundles over ${maxInlineBundleBytes} bytes are refused (download them over the REST API).`,
    inputSchema: {
      type: 'object',
      properties: { slug: slugSchema, kind: kindSchema },
      required: ['slug'],
      additionalProperties: false,
    },
    annotations: { readOnlyHint: true },
  },
  {
    name: 'list_versions',
    description: 'Published versions of a skill, newest first, with scan verdict, yanked and deprecated.',
    inputSchema: {
      type: 'object',
      properties: { slug: slugSchema, kind: kindSchema },
      required: ['slug'],
      additionalProperties: false,
    },
    annotations: { readOnlyHint: true },
  },
  {
    name: 'get_scan_report',
    description: 'Security scan of a version (default: latest): verdict, audit score, stages and findings.',
    inputSchema: {
      type: 'object',
      properties: { slug: slugSchema, kind: kindSchema, version: { type: 'string' } },
      required: ['slug'],
      additionalProperties: false,
    },
    annotations: { readOnlyHint: true },
  },
  {
    name: 'get_install_instructions',
    description: `How to install a skill for an agent tool (${toolIds.join(', ')}): the command and where the files go.`,
    inputSchema: {
      type: 'object',
      properties: {
        slug: slugSchema,
        kind: kindSchema,
        tool: { type: 'string', enum: [...toolIds], description: 'default: every tool' },
      },
      required: ['slug'],
      additionalProperties: false,
    },
    annotations: { readOnlyHint: true },
  },
] as const;

function invalid(message: string): McpError {
  return new McpError(ErrorCode.InvalidParams, `invalid arguments: ${message}`);
}

function optionalString(args: Record<string, unknown>, key: string): string | undefined {
  const value = args[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw invalid(`${key} must be a string`);
  return value;
}

function requiredSlug(args: Record<string, unknown>): string {
  const slug = optionalString(args, 'slug');
  if (!slug) throw invalid('missing field `slug`');
  return slug.slice(0, 300);
}

function kindOf(args: Record<string, unknown>): SkillPoolKind {
  const kind = optionalString(args, 'kind') ?? 'skill';
  if (!isSkillPoolKind(kind)) throw invalid(`kind must be one of ${skillPoolKinds.join(', ')}`);
  return kind;
}

const text = (value: string): Content => ({ type: 'text', text: value });
const jsonBlock = (value: unknown): Content => text(`\`\`\`json\n${JSON.stringify(value, null, 2)}\n\`\`\``);
const ok = (...content: Content[]): ToolResult => ({ content, isError: false });

/** Finds (slug, kind) for the viewer; a missing or hidden one is the documented `isError` result. */
async function findOrExplain(call: ToolCall, slug: string, kind: SkillPoolKind) {
  try {
    return await requireSkill(call.deps.db, call.tenant.id, slug, kind, call.viewer);
  } catch (error) {
    if (error instanceof AgentryError && error.status === 404) {
      return {
        content: [text(`no published ${kind} \`${slug}\` in tenant \`${call.tenant.slug}\``)],
        isError: true,
      } satisfies ToolResult;
    }
    throw error;
  }
}

async function searchSkills(call: ToolCall, args: Record<string, unknown>): Promise<ToolResult> {
  const kind = kindOf(args);
  const tags = args.tags ?? [];
  if (!Array.isArray(tags) || tags.some((tag) => typeof tag !== 'string'))
    throw invalid('tags must be an array of strings');
  const limit = args.limit ?? 10;
  if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > 50)
    throw invalid('limit must be an integer from 1 to 50');
  let skills: Awaited<ReturnType<typeof listSkills>>;
  try {
    skills = await listSkills(
      call.deps.db,
      { embedder: call.deps.embedder, vector: call.deps.vector },
      {
        tenantId: call.tenant.id,
        viewer: call.viewer,
        kind,
        query: optionalString(args, 'query'),
        tags: tags as string[],
        limit,
        semantic: optionalString(args, 'semantic'),
        minSimilarity: 0,
      },
    );
  } catch (error) {
    if (error instanceof AgentryError && error.code === 'bad_request') throw invalid(error.message);
    throw error;
  }
  const lines = skills.map((s) => {
    const match = s.similarity === undefined ? '' : ` (${Math.round(s.similarity * 100)}% match)`;
    return [
      `- ${s.slug}${match} — v${s.version}`,
      `  ${s.description}`,
      ...(s.when_to_use ? [`  when: ${s.when_to_use}`] : []),
      ...(s.tags.length > 0 ? [`  tags: ${s.tags.join(', ')}`] : []),
    ].join('\n');
  });
  const summary =
    skills.length === 0
      ? 'No matching skills.'
      : `${skills.length} matching ${kind}(s):\n${lines.join('\n')}`;
  return ok(
    text(summary),
    jsonBlock(
      skills.map((s) => ({
        slug: s.slug,
        version: s.version,
        description: s.description,
        tags: s.tags,
        ...(s.when_to_use ? { when_to_use: s.when_to_use } : {}),
        ...(s.similarity === undefined ? {} : { similarity: s.similarity }),
        created_at: s.created_at,
      })),
    ),
  );
}

async function getSkill(call: ToolCall, args: Record<string, unknown>): Promise<ToolResult> {
  const slug = requiredSlug(args);
  const found = await findOrExplain(call, slug, kindOf(args));
  if ('isError' in found) return found;
  const skillMd = skillMdOf(
    await readBundle(call.deps.blobs, found.version, call.deps.config.maxUploadBytes),
  );
  if (skillMd === undefined) return { content: [text(`\`${slug}\` has no SKILL.md`)], isError: true };
  return ok(text(skillMd));
}

async function installSkill(call: ToolCall, args: Record<string, unknown>): Promise<ToolResult> {
  const slug = requiredSlug(args);
  const kind = kindOf(args);
  const found = await findOrExplain(call, slug, kind);
  if ('isError' in found) return found;
  if ((found.version.size_bytes ?? 0) > maxInlineBundleBytes)
    throw invalid(`bundle is ${found.version.size_bytes} bytes; the limit here is ${maxInlineBundleBytes}`);
  const bundle = await readBundle(call.deps.blobs, found.version, maxInlineBundleBytes);
  const sha256 = createHash('sha256').update(bundle).digest('hex');
  return ok(
    text(
      `${found.skill.slug}@${found.skill.version} (${kind}): ${bundle.length} bytes, sha256 ${sha256}. ` +
        'Decode bundle_base64 and extract the gzipped tar into the folder your agent tool reads.',
    ),
    jsonBlock({
      slug: found.skill.slug,
      version: found.skill.version,
      kind,
      sha256,
      size_bytes: bundle.length,
      bundle_base64: bundle.toString('base64'),
    }),
  );
}

async function listVersions(call: ToolCall, args: Record<string, unknown>): Promise<ToolResult> {
  const slug = requiredSlug(args);
  const found = await findOrExplain(call, slug, kindOf(args));
  if ('isError' in found) return found;
  const versions = (await listVisibleVersions(call.deps.db, found.pkg.id)).map((v) => ({
    version: v.version,
    published_at: v.published_at?.toISOString() ?? null,
    verdict: v.verdict,
    audit_score: v.audit_score,
    yanked: v.status === 'yanked',
    deprecated: v.deprecated_message,
  }));
  const lines = versions.map(
    (v) =>
      `- ${v.version}  ${v.verdict ?? 'unscanned'} (score ${v.audit_score ?? '?'})${v.yanked ? '  yanked' : ''}${v.deprecated ? `  deprecated: ${v.deprecated}` : ''}`,
  );
  return ok(
    text(`${versions.length} version(s) of ${found.skill.slug}:\n${lines.join('\n')}`),
    jsonBlock(versions),
  );
}

async function getScanReport(call: ToolCall, args: Record<string, unknown>): Promise<ToolResult> {
  const slug = requiredSlug(args);
  const wanted = optionalString(args, 'version');
  const found = await findOrExplain(call, slug, kindOf(args));
  if ('isError' in found) return found;
  const version = wanted
    ? (await listVisibleVersions(call.deps.db, found.pkg.id)).find((v) => v.version === wanted)
    : found.version;
  if (!version) return { content: [text(`${found.skill.slug} has no version ${wanted}`)], isError: true };
  const findings = await listFindings(call.deps.db, version.id);
  const counts: Record<string, number> = {};
  for (const f of findings) counts[f.severity] = (counts[f.severity] ?? 0) + 1;
  const summary = [
    `${found.skill.slug}@${version.version}: verdict ${version.verdict ?? 'not scanned'}, audit score ${version.audit_score ?? '?'}/10`,
    findings.length === 0
      ? 'No findings.'
      : `${findings.length} finding(s): ${Object.entries(counts)
          .map(([s, n]) => `${n} ${s}`)
          .join(', ')}`,
    ...findings
      .slice(0, 20)
      .map(
        (f) =>
          `- ${f.severity} ${f.rule}${f.file ? ` ${f.file}${f.line ? `:${f.line}` : ''}` : ''}: ${f.message}`,
      ),
  ];
  return ok(
    text(summary.join('\n')),
    jsonBlock({
      slug: found.skill.slug,
      version: version.version,
      verdict: version.verdict,
      audit_score: version.audit_score,
      scan_status: version.scan_status,
      stages: version.scan_stages,
      findings,
    }),
  );
}

async function getInstallInstructions(call: ToolCall, args: Record<string, unknown>): Promise<ToolResult> {
  const slug = requiredSlug(args);
  const kind = kindOf(args);
  const tool = optionalString(args, 'tool');
  if (tool !== undefined && !(toolIds as readonly string[]).includes(tool))
    throw invalid(`tool must be one of ${toolIds.join(', ')}`);
  const found = await findOrExplain(call, slug, kind);
  if ('isError' in found) return found;
  const name = found.pkg.name;
  const bare = name.replace(/^@[^/]+\//, '');
  const registry = call.origin;
  const tools = (tool ? [tool] : [...toolIds]) as (typeof toolIds)[number][];
  const entries = tools.map((id) => {
    const project = placementFor(id, kind as ComponentKind, 'project', bare);
    const user = placementFor(id, kind as ComponentKind, 'user', bare);
    return {
      tool: id,
      tool_name: installTargets[id].name,
      command: `agentry install ${name} --tool ${id} --registry ${registry}`,
      project_path: project ? describePlacement(project).replaceAll('`', '') : null,
      user_path: user ? describePlacement(user).replaceAll('`', '') : null,
    };
  });
  const lines = entries.map(
    (e) =>
      `- ${e.tool_name}: \`${e.command}\`${e.project_path ? ` → ${e.project_path}` : ' (this tool has no project-level place for this kind)'}${e.user_path ? `; with -g → ~/${e.user_path}` : ''}`,
  );
  const header = [
    `Install ${name}@${found.skill.version} (${kind}) with the agentry CLI (this registry's repository, packages/cli):`,
    ...lines,
    ...(kind === 'skill' && found.pkg.visibility === 'public' && found.pkg.scope === null
      ? [`Or with the skills CLI (Agent Skills discovery): \`npx skills add ${registry} --skill ${name}\``]
      : []),
  ];
  return ok(
    text(header.join('\n')),
    jsonBlock({ slug: found.skill.slug, name, version: found.skill.version, kind, tools: entries }),
  );
}

const handlers: Record<string, (call: ToolCall, args: Record<string, unknown>) => Promise<ToolResult>> = {
  search_skills: searchSkills,
  get_skill: getSkill,
  install_skill: installSkill,
  list_versions: listVersions,
  get_scan_report: getScanReport,
  get_install_instructions: getInstallInstructions,
};

/** Runs a tool; unknown names are −32601 as skill-pool answers, other failures −32603 with no detail. */
export async function callTool(
  call: ToolCall,
  name: string,
  args: Record<string, unknown>,
): Promise<ToolResult> {
  const handler = handlers[name];
  if (!handler) throw new McpError(ErrorCode.MethodNotFound, `unknown tool: ${name}`);
  try {
    return await handler(call, args);
  } catch (error) {
    if (error instanceof McpError) throw error;
    call.deps.logger.error({ err: error, tool: name }, 'mcp tool failed');
    throw new McpError(ErrorCode.InternalError, 'internal error');
  }
}
