/** Stage 4: API keys and tokens recognised by their documented prefixes and lengths. */
import type { Rule } from '../../rule.js';
import { secretHits } from './detect.js';

export const secretApiKey: Rule = {
  id: 'secret_api_key',
  stage: 'secrets',
  severity: 'critical',
  title: 'A well-known API key or token (OpenAI, Anthropic, Google, GitHub, Stripe, npm, Slack)',
  check: (ctx) => secretHits(ctx).get('secret_api_key') ?? [],
};
