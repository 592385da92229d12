/** Which agent tools an install writes for, and which are present in a folder. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  installTargets,
  isToolId,
  type ProjectManifest,
  type Scope,
  type ToolId,
  toolIds,
} from '@agentry/core';
import { CliError } from '../cli-error.js';
import type { InstallState, ProjectPaths } from './project.js';

export interface ToolChoice {
  tools: ToolId[];
  source: 'flag' | 'manifest' | 'installed' | 'config' | 'detected' | 'default';
}

/**
 * --tool, then agentry.json `targets`, then the tools already installed into, then the user's `tools`
 * (agentry config), then detection, then .agents/.
 */
export function chooseTools(
  paths: ProjectPaths,
  requested: string[] | undefined,
  manifest: ProjectManifest | undefined,
  state: InstallState,
  configured: string[] = [],
): ToolChoice {
  if (requested && requested.length > 0) {
    const list = requested
      .flatMap((value) => value.split(','))
      .map((value) => value.trim())
      .filter(Boolean);
    if (list.includes('all')) return { tools: [...toolIds], source: 'flag' };
    const unknown = list.filter((value) => !isToolId(value));
    if (unknown.length > 0)
      throw new CliError(
        'usage',
        `unknown tool ${unknown.join(', ')}`,
        `tools: ${toolIds.join(', ')}, or all`,
      );
    return { tools: [...new Set(list as ToolId[])], source: 'flag' };
  }
  if (manifest?.targets && manifest.targets.length > 0)
    return { tools: manifest.targets, source: 'manifest' };
  const installed = new Set(Object.values(state.artifacts).flatMap((a) => a.tools ?? []));
  if (installed.size > 0)
    return { tools: toolIds.filter((tool) => installed.has(tool)), source: 'installed' };
  const fromConfig = configured.filter(isToolId);
  if (fromConfig.length > 0) return { tools: fromConfig, source: 'config' };
  const detected = detectTools(paths.base, paths.scope);
  if (detected.length > 0) return { tools: detected, source: 'detected' };
  return { tools: ['agents'], source: 'default' };
}

export function detectTools(base: string, scope: Scope): ToolId[] {
  return toolIds.filter((tool) =>
    installTargets[tool].detect[scope].some((path) => existsSync(join(base, path))),
  );
}
