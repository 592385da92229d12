/** Stage 4: signed JSON Web Tokens; the jwt.io sample token is ignored. */
import type { Rule } from '../../rule.js';
import { secretHits } from './detect.js';

export const secretJwt: Rule = {
  id: 'secret_jwt',
  stage: 'secrets',
  severity: 'high',
  title: 'A signed JSON Web Token (eyJ….eyJ….signature)',
  check: (ctx) => secretHits(ctx).get('secret_jwt') ?? [],
};
