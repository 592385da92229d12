import { TankWhoami } from '@agentry/core/api';
import type { RegistryClient } from '../api-client.js';

export type Whoami = TankWhoami;

export function runWhoami(client: RegistryClient): Promise<Whoami> {
  return client.request('/api/v1/auth/whoami', TankWhoami);
}

export function formatWhoami(who: Whoami): string {
  return `${who.username}${who.email ? ` <${who.email}>` : ''} on tenant ${who.tenant}\nscopes: ${who.scopes.join(' ')}`;
}
