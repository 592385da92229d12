import type { RegistryClient } from '../api-client.js';

export interface HealthReport {
  registry: string;
  status: 'ok' | 'degraded';
  version: string;
  deps: Record<string, { status: string; latency_ms?: number }>;
}

export async function runHealth(client: RegistryClient): Promise<HealthReport> {
  const health = await client.request<Omit<HealthReport, 'registry'>>('/health');
  return { registry: client.base, ...health };
}

export function formatHealth(report: HealthReport): string {
  const deps = Object.entries(report.deps).map(
    ([name, dep]) =>
      `  ${name.padEnd(9)} ${dep.status}${dep.latency_ms === undefined ? '' : ` (${dep.latency_ms} ms)`}`,
  );
  return [`${report.registry}: ${report.status} (server ${report.version})`, ...deps].join('\n');
}
