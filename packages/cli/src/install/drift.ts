/**
 * Compares one placed item with the disk: copied folders file by file against the lockfile's SHA-256,
 * converted files and AGENTS.md blocks against what was written, config entries against their value.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { computeSha256, readJsonConfig, readTomlConfig, renderBlockBody } from '@agentry/core';
import type { PlacedItem } from './project.js';

/** Values compared as JSON: parsers differ in prototypes (smol-toml) but not in meaning. */
function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

export interface DriftItem {
  artifact: string;
  path: string;
  problem: 'missing' | 'modified' | 'unexpected' | 'not_in_lockfile' | 'version_mismatch';
  detail?: string;
}

function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (current: string) => {
    for (const entry of readdirSync(current, { withFileTypes: true })) {
      const full = join(current, entry.name);
      if (entry.isDirectory()) walk(full);
      else out.push(relative(dir, full).split('\\').join('/'));
    }
  };
  walk(dir);
  return out;
}

function valueAt(root: Record<string, unknown>, path: string[]): unknown {
  let node: unknown = root;
  for (const key of path)
    node = node && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined;
  return node;
}

export function checkItem(
  base: string,
  artifact: string,
  item: PlacedItem,
  lockFiles: Record<string, string> | undefined,
): DriftItem[] {
  const full = join(base, item.path);
  const drift = (problem: DriftItem['problem'], path = item.path, detail?: string): DriftItem => ({
    artifact,
    path,
    problem,
    ...(detail ? { detail } : {}),
  });
  if (!existsSync(full)) return [drift('missing')];
  switch (item.type) {
    case 'dir': {
      const out: DriftItem[] = [];
      const onDisk = new Set(statSync(full).isDirectory() ? listFiles(full) : []);
      for (const [rel, recorded] of Object.entries(item.files)) {
        const expected = lockFiles?.[item.root ? `${item.root}/${rel}` : rel] ?? recorded;
        if (!onDisk.has(rel)) out.push(drift('missing', `${item.path}/${rel}`));
        else if (computeSha256(readFileSync(join(full, rel))) !== expected)
          out.push(drift('modified', `${item.path}/${rel}`));
      }
      for (const rel of onDisk)
        if (!(rel in item.files))
          out.push(drift('unexpected', `${item.path}/${rel}`, 'a file agentry did not install'));
      return out;
    }
    case 'file':
      return computeSha256(readFileSync(full)) === item.sha256 ? [] : [drift('modified')];
    case 'block': {
      const text = readFileSync(full, 'utf8');
      const match = new RegExp(
        `<!-- agentry:begin ${item.id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} -->\\n([\\s\\S]*?)\\n<!-- agentry:end`,
      ).exec(text);
      if (!match) return [drift('missing', item.path, `block ${item.id}`)];
      return computeSha256(Buffer.from(renderBlockBody(match[1] ?? ''))) === item.sha256
        ? []
        : [drift('modified', item.path, `block ${item.id}`)];
    }
    case 'entry': {
      const text = readFileSync(full, 'utf8');
      let parsed: Record<string, unknown>;
      try {
        parsed = item.format === 'json' ? readJsonConfig(text, item.path) : readTomlConfig(text, item.path);
      } catch {
        return [drift('modified', item.path, 'the file no longer parses')];
      }
      const value = valueAt(parsed, [...item.key, item.name]);
      if (value === undefined) return [drift('missing', item.path, `${[...item.key, item.name].join('.')}`)];
      return sameValue(value, item.value)
        ? []
        : [drift('modified', item.path, `${[...item.key, item.name].join('.')}`)];
    }
    case 'list-entries': {
      let parsed: Record<string, unknown>;
      try {
        parsed = readJsonConfig(readFileSync(full, 'utf8'), item.path);
      } catch {
        return [drift('modified', item.path, 'the file no longer parses')];
      }
      const out: DriftItem[] = [];
      for (const [event, entries] of Object.entries(item.events)) {
        const list = valueAt(parsed, [...item.key, event]);
        const present = Array.isArray(list) ? list : [];
        if (entries.some((entry) => !present.some((p) => sameValue(p, entry))))
          out.push(drift('missing', item.path, `hooks for ${event}`));
      }
      return out;
    }
  }
}
