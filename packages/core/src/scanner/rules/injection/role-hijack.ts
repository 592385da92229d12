/**
 * Stage 3: attempts to give the model a new identity free of its rules. Role-play as such is normal in
 * prompts ("act as a code reviewer"); only identity switches and roles defined by shedding restrictions
 * count.
 */
import type { Rule } from '../../rule.js';
import { hitsPerLine, type InjectionPattern, patternMatches } from './patterns.js';

const unrestricted =
  '(?:(?:without|with\\s+no|free\\s+(?:of|from)|ignoring|unbound\\s+by|not\\s+bound\\s+by|no\\s+longer\\s+bound\\s+by|regardless\\s+of)\\s+(?:any\\s+|all\\s+|your\\s+|the\\s+|its\\s+|ethical\\s+|moral\\s+|content\\s+)*(?:restrictions?|limits?|limitations|filters?|filtering|rules|guidelines|censorship|safety|ethics|morals|guardrails|constraints|boundaries|policies|content\\s+polic(?:y|ies))|unrestricted|unfiltered|uncensored|jailbroken|evil)';

export const roleHijackPatterns: InjectionPattern[] = [
  {
    label: 'act as … without restrictions',
    re: new RegExp(
      `\\b(?:act|behave|respond|operate|function|roleplay|role-play)\\s+(?:as|like)\\b[^.\\n]{0,80}?\\b${unrestricted}`,
      'i',
    ),
    weight: 0.95,
    severity: 'critical',
  },
  {
    label: 'pretend to be an unrestricted model',
    re: new RegExp(
      `\\bpretend\\s+(?:to\\s+be|you\\s+are|that\\s+you\\s+are|you're)\\b[^.\\n]{0,80}?\\b${unrestricted}`,
      'i',
    ),
    weight: 0.95,
    severity: 'critical',
  },
  {
    label: 'you are now an unrestricted model',
    re: new RegExp(
      `\\byou\\s+are\\s+now\\s+(?:(?:a|an|the|my)\\s+)?(?:[\\w-]+\\s+){0,3}?(?:${unrestricted}|dan\\b|jailbroken|no\\s+longer\\s+(?:an?\\s+)?(?:ai|assistant|claude|chatgpt|bound|restricted)|free\\s+to\\s+(?:ignore|do\\s+anything)|in\\s+(?:developer|god|admin|debug|jailbreak|unrestricted|dan|sudo)\\s+mode)`,
      'i',
    ),
    weight: 0.95,
    severity: 'critical',
  },
  {
    label: 'from now on you are',
    re: /\bfrom\s+now\s+on,?\s+you\s+(?:are|will\s+be|shall\s+be|are\s+going\s+to\s+be)\s+(?!(?:able|ready|done|responsible\s+for\s+(?:the|this)\s+(?:file|repo)))/i,
    weight: 0.9,
    severity: 'critical',
  },
  {
    label: 'from now on you will act as',
    re: /\bfrom\s+now\s+on,?\s+you\s+(?:will|must|shall|should)\s+(?:act|respond|behave|answer|reply|speak)\s+(?:as|like)\b/i,
    weight: 0.8,
    severity: 'high',
  },
  {
    label: 'developer mode / jailbreak mode',
    re: /\b(?:(?:switch|enter|activate|enable|turn\s+on|go)\s+(?:in)?to\s+(?:developer|god|jailbreak|unrestricted|dan|evil)\s+mode|(?:enter|activate|enable)\s+(?:jailbreak|god|unrestricted|dan|evil)\s+mode|(?:developer|jailbreak|god|dan)\s+mode\s+(?:is\s+)?(?:now\s+)?(?:enabled|activated|on)\b(?!\s+in\s+(?:chrome|android|windows|settings|the\s+browser)))/i,
    weight: 0.95,
    severity: 'critical',
  },
  {
    label: 'do anything now',
    re: /\b(?:do\s+anything\s+now|no\s+longer\s+(?:bound|restricted|constrained|limited)\s+by\s+(?:any\s+|your\s+|the\s+)?(?:rules|restrictions|guidelines|policies|openai|anthropic|safety))\b/i,
    weight: 0.9,
    severity: 'critical',
  },
  {
    label: 'you are now …',
    re: /\byou\s+are\s+now\s+(?:a|an|the|my|called|named|known\s+as)\s+(?!(?:ready|able|done|set|finished|logged|connected|signed|authenticated|in\s+the|on\s+the|part\s+of|member|owner\s+of\s+(?:the|this)\s+(?:repo|project|file)))/i,
    weight: 0.7,
    severity: 'medium',
  },
  {
    label: 'your new persona',
    re: /\byour\s+(?:new|true|real)\s+(?:persona|identity|name|personality|character)\s+(?:is|will\s+be)\b/i,
    weight: 0.85,
    severity: 'high',
  },
  {
    label: 'pretend to be',
    re: /\bpretend\s+(?:to\s+be|you\s+are|that\s+you\s+are|you're)\s+(?:a\s+|an\s+|the\s+)?(?:different|another|new|human|person|real|developer|admin|administrator|system|root|unrestricted|evil)\b/i,
    weight: 0.75,
    severity: 'high',
  },
];

export const injectionRoleHijack: Rule = {
  id: 'injection_role_hijack',
  stage: 'injection',
  severity: 'critical',
  title: 'Prompt text tries to switch the model to an identity without its rules',
  check: (ctx) => hitsPerLine(patternMatches(ctx, 'role_hijack', roleHijackPatterns), 'Role hijack'),
};
