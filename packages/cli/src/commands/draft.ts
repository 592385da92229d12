/**
 * `draft <dir>`: submit a skill folder to the registry's drafts inbox (skill-pool's `POST /v1/drafts`)
 * for a curator to publish or discard. The folder is packed as `publish` packs it (ignore files, no
 * links); the slug is `--slug`, else SKILL.md's `name`, else the folder's name.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { parseFrontmatter } from '@agentry/core';
import { SkillPoolDraft } from '@agentry/core/api';
import { CliError } from '../cli-error.js';
import { clean, type Paint } from '../format.js';
import { listPackEntries, packFiles } from '../pack.js';
import { type CommandContext, requireToken } from './context.js';

export interface DraftOptions {
  slug?: string | undefined;
  note?: string | undefined;
  tags?: string[] | undefined;
}

export interface DraftResult {
  id: string;
  slug: string;
  status: string;
  files: number;
  tarballSize: number;
  merge_proposal_slug?: string;
  merge_proposal_similarity?: number;
}

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

export async function runDraft(
  ctx: CommandContext,
  dir: string,
  options: DraftOptions = {},
): Promise<DraftResult> {
  requireToken(ctx);
  const root = resolve(ctx.cwd, dir);
  if (!existsSync(root) || !statSync(root).isDirectory()) {
    throw new CliError('usage', `${dir} is not a folder`, 'agentry draft <dir>');
  }
  const skillPath = join(root, 'SKILL.md');
  if (!existsSync(skillPath)) {
    throw new CliError('no_manifest', `${dir} has no SKILL.md`, 'agentry init skill creates one');
  }
  const front = parseFrontmatter(readFileSync(skillPath, 'utf8')).data;
  const slug = options.slug ?? (typeof front.name === 'string' && front.name ? front.name : basename(root));
  const tags = [...new Set([...stringList(front.tags), ...(options.tags ?? [])])];
  const { files, links } = listPackEntries(root);
  if (links.length > 0) {
    throw new CliError(
      'unsafe_archive',
      `${dir} contains links (${links.join(', ')})`,
      'replace links with files',
    );
  }
  const bundle = await packFiles(root, files);
  const metadata = {
    slug,
    origin: 'cli',
    tags,
    ...(options.note ? { notes: options.note } : {}),
    ...(typeof front.when_to_use === 'string' ? { when_to_use: front.when_to_use } : {}),
  };
  const form = new FormData();
  form.append('metadata', JSON.stringify(metadata));
  form.append('bundle', new Blob([new Uint8Array(bundle)], { type: 'application/gzip' }), `${slug}.tar.gz`);
  const draft = await ctx.client.request('/v1/drafts', SkillPoolDraft, {
    method: 'POST',
    body: form,
  });
  return { ...draft, files: files.length, tarballSize: bundle.length };
}

export function formatDraft(result: DraftResult, paint: Paint): string {
  const lines = [
    `${paint('green', '✓')} submitted ${paint('bold', clean(result.slug))} to the drafts inbox (${result.files} files, ${result.tarballSize} bytes)`,
    `  draft ${result.id}, ${result.status}: a curator publishes or discards it`,
  ];
  if (result.merge_proposal_slug) {
    lines.push(
      `  looks like an update to ${paint('bold', clean(result.merge_proposal_slug))} (similarity ${result.merge_proposal_similarity?.toFixed(2)})`,
    );
  }
  return lines.join('\n');
}
