/** Stage 3: direct attempts to cancel the instructions a model was given. */
import type { Rule } from '../../rule.js';
import { hitsPerLine, type InjectionPattern, patternMatches } from './patterns.js';

const fillers =
  '(?:(?:all|any|every|each|of|the|your|my|these|those|its|that|prior|previous|above|earlier)\\s+){0,4}';
const targets =
  '(?:instructions?|prompts?|directions?|directives?|rules|guidelines|guidance|context|messages?|commands?|constraints|guardrails|programming|system\\s+prompt)';

export const overridePatterns: InjectionPattern[] = [
  {
    label: 'ignore previous instructions',
    re: new RegExp(
      `\\b(?:ignore|disregard|forget|override|overrule|bypass|skip|abandon|discard|drop)\\s+${fillers}(?:previous|prior|above|earlier|preceding|former|original|initial|system|developer|existing|old|given|safety)\\s+${targets}\\b`,
      'i',
    ),
    weight: 1,
    severity: 'critical',
    negatable: true,
  },
  {
    label: 'disregard everything above',
    re: /\b(?:ignore|disregard|forget)\s+(?:everything|all|anything|whatever)\s+(?:(?:you\s+(?:were|have\s+been)\s+told|(?:that\s+)?(?:was\s+)?(?:said|written|stated))\s+)?(?:above|before|previously|earlier|so\s+far|until\s+now|prior\s+to\s+this)\b/i,
    weight: 0.95,
    severity: 'critical',
    negatable: true,
  },
  {
    label: 'disregard the above',
    re: /\b(?:ignore|disregard)\s+(?:the\s+|all\s+(?:of\s+)?the\s+)?(?:above|preceding|foregoing)\b(?!\s+(?:warnings?|errors?|messages?\s+if|step|example|output|lint))/i,
    weight: 0.95,
    severity: 'critical',
    negatable: true,
  },
  {
    label: 'forget everything',
    re: /\bforget\s+(?:about\s+)?(?:everything|all\s+(?:of\s+)?(?:that|this|your\s+(?:instructions|rules|training)))\b/i,
    weight: 0.9,
    severity: 'critical',
    negatable: true,
  },
  {
    label: 'override the system prompt',
    re: /\b(?:override|overwrite|replace|supersede|cancel|nullify|void)\s+(?:the\s+|your\s+|any\s+|all\s+)?(?:system|original|initial|safety|previous)\s+(?:prompt|instructions?|message|rules|policy|policies)\b/i,
    weight: 1,
    severity: 'critical',
    negatable: true,
  },
  {
    label: 'this is the real system prompt',
    re: /\b(?:this|here|below|the\s+following)\s+(?:is|are)\s+(?:the\s+|your\s+)?(?:real|actual|true|new|updated|correct|only)\s+(?:system\s+prompt|system\s+instructions|instructions\s+from\s+(?:the\s+)?system)\b/i,
    weight: 1,
    severity: 'critical',
  },
  {
    label: 'new system prompt',
    re: /\b(?:new|updated|replacement)\s+system\s+(?:prompt|instructions?|message)\s*[:-]/i,
    weight: 0.95,
    severity: 'critical',
  },
  {
    label: 'your new role',
    re: /\byour\s+(?:new|real|actual|true)\s+(?:role|instructions|task|objective|goal|purpose|directive|mission)\s+(?:is|are|will\s+be)\b/i,
    weight: 0.95,
    severity: 'critical',
  },
  {
    label: 'previous instructions no longer apply',
    re: /\b(?:previous|prior|above|earlier|original|all\s+other)\s+(?:instructions|rules|guidelines)\s+(?:no\s+longer|do\s+not|don't)\s+(?:apply|matter|count)\b/i,
    weight: 0.95,
    severity: 'critical',
  },
];

export const injectionOverride: Rule = {
  id: 'injection_override',
  stage: 'injection',
  severity: 'critical',
  title: 'Prompt text tries to cancel or replace the instructions a model was given',
  check: (ctx) => hitsPerLine(patternMatches(ctx, 'override', overridePatterns), 'Instruction override'),
};
