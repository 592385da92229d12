/** The Tank-surface calls the CLI makes; their answers are checked against `@agentry/core/api`. */
import {
  TankSearchPage,
  TankSkill,
  TankStarState,
  TankVersionDetail,
  TankVersionList,
} from '@agentry/core/api';
import type { RegistryClient } from './api-client.js';

export type {
  TankFinding as Finding,
  TankSearchPage as SearchPage,
  TankSearchResult as SearchHit,
  TankSkill as ArtifactInfo,
  TankVersionDetail as VersionDetail,
  TankVersionSummary as VersionSummary,
} from '@agentry/core/api';

const enc = encodeURIComponent;

export function createRegistry(client: RegistryClient) {
  return {
    client,
    search: (params: Record<string, string | number | undefined>) => {
      const query = new URLSearchParams();
      for (const [key, value] of Object.entries(params))
        if (value !== undefined && value !== '') query.set(key, String(value));
      return client.request(`/api/v1/search?${query}`, TankSearchPage);
    },
    getArtifact: (name: string) => client.request(`/api/v1/skills/${enc(name)}`, TankSkill),
    getVersions: (name: string) => client.request(`/api/v1/skills/${enc(name)}/versions`, TankVersionList),
    getVersion: async (name: string, version: string) => {
      const detail = await client.request(`/api/v1/skills/${enc(name)}/${enc(version)}`, TankVersionDetail);
      // Tank's API spells rule ids in upper case; `agentry scan` and docs/scanner.md use the scanner's own
      // ids, so info, install prompts and audit show the ids the way scan does.
      return { ...detail, findings: detail.findings.map((f) => ({ ...f, rule: f.rule.toLowerCase() })) };
    },
    star: (name: string, on: boolean) =>
      client.request(`/api/v1/skills/${enc(name)}/star`, TankStarState, { method: on ? 'POST' : 'DELETE' }),
    starStatus: (name: string) => client.request(`/api/v1/skills/${enc(name)}/star`, TankStarState),
  };
}
export type Registry = ReturnType<typeof createRegistry>;
