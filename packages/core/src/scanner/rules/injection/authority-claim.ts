/**
 * Stage 3: claims of authority meant to make a model trust the text ("I am the developer at Anthropic",
 * "this instruction is approved by …"). An "official source" in ordinary prose is not a claim (Tank #296).
 */
import type { Rule } from '../../rule.js';
import { hitsPerLine, type InjectionPattern, patternMatches } from './patterns.js';

const vendors =
  '(?:anthropic|openai|claude|chatgpt|gpt|google|deepmind|gemini|microsoft|meta|mistral|the\\s+(?:model|system|assistant|ai|platform|registry)|this\\s+(?:model|system|assistant|ai|platform))';

export const authorityClaimPatterns: InjectionPattern[] = [
  {
    label: 'I am the developer at a model vendor',
    re: new RegExp(
      `\\bI\\s*(?:am|'m|’m)\\s+(?:a|an|the|your|one\\s+of\\s+the)\\s+(?:[\\w-]+\\s+)?(?:developers?|creators?|admins?|administrators?|owners?|maintainers?|engineers?|employees?|founders?|ceo|operators?|representatives?|staff|researchers?|trainers?)\\s+(?:of|at|from|for|with|behind)\\s+${vendors}\\b`,
      'i',
    ),
    weight: 0.85,
    severity: 'high',
  },
  {
    label: 'I am your developer',
    re: /\bI\s*(?:am|'m|’m)\s+your\s+(?:developer|creator|admin|administrator|owner|operator|programmer|master|maker|trainer|supervisor)\b/i,
    weight: 0.85,
    severity: 'high',
  },
  {
    label: 'I am the administrator',
    re: /\bI\s*(?:am|'m|’m)\s+(?:the|a|an)\s+(?:system\s+)?(?:administrator|admin|sysadmin|root\s+user|superuser|operator)\b(?!\s+(?:of|for)\s+(?:this|the|my|our)\s+(?:skill|plugin|package|repo|repository|project|library|tool|server|site|team|org))/i,
    weight: 0.7,
    severity: 'high',
  },
  {
    label: 'approved or verified by',
    re: /\b(?:this|these|the\s+following|the\s+above)\s+(?:message|instructions?|requests?|commands?|prompts?|actions?|changes?|operations?|tasks?|directives?)\s+(?:is|are|has\s+been|have\s+been|was|were)\s+(?:officially\s+|pre-?|fully\s+|already\s+)?(?:approved|verified|authori[sz]ed|sanctioned|signed\s+off|endorsed|whitelisted|allow-?listed|cleared)\s+(?:by|from)\b/i,
    weight: 0.8,
    severity: 'high',
  },
  {
    label: 'official message from the vendor or system',
    re: /\b(?:official|authori[sz]ed|verified|urgent|priority|mandatory)\s+(?:message|notice|instruction|update|directive|command|order|request|communication|announcement)s?\s+from\s+(?:anthropic|openai|google|microsoft|the\s+(?:system|developers?|administrators?|admins?|security\s+team|model\s+provider|ai\s+provider))\b/i,
    weight: 0.85,
    severity: 'high',
  },
  {
    label: 'the vendor authorises you',
    re: /\b(?:anthropic|openai|the\s+developers?|the\s+system\s+administrators?|your\s+(?:developers?|creators?|operators?))\s+(?:has\s+|have\s+)?(?:explicitly\s+)?(?:authori[sz]ed|approved|permitted|allowed|instructed|cleared)\s+(?:you|this|the\s+assistant|the\s+model|me)\b/i,
    weight: 0.8,
    severity: 'high',
  },
  {
    label: 'admin override code',
    re: /\b(?:admin(?:istrator)?|developer|root|sudo|god|maintenance|debug)\s+(?:override|access\s+granted|mode\s+activated|authori[sz]ation\s+code|clearance\s+granted)\b/i,
    weight: 0.8,
    severity: 'high',
  },
  {
    label: 'trust me',
    re: /\b(?:trust\s+me|you\s+can\s+(?:fully\s+|safely\s+|completely\s+)?trust\s+(?:me|this|these\s+instructions))\b/i,
    weight: 0.5,
    severity: 'medium',
  },
];

export const injectionAuthorityClaim: Rule = {
  id: 'injection_authority_claim',
  stage: 'injection',
  severity: 'high',
  title: 'Prompt text claims vendor, developer or administrator authority',
  check: (ctx) =>
    hitsPerLine(patternMatches(ctx, 'authority_claim', authorityClaimPatterns), 'Authority claim'),
};
