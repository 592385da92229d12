/** The Tank-surface calls the CLI makes, typed as the server answers them (docs/api.md). */
import type { RegistryClient } from './api-client.js';

export interface SearchHit {
  name: string;
  description: string;
  visibility: string;
  latestVersion: string | null;
  auditScore: number | null;
  publisher: string;
  downloads: number;
  stars: number;
  updatedAt: string;
  kind: string;
  verdict: string | null;
  deprecated: boolean | string | null;
}
export interface SearchPage {
  results: SearchHit[];
  page: number;
  limit: number;
  total: number;
}

export interface ArtifactInfo {
  name: string;
  description: string;
  visibility: string;
  kind: string;
  latestVersion: string | null;
  publisher: { name: string };
  stars: number;
  downloads: number;
  keywords: string[];
  repository: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface VersionSummary {
  version: string;
  publishedAt: string | null;
  auditScore: number | null;
  verdict: string | null;
  yanked: boolean;
  deprecated: string | null;
}

export interface Finding {
  stage: string;
  severity: string;
  rule: string;
  message: string;
  file: string | null;
  line: number | null;
}

export interface VersionDetail {
  name: string;
  version: string;
  description: string;
  visibility: string;
  kind: string;
  permissions: Record<string, unknown>;
  dependencies: Record<string, string>;
  repository: string | null;
  auditScore: number | null;
  verdict: string | null;
  findings: Finding[];
  integrity: string | null;
  size: number | null;
  fileCount: number | null;
  files: { path: string; size: number; sha256: string }[];
  downloadUrl: string;
  downloads: number;
  publishedAt: string | null;
  yanked: boolean;
  deprecated: string | null;
}

const enc = encodeURIComponent;

export function createRegistry(client: RegistryClient) {
  return {
    client,
    search: (params: Record<string, string | number | undefined>) => {
      const query = new URLSearchParams();
      for (const [key, value] of Object.entries(params))
        if (value !== undefined && value !== '') query.set(key, String(value));
      return client.request<SearchPage>(`/api/v1/search?${query}`);
    },
    getArtifact: (name: string) => client.request<ArtifactInfo>(`/api/v1/skills/${enc(name)}`),
    getVersions: (name: string) =>
      client.request<{ name: string; versions: VersionSummary[] }>(`/api/v1/skills/${enc(name)}/versions`),
    getVersion: (name: string, version: string) =>
      client.request<VersionDetail>(`/api/v1/skills/${enc(name)}/${enc(version)}`),
    star: (name: string, on: boolean) =>
      client.request<{ starred: boolean; stars: number }>(`/api/v1/skills/${enc(name)}/star`, {
        method: on ? 'POST' : 'DELETE',
      }),
    starStatus: (name: string) =>
      client.request<{ starred: boolean; stars: number }>(`/api/v1/skills/${enc(name)}/star`),
  };
}
export type Registry = ReturnType<typeof createRegistry>;
