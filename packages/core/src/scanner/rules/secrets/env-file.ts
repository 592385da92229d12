/** Stage 4: committed environment files; one finding per file, on its first value line. */
import type { Rule } from '../../rule.js';
import { secretHits } from './detect.js';

export const secretEnvFile: Rule = {
  id: 'secret_env_file',
  stage: 'secrets',
  severity: 'high',
  title: 'A committed .env file with values (.env.example and .env.sample are templates)',
  check: (ctx) => secretHits(ctx).get('secret_env_file') ?? [],
};
