/** Stage 4: PEM private key blocks (RSA, DSA, EC, OpenSSH, PGP, PKCS#8); elided bodies ("...") are examples. */
import type { Rule } from '../../rule.js';
import { secretHits } from './detect.js';

export const secretPrivateKey: Rule = {
  id: 'secret_private_key',
  stage: 'secrets',
  severity: 'critical',
  title: 'A PEM private key block',
  check: (ctx) => secretHits(ctx).get('secret_private_key') ?? [],
};
