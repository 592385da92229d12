/** Stage 4 (secrets) rules, most specific first; all share one de-duplicating engine (detect.ts). */
import type { Rule } from '../../rule.js';
import { secretApiKey } from './api-key.js';
import { secretAwsKeyId } from './aws-key-id.js';
import { secretCredentialedUrl } from './credentialed-url.js';
import { secretEnvFile } from './env-file.js';
import { secretHighEntropy } from './high-entropy.js';
import { secretJwt } from './jwt.js';
import { secretPrivateKey } from './private-key.js';
import { secretSecretlint } from './secretlint-rule.js';
import { secretWebhook } from './webhook.js';

export const secretRules: Rule[] = [
  secretPrivateKey,
  secretWebhook,
  secretApiKey,
  secretAwsKeyId,
  secretJwt,
  secretCredentialedUrl,
  secretSecretlint,
  secretHighEntropy,
  secretEnvFile,
];
