/** The typed per-request context every route and middleware shares. */
import type { TokenScope } from '@agentry/core';
import type { Logger } from 'pino';
import type { Tenant, User } from '../db/schema.js';

export interface Principal {
  user: User;
  scopes: TokenScope[];
  /** How the caller proved who they are. */
  via: 'token' | 'session';
  tokenId?: string;
  sessionId?: string;
}

export interface AppEnv {
  Variables: {
    requestId: string;
    log: Logger;
    tenant: Tenant;
    principal: Principal | undefined;
    /** A bearer token was sent but is not valid; answered with 401 after rate limiting counts it. */
    authFailed: boolean;
    clientIp: string;
  };
}
