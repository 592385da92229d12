/**
 * Stage 3: Tank's heuristic suspicion score per file, with weak imperative and secrecy phrases that are
 * not findings on their own. score = 0.7 × mean(weights of the file's unsuppressed matches)
 * + 0.3 × min(1, imperative density × 50); above 0.7 is medium, from 0.9 high.
 */
import type { Hit, Rule } from '../../rule.js';
import { authorityClaimPatterns } from './authority-claim.js';
import { contextManipulationPatterns } from './context-manipulation.js';
import { exfiltrationPatterns } from './exfiltration.js';
import { overridePatterns } from './override.js';
import { type InjectionPattern, type PatternMatch, patternMatches } from './patterns.js';
import { privilegeEscalationPatterns } from './privilege-escalation.js';
import { roleHijackPatterns } from './role-hijack.js';
import { preparedOf } from './text.js';
import { toolTagPatterns } from './tool-tags.js';

/** Phrases too common to report alone (Tank #296: "you must" in prose) that still raise the score. */
export const weakPatterns: InjectionPattern[] = [
  { label: 'you must', re: /\byou\s+must\b/i, weight: 0.3, severity: 'low' },
  { label: 'never reveal', re: /\bnever\s+(?:reveal|disclose|mention)\b/i, weight: 0.55, severity: 'low' },
  {
    label: 'do not tell the user',
    re: /\b(?:do\s+not|don't|never)\s+(?:tell|inform|notify|alert|warn)\s+(?:the\s+)?(?:user|human|operator|developer)\b/i,
    weight: 0.6,
    severity: 'low',
  },
  {
    label: 'keep this secret',
    re: /\bkeep\s+(?:this|these|it|the\s+following)\s+(?:secret|hidden|confidential|between\s+us)\b/i,
    weight: 0.55,
    severity: 'low',
  },
  {
    label: 'without telling the user',
    re: /\bwithout\s+(?:asking|telling|informing|notifying|alerting)\s+(?:the\s+)?(?:user|human|operator)\b/i,
    weight: 0.5,
    severity: 'low',
  },
  {
    label: 'secretly',
    re: /\b(?:secretly|covertly|quietly\s+(?:send|upload|run|execute))\b/i,
    weight: 0.5,
    severity: 'low',
  },
];

const imperative =
  /\b(?:must|always|never|immediately|mandatory|obey|comply|do\s+not\s+tell|don't\s+tell|do\s+not\s+mention|without\s+telling|secretly|required\s+to)\b/gi;
const word = /[\p{L}\p{N}'’-]+/gu;

function count(re: RegExp, text: string): number {
  re.lastIndex = 0;
  let n = 0;
  while (re.exec(text) !== null) n += 1;
  return n;
}

export const injectionSuspicion: Rule = {
  id: 'injection_suspicion',
  stage: 'injection',
  severity: 'medium',
  title: 'Heuristic suspicion score of a prompt file from its injection patterns and imperative density',
  check: (ctx) => {
    const all: PatternMatch[] = [
      ...patternMatches(ctx, 'override', overridePatterns),
      ...patternMatches(ctx, 'role_hijack', roleHijackPatterns),
      ...patternMatches(ctx, 'context_manipulation', contextManipulationPatterns),
      ...patternMatches(ctx, 'exfiltration', exfiltrationPatterns),
      ...patternMatches(ctx, 'tool_tags', toolTagPatterns),
      ...patternMatches(ctx, 'privilege_escalation', privilegeEscalationPatterns),
      ...patternMatches(ctx, 'authority_claim', authorityClaimPatterns),
      ...patternMatches(ctx, 'weak', weakPatterns),
    ];
    const byFile = new Map<string, PatternMatch[]>();
    for (const match of all) {
      const list = byFile.get(match.file);
      if (list) list.push(match);
      else byFile.set(match.file, [match]);
    }
    const hits: Hit[] = [];
    for (const [file, matches] of [...byFile].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      const prepared = preparedOf(ctx, file);
      if (!prepared) continue;
      const words = count(word, prepared.visible);
      const density = words === 0 ? 0 : count(imperative, prepared.visible) / words;
      const mean = matches.reduce((sum, m) => sum + m.weight, 0) / matches.length;
      const score = 0.7 * mean + 0.3 * Math.min(1, density * 50);
      if (score <= 0.7) continue;
      const first = matches.reduce((a, b) => (b.line < a.line ? b : a));
      const labels = [...new Set(matches.map((m) => m.label))].slice(0, 5);
      hits.push({
        message: `Suspicion score ${score.toFixed(2)} from ${matches.length} pattern match(es) (${labels.join('; ')}) and imperative density ${(density * 100).toFixed(1)}%.`,
        file,
        line: first.line,
        evidence: first.evidence,
        severity: score >= 0.9 ? 'high' : 'medium',
      });
    }
    return hits;
  },
};
