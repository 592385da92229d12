/** Stage 4: secretlint's preset-recommend over files with a cheap hint of a secret (see secretlint.ts). */
import type { Rule } from '../../rule.js';
import { secretHits } from './detect.js';

export const secretSecretlint: Rule = {
  id: 'secret_secretlint',
  stage: 'secrets',
  severity: 'critical',
  title:
    'A secret recognised by secretlint preset-recommend (AWS secret keys, Slack, SendGrid, Shopify, Linear, 1Password, database URLs, …)',
  check: (ctx) => secretHits(ctx).get('secret_secretlint') ?? [],
};
