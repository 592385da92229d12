import type { RegistryClient } from '../api-client.js';

export interface Whoami {
  userId: string;
  username: string;
  name: string | null;
  email: string | null;
  tenant: string;
  scopes: string[];
  tokenId: string | null;
}

export function runWhoami(client: RegistryClient): Promise<Whoami> {
  return client.request<Whoami>('/api/v1/auth/whoami');
}

export function formatWhoami(who: Whoami): string {
  return `${who.username}${who.email ? ` <${who.email}>` : ''} on tenant ${who.tenant}\nscopes: ${who.scopes.join(' ')}`;
}
