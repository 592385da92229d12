/** `doctor`: is the registry reachable and healthy, is the token valid, which agent tools are in use here. */
import { installTargets, toolIds } from '@agentry/core';
import { Health, TankWhoami } from '@agentry/core/api';
import { RegistryError } from '../api-client.js';
import { configPath } from '../config-file.js';
import type { Paint } from '../format.js';
import { detectTools } from '../install/installer.js';
import { locateProject } from '../install/project.js';
import type { CommandContext } from './context.js';

export interface DoctorCheck {
  check: string;
  ok: boolean;
  detail: string;
}

export interface DoctorResult {
  ok: boolean;
  checks: DoctorCheck[];
}

export async function runDoctor(ctx: CommandContext): Promise<DoctorResult> {
  const checks: DoctorCheck[] = [];
  try {
    const started = Date.now();
    const health = await ctx.client.request('/health', Health);
    checks.push({
      check: 'registry',
      ok: health.status === 'ok',
      detail: `${ctx.settings.registry}: ${health.status}, server ${health.version}, ${Date.now() - started} ms`,
    });
  } catch (error) {
    checks.push({
      check: 'registry',
      ok: false,
      detail: `${ctx.settings.registry}: ${(error as Error).message}`,
    });
  }
  if (!ctx.settings.token) {
    checks.push({
      check: 'auth',
      ok: false,
      detail: `not logged in (config ${configPath(ctx.env)}); run agentry login`,
    });
  } else {
    try {
      const who = await ctx.client.request('/api/v1/auth/whoami', TankWhoami);
      checks.push({
        check: 'auth',
        ok: true,
        detail: `${who.username} via ${ctx.settings.tokenSource}, scopes ${who.scopes.join(' ')}`,
      });
    } catch (error) {
      checks.push({
        check: 'auth',
        ok: false,
        detail: `the token from ${ctx.settings.tokenSource} is refused (${error instanceof RegistryError ? error.code : (error as Error).message})`,
      });
    }
  }
  const project = locateProject('project', ctx.cwd, ctx.home);
  const inProject = detectTools(project.base, 'project');
  const inHome = detectTools(ctx.home, 'user');
  checks.push({
    check: 'tools',
    ok: inProject.length + inHome.length > 0,
    detail: `project (${project.root}): ${inProject.map((t) => installTargets[t].name).join(', ') || 'none'}; user: ${inHome.map((t) => installTargets[t].name).join(', ') || 'none'} (known: ${toolIds.join(', ')})`,
  });
  return { ok: checks.every((c) => c.ok || c.check === 'tools'), checks };
}

export function formatDoctor(result: DoctorResult, paint: Paint): string {
  return result.checks
    .map((c) => `${c.ok ? paint('green', '✓') : paint('red', '✗')} ${c.check.padEnd(9)} ${c.detail}`)
    .join('\n');
}
