/** Stage 3: text that claims to be the "real" prompt or to speak for the user. */
import type { Rule } from '../../rule.js';
import { hitsPerLine, type InjectionPattern, patternMatches } from './patterns.js';

export const contextManipulationPatterns: InjectionPattern[] = [
  {
    label: 'the following is the real prompt',
    re: /\b(?:the\s+following|what\s+follows|below|this)\s+(?:is|are)\s+(?:the\s+|your\s+)?(?:real|actual|true|updated|correct|genuine|only\s+valid)\s+(?:prompt|instructions?|task|request|question|message|input)\b/i,
    weight: 0.9,
    severity: 'high',
  },
  {
    label: 'actually the user wants',
    re: /\b(?:actually|in\s+reality|in\s+fact|really),?\s+(?:the\s+)?(?:user|human|customer|operator|developer)\s+(?:really\s+)?(?:wants|needs|meant|means|asked|would\s+like|is\s+asking|has\s+asked|intended)\b/i,
    weight: 0.85,
    severity: 'high',
  },
  {
    label: 'new instructions:',
    re: /\b(?:new|updated|revised|real|actual|true|secret|hidden|additional\s+secret)\s+instructions?\s*[:\u2014-]/i,
    weight: 0.8,
    severity: 'high',
  },
  {
    label: 'end of system prompt',
    re: /\b(?:end\s+of\s+(?:the\s+)?(?:system\s+prompt|system\s+message|user\s+(?:input|message|prompt)|instructions|context|document)|(?:system\s+prompt|user\s+input)\s+ends?\s+here)\b/i,
    weight: 0.85,
    severity: 'high',
  },
  {
    label: 'the above was a test',
    re: /\bthe\s+(?:above|previous|preceding|earlier)\s+(?:instructions?\s+|prompt\s+|text\s+|message\s+)?(?:was|were|is|are)\s+(?:just\s+|only\s+)?(?:a\s+test|fake|not\s+real|a\s+joke|a\s+decoy|outdated|obsolete|void|invalid|cancell?ed)\b/i,
    weight: 0.85,
    severity: 'high',
  },
  {
    label: 'the user has already approved',
    re: /\b(?:the\s+)?user\s+(?:has\s+)?(?:already\s+)?(?:explicitly\s+)?(?:authori[sz]ed|approved|consented\s+to|given\s+(?:you\s+)?(?:permission|consent))\s+(?:this|these|all|you\s+to|the\s+following|everything)\b/i,
    weight: 0.75,
    severity: 'high',
  },
  {
    label: 'your real task is',
    re: /\b(?:instead|however|but),?\s+your\s+(?:real|actual|true|hidden|secret)\s+(?:task|job|goal|objective|purpose)\b/i,
    weight: 0.8,
    severity: 'high',
  },
];

export const injectionContextManipulation: Rule = {
  id: 'injection_context_manipulation',
  stage: 'injection',
  severity: 'high',
  title: 'Prompt text claims to be the real prompt or to speak for the user',
  check: (ctx) =>
    hitsPerLine(
      patternMatches(ctx, 'context_manipulation', contextManipulationPatterns),
      'Context manipulation',
    ),
};
