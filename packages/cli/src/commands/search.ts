/** `search` (Tank's search with kind, tool and tag filters) and `info <name>[@version]`. */
import { CliError } from '../cli-error.js';
import { clean, type Paint, table, verdictColour } from '../format.js';
import type { ArtifactInfo, SearchPage, VersionDetail, VersionSummary } from '../registry.js';
import type { CommandContext } from './context.js';

export interface SearchOptions {
  kind?: string | undefined;
  tool?: string | undefined;
  tags?: string[] | undefined;
  sort?: string | undefined;
  limit?: number | undefined;
  page?: number | undefined;
}

export async function runSearch(
  ctx: CommandContext,
  query: string,
  options: SearchOptions = {},
): Promise<SearchPage & { query: string }> {
  const page = await ctx.registry.search({
    q: query,
    kind: options.kind,
    tool: options.tool,
    tags: options.tags?.join(','),
    sort: options.sort,
    limit: options.limit,
    page: options.page,
  });
  return { query, ...page };
}

export function formatSearch(result: SearchPage & { query: string }, paint: Paint): string {
  if (result.results.length === 0) return `No artifacts match "${clean(result.query)}"`;
  const rows = result.results.map((hit) => [
    paint('bold', clean(hit.name)),
    clean(hit.latestVersion ?? '-'),
    hit.kind,
    verdictColour(paint, hit.verdict),
    String(hit.downloads),
    clean(hit.description).slice(0, 60),
  ]);
  const shown = `${result.results.length} of ${result.total}${result.total > result.results.length ? ` (page ${result.page}; --page for more)` : ''}`;
  return `${table(['NAME', 'VERSION', 'KIND', 'VERDICT', 'DOWNLOADS', 'DESCRIPTION'], rows)}\n\n${shown}`;
}

/** `name`, `name@version`, `@org/name@range`: the name and what follows the last @ after the scope. */
export function splitSpec(spec: string): { name: string; range: string | undefined } {
  const at = spec.indexOf('@', spec.startsWith('@') ? 1 : 0);
  if (at < 0) return { name: spec, range: undefined };
  const range = spec.slice(at + 1);
  return { name: spec.slice(0, at), range: range === '' ? undefined : range };
}

export interface InfoResult {
  artifact: ArtifactInfo;
  version: VersionDetail | null;
  versions: VersionSummary[];
}

export async function runInfo(ctx: CommandContext, spec: string): Promise<InfoResult> {
  const { name, range } = splitSpec(spec);
  const artifact = await ctx.registry.getArtifact(name);
  const { versions } = await ctx.registry.getVersions(name);
  const wanted = range ?? artifact.latestVersion;
  if (range && !versions.some((v) => v.version === range)) {
    throw new CliError(
      'no_matching_version',
      `${name} has no version ${range}`,
      `agentry info ${name} lists its versions`,
    );
  }
  const version = wanted ? await ctx.registry.getVersion(name, wanted) : null;
  return { artifact, version, versions };
}

export function formatInfo(result: InfoResult, paint: Paint): string {
  const a = result.artifact;
  const v = result.version;
  const lines = [
    `${paint('bold', clean(a.name))}${v ? `@${v.version}` : ''}  ${a.kind}  ${a.visibility}`,
    clean(a.description),
    '',
    `publisher   ${clean(a.publisher.name)}`,
    `stars       ${a.stars}    downloads ${a.downloads}`,
  ];
  if (a.keywords.length > 0) lines.push(`keywords    ${a.keywords.map(clean).join(', ')}`);
  if (a.repository) lines.push(`repository  ${clean(a.repository)}`);
  if (v) {
    lines.push(`verdict     ${verdictColour(paint, v.verdict)} (audit score ${v.auditScore ?? '?'}/10)`);
    lines.push(`integrity   ${v.integrity ?? '-'}`);
    lines.push(`files       ${v.fileCount ?? v.files.length} (${v.size ?? '?'} bytes)`);
    const p = v.permissions as {
      network?: { outbound?: string[] };
      filesystem?: { read?: string[]; write?: string[] };
      subprocess?: boolean;
    };
    const perms = [
      ...(p.network?.outbound?.length ? [`network: ${p.network.outbound.join(', ')}`] : []),
      ...(p.filesystem?.read?.length ? [`read: ${p.filesystem.read.join(', ')}`] : []),
      ...(p.filesystem?.write?.length ? [`write: ${p.filesystem.write.join(', ')}`] : []),
      ...(p.subprocess ? ['subprocess'] : []),
    ];
    lines.push(`permissions ${perms.length > 0 ? perms.map(clean).join('; ') : 'none declared'}`);
    const deps = Object.entries(v.dependencies);
    lines.push(
      `depends on  ${deps.length > 0 ? deps.map(([n, r]) => `${clean(n)}@${clean(r)}`).join(', ') : 'nothing'}`,
    );
    if (v.findings.length > 0) {
      lines.push('', 'findings:');
      for (const f of v.findings.slice(0, 20))
        lines.push(
          `  ${f.severity.padEnd(8)} ${f.rule}  ${clean(f.file ?? '')}${f.line ? `:${f.line}` : ''}  ${clean(f.message)}`,
        );
      if (v.findings.length > 20) lines.push(`  … ${v.findings.length - 20} more (--json shows all)`);
    }
  }
  lines.push('', 'versions:');
  lines.push(
    table(
      ['VERSION', 'PUBLISHED', 'VERDICT', ''],
      result.versions
        .slice(0, 15)
        .map((s) => [
          s.version,
          s.publishedAt?.slice(0, 10) ?? '-',
          verdictColour(paint, s.verdict),
          [
            s.yanked ? paint('red', 'yanked') : '',
            s.deprecated ? paint('yellow', `deprecated: ${clean(s.deprecated)}`) : '',
          ]
            .filter(Boolean)
            .join(' '),
        ]),
    ),
  );
  if (result.versions.length > 15) lines.push(`… ${result.versions.length - 15} older versions`);
  return lines.join('\n');
}
