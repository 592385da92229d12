/** Stage 4: high-entropy strings assigned to secret-like names (Shannon entropy ≥ 4.0; hex ≥ 3.0). */
import type { Rule } from '../../rule.js';
import { secretHits } from './detect.js';

export const secretHighEntropy: Rule = {
  id: 'secret_high_entropy',
  stage: 'secrets',
  severity: 'medium',
  title: 'A high-entropy quoted string (≥ 32 characters) assigned to a key, secret, token or password name',
  check: (ctx) => secretHits(ctx).get('secret_high_entropy') ?? [],
};
