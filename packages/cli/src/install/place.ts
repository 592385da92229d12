/**
 * Puts an artifact's components where each selected tool reads them, and takes them away again.
 * Work is planned first — every conflict, every unreadable config and every rendering problem is
 * found before the first byte is written (`placement-plan.ts`) — then applied (`apply-plan.ts`):
 * folders are staged beside their destination and renamed into place, files are written atomically,
 * shared configs are edited surgically. The content a shared file had before Agentry first touched it
 * is kept in the state, so removing the last artifact that edited it gives back exactly those bytes.
 */
import {
  addJsonListEntries,
  type Component,
  computeSha256,
  filesUnder,
  hasJsonEntry,
  hasTomlTable,
  InstallError,
  installTargets,
  listComponents,
  type Placement,
  parseArtifactName,
  placementFor,
  renderBlockBody,
  renderFile,
  renderHooks,
  renderMcpEntry,
  setJsonEntry,
  setMarkdownBlock,
  setTomlTable,
  type ToolId,
} from '@agentry/core';
import { CliError } from '../cli-error.js';
import {
  type ArtifactPayload,
  configSeeds,
  type PlacementPlan,
  planFile,
  relDirs,
  rethrowConfig,
} from './placement-plan.js';
import type { PlacedItem } from './project.js';

export { applyPlan, createdDirsOf, finishPlan, pathsOf, planRemoval } from './apply-plan.js';
export { type ArtifactPayload, PlacementPlan } from './placement-plan.js';

/** One artifact being placed for one tool: the items planned so far are shared by every tool. */
interface Placing {
  plan: PlacementPlan;
  payload: ArtifactPayload;
  tool: ToolId;
  items: PlacedItem[];
  force: boolean;
}

type PlacementOf<T extends Placement['type']> = Extract<Placement, { type: T }>;

function componentsOf(payload: ArtifactPayload): Component[] {
  const bare = parseArtifactName(payload.name)?.bare ?? payload.name;
  try {
    return listComponents(payload.files, payload.kind, bare);
  } catch (error) {
    if (error instanceof InstallError)
      throw new CliError(
        'invalid_artifact',
        `${payload.name}@${payload.version}: ${error.message}`,
        error.hint,
      );
    throw error;
  }
}

function blockId(payload: ArtifactPayload, component: Component): string {
  const bare = parseArtifactName(payload.name)?.bare ?? payload.name;
  return component.name === bare ? payload.name : `${payload.name}:${component.name}`;
}

function textOf(payload: ArtifactPayload, path: string): string {
  return payload.files.get(path)?.toString('utf8') ?? '';
}

/** An item this artifact already plans at a path, so tools sharing it share one item. */
function find(
  at: Placing,
  type: PlacedItem['type'],
  path: string,
  extra: (item: PlacedItem) => boolean = () => true,
): PlacedItem | undefined {
  return at.items.find((item) => item.type === type && item.path === path && extra(item));
}

/** Adds the tool to an item already planned; false when there is none. */
function share(at: Placing, item: PlacedItem | undefined): boolean {
  if (!item) return false;
  if (!item.tools.includes(at.tool)) item.tools.push(at.tool);
  return true;
}

const kindLabel = {
  skill: 'skills',
  agent: 'subagents',
  command: 'commands',
  instruction: 'rules',
  hook: 'hooks',
  mcp: 'MCP servers',
};

/**
 * Plans the placement of one artifact into `tools`. Items that several tools share (one .agents/skills
 * folder for Codex and the shared layout, one AGENTS.md block) are placed once and list every tool.
 */
export function planPlacement(
  plan: PlacementPlan,
  payload: ArtifactPayload,
  tools: ToolId[],
  options: { force?: boolean } = {},
): PlacedItem[] {
  const items: PlacedItem[] = [];
  const force = options.force === true;
  for (const component of componentsOf(payload)) {
    const placed = new Set<ToolId>();
    for (const tool of tools) {
      const placement = placementFor(tool, component.kind, plan.paths.scope, component.name);
      if (!placement) continue;
      placed.add(tool);
      placeOne({ plan, payload, tool, items, force }, component, placement);
    }
    const missing = tools.filter((tool) => !placed.has(tool));
    for (const tool of missing) {
      plan.warnings.push(
        `${installTargets[tool].name} does not read ${kindLabel[component.kind]} at ${plan.paths.scope} scope: ${payload.name} (${component.kind} ${component.name}) was not placed for it`,
      );
    }
  }
  return items;
}

function placeOne(at: Placing, component: Component, placement: Placement): void {
  switch (placement.type) {
    case 'dir':
      placeDir(at, component, placement.path);
      break;
    case 'file':
      placeFile(at, component, placement);
      break;
    case 'block':
      placeBlock(at, component, placement);
      break;
    case 'mcp':
      placeMcp(at, component, placement);
      break;
    case 'hooks':
      placeHooks(at, component, placement);
      break;
  }
}

/** A skill's or hook's folder, copied whole (executable bits kept). */
function placeDir(at: Placing, component: Component, path: string): void {
  const { plan, payload } = at;
  if (share(at, find(at, 'dir', path))) return;
  if (component.kind !== 'skill' && component.kind !== 'hook') return;
  plan.claim(path, payload.name, at.force);
  const entries = new Map<string, { bytes: Buffer; mode: number }>();
  const hashes: Record<string, string> = {};
  for (const [rel, bytes] of filesUnder(payload.files, component.root)) {
    const mode = payload.modes.get(component.root ? `${component.root}/${rel}` : rel) ?? 0o644;
    entries.set(rel, { bytes, mode: mode & 0o111 ? 0o755 : 0o644 });
    hashes[rel] = computeSha256(bytes);
  }
  plan.operations.push({ type: 'dir', path, files: entries });
  at.items.push({
    type: 'dir',
    tools: [at.tool],
    path,
    root: component.root,
    files: hashes,
    createdDirs: relDirs(plan, path),
  });
}

function placeFile(at: Placing, component: Component, placement: PlacementOf<'file'>): void {
  if (share(at, find(at, 'file', placement.path))) return;
  if (!('source' in component)) return;
  const content = renderFile(placement.format, textOf(at.payload, component.source), component.name);
  at.items.push(planFile(at.plan, at.payload.name, at.tool, placement.path, content, at.force));
}

/** A marked block in a shared Markdown file (AGENTS.md, GEMINI.md). */
function placeBlock(at: Placing, component: Component, placement: PlacementOf<'block'>): void {
  const { plan } = at;
  const id = blockId(at.payload, component);
  if (share(at, find(at, 'block', placement.path))) return;
  if (!('source' in component)) return;
  const body = renderBlockBody(textOf(at.payload, component.source));
  const createdDirs = relDirs(plan, placement.path);
  plan.setConfig(placement.path, setMarkdownBlock(plan.configText(placement.path), id, body));
  at.items.push({
    type: 'block',
    tools: [at.tool],
    path: placement.path,
    id,
    sha256: computeSha256(Buffer.from(body)),
    createdDirs,
  });
}

/** An MCP server entry in a shared JSON or TOML config; an entry of the same name the user made is kept. */
function placeMcp(at: Placing, component: Component, placement: PlacementOf<'mcp'>): void {
  const { plan, payload } = at;
  if (component.kind !== 'mcp') return;
  const value = renderMcpEntry(placement.dialect, withServerDir(at, component));
  const same = find(
    at,
    'entry',
    placement.path,
    (item) =>
      item.type === 'entry' && item.key.join('.') === placement.key.join('.') && item.name === component.name,
  );
  if (share(at, same)) return;
  const current = plan.configText(placement.path);
  const mine = plan.state.artifacts[payload.name]?.placements.some(
    (item) => item.type === 'entry' && item.path === placement.path && item.name === component.name,
  );
  const exists = rethrowConfig(() =>
    placement.format === 'json'
      ? hasJsonEntry(current, placement.path, placement.key, component.name)
      : hasTomlTable(current, placement.path, placement.key, component.name),
  );
  if (exists && !mine && !at.force) {
    throw new CliError(
      'install_conflict',
      `${placement.path} already has an MCP server named ${component.name}`,
      'rename or remove that entry, or pass --force to replace it',
    );
  }
  const createdDirs = relDirs(plan, placement.path);
  const next = rethrowConfig(() =>
    placement.format === 'json'
      ? setJsonEntry(
          current,
          placement.path,
          placement.key,
          component.name,
          value,
          configSeeds[placement.path],
        )
      : setTomlTable(current, placement.path, placement.key, component.name, value),
  );
  plan.setConfig(placement.path, next);
  at.items.push({
    type: 'entry',
    tools: [at.tool],
    path: placement.path,
    format: placement.format,
    key: placement.key,
    name: component.name,
    value,
    createdDirs,
  });
}

/** A hook's files (once for every tool), then its events in the tool's own hooks file or shared config. */
function placeHooks(at: Placing, component: Component, placement: PlacementOf<'hooks'>): void {
  const { plan, payload } = at;
  if (component.kind !== 'hook') return;
  if (!find(at, 'dir', placement.filesPath)) placeDir(at, component, placement.filesPath);
  else share(at, find(at, 'dir', placement.filesPath));
  const hookDir = plan.paths.scope === 'user' ? plan.abs(placement.filesPath) : placement.filesPath;
  const rendered = renderHooks(placement.dialect, component.definitions, hookDir);
  for (const event of rendered.skipped) {
    plan.warnings.push(
      `${installTargets[at.tool].name} has no ${event} hook event: that part of ${payload.name} is not installed for it`,
    );
  }
  if (Object.keys(rendered.events).length === 0) return;
  if (placement.ownFile) {
    if (share(at, find(at, 'file', placement.path))) return;
    const content = `${JSON.stringify({ version: 1, hooks: rendered.events }, null, 2)}\n`;
    at.items.push(planFile(plan, payload.name, at.tool, placement.path, content, at.force));
    return;
  }
  if (share(at, find(at, 'list-entries', placement.path))) return;
  const createdDirs = relDirs(plan, placement.path);
  const next = rethrowConfig(() =>
    addJsonListEntries(
      plan.configText(placement.path),
      placement.path,
      placement.key,
      rendered.events,
      configSeeds[placement.path],
    ),
  );
  plan.setConfig(placement.path, next);
  at.items.push({
    type: 'list-entries',
    tools: [at.tool],
    path: placement.path,
    key: placement.key,
    events: rendered.events,
    createdDirs,
  });
}

const mcpMetaFiles = new Set([
  'mcp.json',
  'tank.json',
  'skills.json',
  'README.md',
  'LICENSE',
  'CHANGELOG.md',
]);

/**
 * An MCP artifact that ships its own server code gets its files copied to `.agentry/mcp/<name>`
 * (once for every tool), and `${AGENTRY_MCP_DIR}` in its command, args and env points there.
 */
function withServerDir(at: Placing, component: Extract<Component, { kind: 'mcp' }>) {
  const { plan, payload } = at;
  const own = payload.kind === 'mcp' && [...payload.files.keys()].some((path) => !mcpMetaFiles.has(path));
  if (!own) return component.server;
  const dir = `.agentry/mcp/${component.name}`;
  const existing = find(at, 'dir', dir);
  if (existing) share(at, existing);
  else placeDir(at, { kind: 'skill', name: component.name, root: '' }, dir);
  const where = plan.paths.scope === 'user' ? plan.abs(dir) : dir;
  const expand = (text: string) =>
    text.replaceAll('${AGENTRY_MCP_DIR}', where).replaceAll('$AGENTRY_MCP_DIR', where);
  const server = component.server;
  return {
    ...server,
    ...(server.command ? { command: expand(server.command) } : {}),
    ...(server.args ? { args: server.args.map(expand) } : {}),
    ...(server.env
      ? { env: Object.fromEntries(Object.entries(server.env).map(([k, v]) => [k, expand(v)])) }
      : {}),
  };
}
