/** Stage 4: AWS access key ids, which secretlint does not report; AWS's documented EXAMPLE keys are ignored. */
import type { Rule } from '../../rule.js';
import { secretHits } from './detect.js';

export const secretAwsKeyId: Rule = {
  id: 'secret_aws_key_id',
  stage: 'secrets',
  severity: 'high',
  title: 'An AWS access key id (AKIA/ASIA + 16 characters)',
  check: (ctx) => secretHits(ctx).get('secret_aws_key_id') ?? [],
};
