import { Health } from '@agentry/core/api';
import type { RegistryClient } from '../api-client.js';

export type HealthReport = Health & { registry: string };

export async function runHealth(client: RegistryClient): Promise<HealthReport> {
  const health = await client.request('/health', Health);
  return { registry: client.base, ...health };
}

export function formatHealth(report: HealthReport): string {
  const deps = Object.entries(report.deps).map(
    ([name, dep]) =>
      `  ${name.padEnd(9)} ${dep.status}${dep.latency_ms === undefined ? '' : ` (${dep.latency_ms} ms)`}`,
  );
  return [`${report.registry}: ${report.status} (server ${report.version})`, ...deps].join('\n');
}
