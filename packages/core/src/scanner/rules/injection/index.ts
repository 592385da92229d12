/** Stage 3 (prompt injection) rules: one per attack class, then the per-file suspicion score. */
import type { Rule } from '../../rule.js';
import { injectionAuthorityClaim } from './authority-claim.js';
import { injectionContextManipulation } from './context-manipulation.js';
import { injectionExfiltration } from './exfiltration.js';
import { injectionHiddenComment } from './hidden-comment.js';
import { injectionOverride } from './override.js';
import { injectionPrivilegeEscalation } from './privilege-escalation.js';
import { injectionRoleHijack } from './role-hijack.js';
import { injectionSuspicion } from './suspicion.js';
import { injectionToolTags } from './tool-tags.js';

export const injectionRules: Rule[] = [
  injectionOverride,
  injectionRoleHijack,
  injectionContextManipulation,
  injectionExfiltration,
  injectionToolTags,
  injectionPrivilegeEscalation,
  injectionAuthorityClaim,
  injectionHiddenComment,
  injectionSuspicion,
];
