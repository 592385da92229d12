/**
 * Stage 2 (static analysis) rules in the order they run. The `undeclared_*` rules come last: they read
 * the capability observations the others record.
 */
import type { Rule } from '../../rule.js';
import { filesystemOutsideArtifact } from './filesystem-outside-artifact.js';
import { jsChildProcess } from './js-child-process.js';
import { jsCredentialRead } from './js-credential-read.js';
import { jsDynamicRequire } from './js-dynamic-require.js';
import { jsEnvAccess } from './js-env-access.js';
import { jsEval } from './js-eval.js';
import { jsNetwork } from './js-network.js';
import { jsNewFunction } from './js-new-function.js';
import { jsObfuscation } from './js-obfuscation.js';
import { pyEvalExec } from './py-eval-exec.js';
import { pyNetwork } from './py-network.js';
import { pySubprocess } from './py-subprocess.js';
import { pyUnsafeDeserialization } from './py-unsafe-deserialization.js';
import { shBase64Exec } from './sh-base64-exec.js';
import { shChmodWorldWritable } from './sh-chmod-world-writable.js';
import { shDestructive } from './sh-destructive.js';
import { shEval } from './sh-eval.js';
import { shNetwork } from './sh-network.js';
import { shPipeToShell } from './sh-pipe-to-shell.js';
import { undeclaredFilesystem } from './undeclared-filesystem.js';
import { undeclaredNetwork } from './undeclared-network.js';
import { undeclaredSubprocess } from './undeclared-subprocess.js';

export const staticRules: Rule[] = [
  jsEval,
  jsNewFunction,
  jsChildProcess,
  jsDynamicRequire,
  jsNetwork,
  jsCredentialRead,
  jsEnvAccess,
  jsObfuscation,
  pySubprocess,
  pyEvalExec,
  pyUnsafeDeserialization,
  pyNetwork,
  shPipeToShell,
  shBase64Exec,
  shChmodWorldWritable,
  shEval,
  shDestructive,
  shNetwork,
  filesystemOutsideArtifact,
  // last: they compare what the rules above observed with the manifest's permissions
  undeclaredNetwork,
  undeclaredSubprocess,
  undeclaredFilesystem,
];
