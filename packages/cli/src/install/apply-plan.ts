/**
 * Taking placements away, settling shared configs, and carrying a plan out: folders are staged beside
 * their destination and renamed into place, files are written atomically, and a shared file no artifact
 * edits any more gets back the content it had before Agentry first touched it.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, renameSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  removeJsonEntry,
  removeJsonListEntries,
  removeMarkdownBlock,
  removeTomlTable,
  sameJson,
  sameToml,
} from '@agentry/core';
import { readTextIfExists, writeFileAtomic } from './fs-util.js';
import { configSeeds, type PlacementPlan, rethrowConfig } from './placement-plan.js';
import type { PlacedItem } from './project.js';

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

/** The distinct paths the given items placed, as results list them. */
export function pathsOf(items: { path: string }[]): string[] {
  return [...new Set(items.map((item) => item.path))];
}
