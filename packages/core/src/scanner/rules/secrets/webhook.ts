/** Stage 4: incoming-webhook URLs, which let anyone post into the owner's channel. */
import type { Rule } from '../../rule.js';
import { secretHits } from './detect.js';

export const secretWebhook: Rule = {
  id: 'secret_webhook',
  stage: 'secrets',
  severity: 'critical',
  title: 'A Slack, Discord or Microsoft Teams webhook URL',
  check: (ctx) => secretHits(ctx).get('secret_webhook') ?? [],
};
