import type { Hit, Rule } from '../../rule.js';
import { fsCalls } from './js-fs-calls.js';
import { jsIndexes } from './js-index.js';
import { capHits, credentialPath, hitAt, observe } from './support.js';

/**
 * Filesystem calls (readFile*, createReadStream, open, copyFile … and writes) whose path mentions a
 * credential store: ~/.ssh and private keys, ~/.aws/credentials, .npmrc, .netrc, .env files,
 * .git-credentials, ~/.docker/config.json, keychains. Reading them is the first step of stealing the
 * user's keys. The path is followed through string concatenation, templates, path.join and consts.
 */
export const jsCredentialRead: Rule = {
  id: 'js_credential_read',
  stage: 'static',
  severity: 'critical',
  title: 'JavaScript reads credential files (SSH keys, cloud or registry tokens, .env)',
  check(ctx) {
    const out: Hit[] = [];
    for (const index of jsIndexes(ctx)) {
      const hits: Hit[] = [];
      for (const call of fsCalls(index)) {
        const shape = call.shapes.find((s) => credentialPath.test(s));
        if (shape === undefined) continue;
        const verb = call.access === 'read' ? 'reads' : 'writes';
        hits.push(
          hitAt(
            ctx,
            index.path,
            call,
            `${call.name}() ${verb} a credential file (${shape.replace(/\*/g, '…')}): keys and tokens there give access to the user's accounts.`,
          ),
        );
        observe(ctx, 'filesystem', index.path, call);
      }
      out.push(...capHits(hits));
    }
    return out;
  },
};
