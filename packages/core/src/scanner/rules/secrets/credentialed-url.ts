/** Stage 4: URLs carrying a password; localhost and documentation hosts and placeholder passwords are ignored. */
import type { Rule } from '../../rule.js';
import { secretHits } from './detect.js';

export const secretCredentialedUrl: Rule = {
  id: 'secret_credentialed_url',
  stage: 'secrets',
  severity: 'critical',
  title: 'A URL with a user name and a real-looking password (scheme://user:password@host)',
  check: (ctx) => secretHits(ctx).get('secret_credentialed_url') ?? [],
};
