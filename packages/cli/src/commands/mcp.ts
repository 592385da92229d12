/**
 * `agentry mcp`: the CLI as a local MCP server over stdio, so an agent tool (Claude Code, Cursor, Codex,
 * Gemini CLI, …) can search, show, install, remove, verify and scan through the same commands a person
 * runs. Installs use the same pipeline as `agentry install` (verification, policies, lockfile) in the
 * project the agent tool started the server in, or in the user's home only when the server itself was
 * started with `-g`: no tool argument can widen that. Consent: install and remove are annotated as
 * non-read-only and destructive, so agent tools ask the user before each call; a verdict below the
 * project's minimum is asked about again through MCP elicitation when the client supports it, and is
 * otherwise refused unless the call carries `yes: true` (which the user saw when approving the call).
 * This module (and the SDK) is loaded only when `agentry mcp` runs.
 */
import { isAbsolute, relative, resolve } from 'node:path';
import { version } from '@agentry/core';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { RegistryError } from '../api-client.js';
import { CliError } from '../cli-error.js';
import { painter } from '../format.js';
import type { CommandContext } from './context.js';
import { formatInstall, formatRemove, runInstallCommand, runRemoveCommand } from './install.js';
import { formatScan, runScan } from './scan.js';
import { formatInfo, formatSearch, runInfo, runSearch } from './search.js';
import { formatVerify, runVerify } from './verify.js';

export interface McpOptions {
  /** Install into and remove from the user's home (user scope) instead of the project. */
  global?: boolean;
}

const plain = painter(false);

function result(human: string, data: unknown): CallToolResult {
  return {
    content: [
      { type: 'text', text: human },
      { type: 'text', text: `\`\`\`json\n${JSON.stringify(data, null, 2)}\n\`\`\`` },
    ],
  };
}

/** Errors a user would see on the terminal become a tool result the model can read and recover from. */
async function answer(work: () => Promise<CallToolResult>): Promise<CallToolResult> {
  try {
    return await work();
  } catch (error) {
    const coded = error instanceof CliError || error instanceof RegistryError;
    const code = coded ? error.code : 'unexpected';
    const hint = error instanceof CliError ? error.hint : undefined;
    const message = error instanceof Error ? error.message : String(error);
    return {
      isError: true,
      content: [{ type: 'text', text: `${message} [${code}]${hint ? `\nhint: ${hint}` : ''}` }],
    };
  }
}

const nameSpec = z.string().min(1).max(300);

export function createMcpServer(ctx: CommandContext, options: McpOptions = {}): McpServer {
  const server = new McpServer({ name: 'agentry', version }, { capabilities: { tools: {} } });
  const scope = options.global ? 'user scope (home directory)' : `project ${ctx.cwd}`;

  /** Asks the user through the client (MCP elicitation); absent when the client cannot ask. */
  const confirm = async (question: string): Promise<boolean> => {
    const reply = await server.server.elicitInput({
      message: question,
      requestedSchema: {
        type: 'object',
        properties: { install: { type: 'boolean', title: 'Install anyway', default: false } },
        required: ['install'],
      },
    });
    return reply.action === 'accept' && reply.content?.install === true;
  };
  const installContext = (): CommandContext => ({
    ...ctx,
    confirm: server.server.getClientCapabilities()?.elicitation ? confirm : undefined,
    progress: undefined,
  });

  server.registerTool(
    'search',
    {
      title: 'Search the registry',
      description: 'Search artifacts (skills, agents, commands, MCP servers, …) by text, kind and tags.',
      inputSchema: {
        query: z.string().max(200).default('').describe('search text; empty lists the most downloaded'),
        kind: z
          .string()
          .max(40)
          .optional()
          .describe('skill, agent, command, prompt, instruction, hook, mcp, pack…'),
        tags: z.array(z.string().max(60)).max(20).optional().describe('all of these tags'),
        limit: z.number().int().min(1).max(50).default(10),
      },
      annotations: { readOnlyHint: true, openWorldHint: true },
    },
    ({ query, kind, tags, limit }) =>
      answer(async () => {
        const found = await runSearch(ctx, query, { kind, tags, limit });
        return result(formatSearch(found, plain), found);
      }),
  );

  server.registerTool(
    'show',
    {
      title: 'Show an artifact',
      description:
        'Metadata, scan verdict and findings, permissions, dependencies and versions of name or name@version.',
      inputSchema: { name: nameSpec.describe('my-skill, @org/my-skill or @org/my-skill@1.2.0') },
      annotations: { readOnlyHint: true, openWorldHint: true },
    },
    ({ name }) =>
      answer(async () => {
        const info = await runInfo(ctx, name);
        return result(formatInfo(info, plain), info);
      }),
  );

  server.registerTool(
    'versions',
    {
      title: 'List versions',
      description: 'Published versions of an artifact, newest first, with verdict, yanked and deprecated.',
      inputSchema: { name: nameSpec },
      annotations: { readOnlyHint: true, openWorldHint: true },
    },
    ({ name }) =>
      answer(async () => {
        const { versions } = await ctx.registry.getVersions(name);
        const lines = versions.map(
          (v) =>
            `${v.version}  ${v.verdict ?? '-'}  score ${v.auditScore ?? '?'}${v.yanked ? '  yanked' : ''}${v.deprecated ? `  deprecated: ${v.deprecated}` : ''}`,
        );
        return result(lines.length > 0 ? lines.join('\n') : `${name} has no published versions`, {
          name,
          versions,
        });
      }),
  );

  server.registerTool(
    'install',
    {
      title: 'Install artifacts',
      description: `Install artifacts into the agent tools of ${scope}, as \`agentry install\` does: SHA-512 verified, scan policies applied, agentry.json and agentry.lock updated. Ask the user first.`,
      inputSchema: {
        names: z.array(nameSpec).min(1).max(50).describe('name, name@version or name@range'),
        tools: z
          .array(z.string().max(40))
          .max(20)
          .optional()
          .describe('agent tools (claude-code, cursor, …); default: detected'),
        yes: z
          .boolean()
          .default(false)
          .describe('accept artifacts whose verdict is below the project minimum (FAIL is never accepted)'),
        dry_run: z.boolean().default(false).describe('resolve, download and verify, but write nothing'),
      },
      annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: true },
    },
    ({ names, tools, yes, dry_run }) =>
      answer(async () => {
        const installed = await runInstallCommand(installContext(), names, {
          global: options.global === true,
          tool: tools,
          yes,
          dryRun: dry_run,
        });
        return result(formatInstall(installed, plain), installed);
      }),
  );

  server.registerTool(
    'remove',
    {
      title: 'Remove artifacts',
      description: `Remove installed artifacts from ${scope}: their files, config entries and lockfile entries. Ask the user first.`,
      inputSchema: { names: z.array(nameSpec).min(1).max(50) },
      annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
    },
    ({ names }) =>
      answer(async () => {
        const removed = runRemoveCommand(ctx, names, { global: options.global === true });
        return result(formatRemove(removed, plain), removed);
      }),
  );

  server.registerTool(
    'verify',
    {
      title: 'Verify installed files',
      description: `Re-hash everything installed in ${scope} against agentry.lock and list every difference.`,
      inputSchema: {},
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    () =>
      answer(async () => {
        const verified = runVerify(ctx, { global: options.global === true });
        return result(formatVerify(verified, plain), verified);
      }),
  );

  server.registerTool(
    'scan',
    {
      title: 'Scan a folder or tarball',
      description:
        'Run the registry security scanner locally on a folder or .tgz inside the project (paths relative to it): verdict, audit score and findings. Nothing is uploaded.',
      inputSchema: {
        path: z.string().min(1).max(1000).default('.'),
        kind: z.string().max(40).optional().describe('artifact kind; default from the manifest, else skill'),
      },
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    ({ path, kind }) =>
      answer(async () => {
        const target = resolve(ctx.cwd, path);
        // The project's own folders only: an agent has no business packing the whole disk into memory.
        if (relative(ctx.cwd, target).startsWith('..') || isAbsolute(relative(ctx.cwd, target)))
          throw new CliError(
            'usage',
            `${path} is outside the project (${ctx.cwd})`,
            'scan a folder or .tgz inside it',
          );
        const scanned = await runScan(target, { failOn: 'none', ...(kind ? { kind } : {}) });
        return result(formatScan(scanned, false), scanned);
      }),
  );

  return server;
}

/** Serves MCP on stdin/stdout until the client closes stdin. Nothing else may write to stdout. */
export async function runMcp(ctx: CommandContext, options: McpOptions = {}): Promise<void> {
  const server = createMcpServer(ctx, options);
  const transport = new StdioServerTransport();
  const closed = new Promise<void>((done) => {
    server.server.onclose = done;
    process.stdin.once('end', done);
  });
  await server.connect(transport);
  ctx.notify(
    `agentry MCP server ready (${options.global ? 'user scope' : ctx.cwd}, registry ${ctx.settings.registry})`,
  );
  await closed;
  await server.close();
}
