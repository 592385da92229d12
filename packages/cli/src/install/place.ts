/**
 * Puts an artifact's components where each selected tool reads them, and takes them away again.
 * Work is planned first — every conflict, every unreadable config and every rendering problem is
 * found before the first byte is written — then applied: folders are staged beside their destination
 * and renamed into place, files are written atomically, shared configs are edited surgically. The
 * content a shared file had before Agentry first touched it is kept in the state, so removing the
 * last artifact that edited it gives back exactly those bytes.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, renameSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve, sep } from 'node:path';
import {
  type ArtifactKind,
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
  removeJsonEntry,
  removeJsonListEntries,
  removeMarkdownBlock,
  removeTomlTable,
  renderBlockBody,
  renderFile,
  renderHooks,
  renderMcpEntry,
  sameJson,
  sameToml,
  setJsonEntry,
  setMarkdownBlock,
  setTomlTable,
  type ToolId,
} from '@agentry/core';
import { CliError } from '../cli-error.js';
import { missingAncestors, readTextIfExists, writeFileAtomic } from './fs-util.js';
import type { InstallState, PlacedItem, ProjectPaths } from './project.js';

export interface ArtifactPayload {
  name: string;
  version: string;
  kind: ArtifactKind;
  integrity: string;
  /** Archive files by path, and their modes (hook scripts keep their executable bit). */
  files: Map<string, Buffer>;
  modes: Map<string, number>;
}

type Operation =
  | { type: 'dir'; path: string; files: Map<string, { bytes: Buffer; mode: number }> }
  | { type: 'file'; path: string; content: string }
  | { type: 'remove'; path: string };

/** Seeds for config files Agentry creates, so a new file looks like one the tool would write. */
const configSeeds: Record<string, Record<string, unknown>> = {
  'opencode.json': { $schema: 'https://opencode.ai/config.json' },
  '.config/opencode/opencode.json': { $schema: 'https://opencode.ai/config.json' },
  '.cursor/hooks.json': { version: 1 },
};

/**
 * A plan over one project: operations in order, and the planned text of every shared config file it
 * touches (undefined: the file is to be absent).
 */
export class PlacementPlan {
  readonly operations: Operation[] = [];
  readonly configs = new Map<string, string | undefined>();
  readonly warnings: string[] = [];
  /** Paths (relative to base) that the plan frees, so a later placement may reuse them. */
  private readonly freed = new Set<string>();
  /** Paths (relative to base) the plan itself places, so two artifacts cannot claim one path. */
  private readonly claimed = new Map<string, string>();

  constructor(
    readonly paths: ProjectPaths,
    readonly state: InstallState,
  ) {}

  /** The absolute path; a path that would leave the base (a tampered state file) is refused. */
  abs(path: string): string {
    const full = resolve(this.paths.base, path);
    if (
      isAbsolute(path) ||
      (full !== this.paths.base && !full.startsWith(`${resolve(this.paths.base)}${sep}`))
    ) {
      throw new CliError(
        'invalid_lockfile',
        `refusing to touch ${path}: it is outside ${this.paths.base}`,
        'delete .agentry/state.json and run agentry install',
      );
    }
    return full;
  }

  configText(path: string): string | undefined {
    if (this.configs.has(path)) return this.configs.get(path);
    return readTextIfExists(this.abs(path));
  }

  setConfig(path: string, text: string | undefined): void {
    if (!(path in this.state.originals))
      this.state.originals[path] = readTextIfExists(this.abs(path)) ?? null;
    this.configs.set(path, text);
  }

  free(path: string): void {
    this.freed.add(path);
  }

  /** Refuses a path another artifact owns, or that exists without belonging to this artifact. */
  claim(path: string, artifact: string, force: boolean): void {
    const other = this.claimed.get(path);
    if (other && other !== artifact) {
      throw new CliError(
        'install_conflict',
        `${artifact} and ${other} both want ${path}`,
        'install one of them, or rename one',
      );
    }
    this.claimed.set(path, artifact);
    const owner = ownerOf(this.state, path);
    if (owner && owner !== artifact && !this.freed.has(path)) {
      throw new CliError(
        'install_conflict',
        `${path} belongs to ${owner}`,
        `run agentry remove ${owner} first`,
      );
    }
    if (!owner && !this.freed.has(path) && existsSync(this.abs(path)) && !force) {
      throw new CliError(
        'install_conflict',
        `${path} already exists and was not installed by agentry`,
        'move it away, or pass --force to replace it',
      );
    }
  }
}

function ownerOf(state: InstallState, path: string): string | undefined {
  for (const [name, installed] of Object.entries(state.artifacts)) {
    if (
      installed.placements.some((item) => (item.type === 'dir' || item.type === 'file') && item.path === path)
    )
      return name;
  }
  return undefined;
}

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

function rethrowConfig<T>(run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (error instanceof InstallError) throw new CliError('config_unreadable', error.message, error.hint);
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

/** Finds an item this artifact already plans at a path, so tools sharing it share one item. */
type FindItem = (
  type: PlacedItem['type'],
  path: string,
  extra?: (item: PlacedItem) => boolean,
) => PlacedItem | undefined;

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
  const find = (type: PlacedItem['type'], path: string, extra: (item: PlacedItem) => boolean = () => true) =>
    items.find((item) => item.type === type && item.path === path && extra(item));
  for (const component of componentsOf(payload)) {
    const placed = new Set<ToolId>();
    for (const tool of tools) {
      const placement = placementFor(tool, component.kind, plan.paths.scope, component.name);
      if (!placement) continue;
      placed.add(tool);
      placeOne(plan, payload, component, tool, placement, items, find, force);
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

function placeOne(
  plan: PlacementPlan,
  payload: ArtifactPayload,
  component: Component,
  tool: ToolId,
  placement: Placement,
  items: PlacedItem[],
  find: FindItem,
  force: boolean,
): void {
  const shared = (item: PlacedItem | undefined) => {
    if (!item) return false;
    if (!item.tools.includes(tool)) item.tools.push(tool);
    return true;
  };
  switch (placement.type) {
    case 'dir': {
      if (shared(find('dir', placement.path))) return;
      if (component.kind !== 'skill' && component.kind !== 'hook') return;
      plan.claim(placement.path, payload.name, force);
      const files = filesUnder(payload.files, component.root);
      const entries = new Map<string, { bytes: Buffer; mode: number }>();
      const hashes: Record<string, string> = {};
      for (const [rel, bytes] of files) {
        const mode = payload.modes.get(component.root ? `${component.root}/${rel}` : rel) ?? 0o644;
        entries.set(rel, { bytes, mode: mode & 0o111 ? 0o755 : 0o644 });
        hashes[rel] = computeSha256(bytes);
      }
      plan.operations.push({ type: 'dir', path: placement.path, files: entries });
      items.push({
        type: 'dir',
        tools: [tool],
        path: placement.path,
        root: component.root,
        files: hashes,
        createdDirs: relDirs(plan, placement.path),
      });
      return;
    }
    case 'file': {
      if (shared(find('file', placement.path))) return;
      if (!('source' in component)) return;
      const content = renderFile(placement.format, textOf(payload, component.source), component.name);
      items.push(planFile(plan, payload.name, tool, placement.path, content, force));
      return;
    }
    case 'block': {
      const id = blockId(payload, component);
      if (shared(find('block', placement.path))) return;
      if (!('source' in component)) return;
      const body = renderBlockBody(textOf(payload, component.source));
      const createdDirs = relDirs(plan, placement.path);
      plan.setConfig(placement.path, setMarkdownBlock(plan.configText(placement.path), id, body));
      items.push({
        type: 'block',
        tools: [tool],
        path: placement.path,
        id,
        sha256: computeSha256(Buffer.from(body)),
        createdDirs,
      });
      return;
    }
    case 'mcp': {
      if (component.kind !== 'mcp') return;
      const value = renderMcpEntry(
        placement.dialect,
        withServerDir(plan, payload, component, tool, items, find, force),
      );
      const same = find(
        'entry',
        placement.path,
        (item) =>
          item.type === 'entry' &&
          item.key.join('.') === placement.key.join('.') &&
          item.name === component.name,
      );
      if (shared(same)) return;
      const current = plan.configText(placement.path);
      const mine = plan.state.artifacts[payload.name]?.placements.some(
        (item) => item.type === 'entry' && item.path === placement.path && item.name === component.name,
      );
      const exists = rethrowConfig(() =>
        placement.format === 'json'
          ? hasJsonEntry(current, placement.path, placement.key, component.name)
          : hasTomlTable(current, placement.path, placement.key, component.name),
      );
      if (exists && !mine && !force) {
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
      items.push({
        type: 'entry',
        tools: [tool],
        path: placement.path,
        format: placement.format,
        key: placement.key,
        name: component.name,
        value,
        createdDirs,
      });
      return;
    }
    case 'hooks': {
      if (component.kind !== 'hook') return;
      // The hook's own files, once for every tool.
      if (!find('dir', placement.filesPath)) {
        placeOne(
          plan,
          payload,
          { ...component, kind: 'hook' },
          tool,
          { type: 'dir', path: placement.filesPath },
          items,
          find,
          force,
        );
      } else shared(find('dir', placement.filesPath));
      const hookDir = plan.paths.scope === 'user' ? plan.abs(placement.filesPath) : placement.filesPath;
      const rendered = renderHooks(placement.dialect, component.definitions, hookDir);
      for (const event of rendered.skipped) {
        plan.warnings.push(
          `${installTargets[tool].name} has no ${event} hook event: that part of ${payload.name} is not installed for it`,
        );
      }
      if (Object.keys(rendered.events).length === 0) return;
      if (placement.ownFile) {
        if (shared(find('file', placement.path))) return;
        const content = `${JSON.stringify({ version: 1, hooks: rendered.events }, null, 2)}\n`;
        items.push(planFile(plan, payload.name, tool, placement.path, content, force));
        return;
      }
      if (shared(find('list-entries', placement.path))) return;
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
      items.push({
        type: 'list-entries',
        tools: [tool],
        path: placement.path,
        key: placement.key,
        events: rendered.events,
        createdDirs,
      });
      return;
    }
  }
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
function withServerDir(
  plan: PlacementPlan,
  payload: ArtifactPayload,
  component: Extract<Component, { kind: 'mcp' }>,
  tool: ToolId,
  items: PlacedItem[],
  find: FindItem,
  force: boolean,
) {
  const own = payload.kind === 'mcp' && [...payload.files.keys()].some((path) => !mcpMetaFiles.has(path));
  if (!own) return component.server;
  const dir = `.agentry/mcp/${component.name}`;
  const existing = find('dir', dir);
  if (existing) {
    if (!existing.tools.includes(tool)) existing.tools.push(tool);
  } else {
    placeOne(
      plan,
      payload,
      { kind: 'skill', name: component.name, root: '' },
      tool,
      { type: 'dir', path: dir },
      items,
      find,
      force,
    );
  }
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

/** A whole file the artifact owns, written atomically. */
function planFile(
  plan: PlacementPlan,
  artifact: string,
  tool: ToolId,
  path: string,
  content: string,
  force: boolean,
): PlacedItem {
  plan.claim(path, artifact, force);
  const createdDirs = relDirs(plan, path);
  plan.operations.push({ type: 'file', path, content });
  return { type: 'file', tools: [tool], path, sha256: computeSha256(Buffer.from(content)), createdDirs };
}

/** Folders a write at `path` would create, relative to the base, so removal can take them away too. */
function relDirs(plan: PlacementPlan, path: string): string[] {
  const base = plan.paths.base;
  return missingAncestors(base, plan.abs(path)).map((dir) => dir.slice(base.length + 1));
}

/** Plans taking away everything `items` placed. Shared configs are restored by `finishPlan`. */
export function planRemoval(plan: PlacementPlan, items: PlacedItem[]): void {
  for (const item of items) {
    switch (item.type) {
      case 'dir':
      case 'file':
        plan.operations.push({ type: 'remove', path: item.path });
        plan.free(item.path);
        break;
      case 'block':
        plan.setConfig(item.path, removeMarkdownBlock(plan.configText(item.path) ?? '', item.id));
        break;
      case 'entry': {
        const text = plan.configText(item.path);
        if (text === undefined) break;
        plan.setConfig(
          item.path,
          rethrowConfig(() =>
            item.format === 'json'
              ? removeJsonEntry(text, item.path, item.key, item.name)
              : removeTomlTable(text, item.path, item.key, item.name),
          ),
        );
        break;
      }
      case 'list-entries': {
        const text = plan.configText(item.path);
        if (text === undefined) break;
        plan.setConfig(
          item.path,
          rethrowConfig(() => removeJsonListEntries(text, item.path, item.key, item.events)),
        );
        break;
      }
    }
  }
}

function sameContent(path: string, a: string | undefined, b: string | undefined): boolean {
  if ((a ?? '').trim() === (b ?? '').trim()) return true;
  try {
    if (path.endsWith('.toml')) return sameToml(a, b, path);
    if (path.endsWith('.json')) return sameJson(a, b, path);
  } catch {
    return false;
  }
  return false;
}

/**
 * Settles shared configs once every artifact is planned: a file no installed artifact edits any more,
 * whose content now means what it meant before Agentry, gets its original bytes back (or goes, if it
 * did not exist). A file the user changed meanwhile keeps their changes.
 */
export function finishPlan(plan: PlacementPlan): void {
  const inUse = new Set<string>();
  for (const installed of Object.values(plan.state.artifacts)) {
    for (const item of installed.placements)
      if (item.type === 'block' || item.type === 'entry' || item.type === 'list-entries')
        inUse.add(item.path);
  }
  for (const [path, text] of plan.configs) {
    if (inUse.has(path) || !(path in plan.state.originals)) continue;
    const original = plan.state.originals[path] ?? undefined;
    // A file Agentry created goes again once only its own seed is left in it.
    const seedOnly =
      original === undefined && sameContent(path, text, `${JSON.stringify(configSeeds[path] ?? {})}`);
    if (seedOnly || sameContent(path, text, original)) plan.configs.set(path, original);
    delete plan.state.originals[path];
  }
}

function stageDir(dest: string, files: Map<string, { bytes: Buffer; mode: number }>): void {
  const tag = randomBytes(4).toString('hex');
  const staging = `${dest}.agentry-tmp-${tag}`;
  mkdirSync(staging, { recursive: true });
  try {
    for (const [rel, { bytes, mode }] of files) {
      const full = join(staging, rel);
      mkdirSync(dirname(full), { recursive: true });
      writeFileSync(full, bytes, { mode });
    }
    const old = `${dest}.agentry-old-${tag}`;
    if (existsSync(dest)) renameSync(dest, old);
    renameSync(staging, dest);
    rmSync(old, { recursive: true, force: true });
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    throw error;
  }
}

function removeEmptyDirs(base: string, dirs: string[]): void {
  for (const dir of [...dirs].sort((a, b) => b.length - a.length)) {
    const full = join(base, dir);
    try {
      if (existsSync(full) && readdirSync(full).length === 0) rmdirSync(full);
    } catch {
      // A folder someone else filled meanwhile stays.
    }
  }
}

/** Carries the plan out. `emptyDirs` are folders to take away afterwards when nothing is left in them. */
export function applyPlan(plan: PlacementPlan, emptyDirs: string[] = []): void {
  for (const op of plan.operations) {
    const full = plan.abs(op.path);
    if (op.type === 'dir') stageDir(full, op.files);
    else if (op.type === 'file') writeFileAtomic(full, op.content);
    else rmSync(full, { recursive: true, force: true });
  }
  for (const [path, text] of plan.configs) {
    const full = plan.abs(path);
    if (text === undefined) rmSync(full, { force: true });
    else if (text !== readTextIfExists(full)) writeFileAtomic(full, text);
  }
  removeEmptyDirs(plan.paths.base, emptyDirs);
}

/** Folders the given items created, for removeEmptyDirs after their removal. */
export function createdDirsOf(items: PlacedItem[]): string[] {
  return items.flatMap((item) => ('createdDirs' in item ? item.createdDirs : []));
}
