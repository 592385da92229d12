/**
 * Stage 3: instructions to switch off safety, security or permission checks, or to run with root rights.
 * A `sudo` command in a shell example is not a finding: code is blanked before matching and bare `sudo`
 * is not a pattern.
 */
import type { Rule } from '../../rule.js';
import { hitsPerLine, type InjectionPattern, patternMatches } from './patterns.js';

/** "when run as root", "is run as root", "processes that run as root" describe behaviour, not an order. */
function describesRoot(visible: string, start: number): boolean {
  const before = visible.slice(Math.max(0, start - 40), start).toLowerCase();
  return /\b(?:when|if|is|are|was|were|be|been|being|unless|while|whether|that|which|who|gets?|got|not|processes|process|daemons?|services?|containers?|programs?|it)\s+(?:\w+\s+)?$/.test(
    before,
  );
}

export const privilegeEscalationPatterns: InjectionPattern[] = [
  {
    label: 'disable safety or security checks',
    re: /\b(?:disable|turn\s+off|switch\s+off|deactivate|remove|bypass|circumvent|skip|ignore|override|evade|get\s+around|suppress|neutrali[sz]e)\s+(?:(?:all|any|the|your|its|these|those|every|built-in|existing)\s+)*(?:safety|security|content|ethical|moderation|approval|confirmation)\s+(?:checks?|filters?|guardrails?|measures|features|restrictions|protections?|policies|settings|mechanisms|scans?|scanners?|controls|mode|rules|guidelines|layers?|prompts?|validations?|reviews?|systems?)\b/i,
    weight: 0.95,
    severity: 'critical',
    negatable: true,
  },
  {
    label: 'disable your safety',
    re: /\b(?:disable|turn\s+off|deactivate|remove|bypass|ignore|override|forget)\s+(?:your|its|all\s+(?:of\s+)?your)\s+(?:safety|ethics|morals|alignment|guardrails|safeguards|training|restrictions|filters)\b/i,
    weight: 0.95,
    severity: 'critical',
    negatable: true,
  },
  {
    label: 'run as root',
    re: /\b(?:run|execute|launch|start|invoke|perform)\s+(?:(?:this|it|everything|all\s+commands|every\s+command|commands|all\s+tools|the\s+(?:script|command|commands|tool|tools|agent|following))\s+)?(?:as|with)\s+(?:root|superuser|uid\s*0|elevated\s+(?:privileges|rights|permissions)|root\s+(?:privileges|rights|access|permissions)|full\s+(?:system\s+)?(?:privileges|rights))\b/i,
    weight: 0.9,
    severity: 'critical',
    negatable: true,
    skip: describesRoot,
  },
  {
    label: 'ignore permissions',
    re: /\b(?:ignore|bypass|skip|override|circumvent|disregard|evade)\s+(?:(?:all|any|the|file|user|tool|these|those)\s+)*(?:permissions|permission\s+(?:checks?|prompts?|requests?|restrictions|boundaries|settings|model|system|rules|dialogs?)|access\s+controls?|acls|authori[sz]ation(?:\s+checks?)?|declared\s+permissions)\b/i,
    weight: 0.9,
    severity: 'critical',
    negatable: true,
  },
  {
    label: 'grant itself full access',
    re: /\b(?:grant|give|assign)\s+(?:yourself|itself|the\s+agent|the\s+assistant|the\s+model|this\s+(?:skill|agent|tool|plugin))\s+(?:full|root|admin|administrator|unrestricted|elevated|complete|superuser|unlimited)\s+(?:access|privileges|permissions|rights|control)\b/i,
    weight: 0.9,
    severity: 'critical',
  },
  {
    label: 'escape the sandbox',
    re: /\b(?:disable|turn\s+off|bypass|escape|break\s+out\s+of|get\s+out\s+of)\s+(?:the\s+|your\s+|its\s+|any\s+)?sandbox(?:ing)?\b/i,
    weight: 0.85,
    severity: 'high',
    negatable: true,
  },
  {
    label: 'skip-permissions flag in prose',
    re: /(?:--dangerously-skip-permissions|--dangerously-bypass-approvals-and-sandbox|--yolo\b|\bauto-?approve\s+(?:all|every)\s+(?:tool\s+calls?|commands?|actions?|requests?|permissions?))/i,
    weight: 0.8,
    severity: 'high',
    negatable: true,
  },
  {
    label: 'escalate privileges',
    re: /\b(?:escalate|elevate|raise)\s+(?:your\s+|its\s+|the\s+agent's\s+)?(?:privileges|permissions|access\s+level)\b/i,
    weight: 0.6,
    severity: 'medium',
    negatable: true,
  },
];

export const injectionPrivilegeEscalation: Rule = {
  id: 'injection_privilege_escalation',
  stage: 'injection',
  severity: 'critical',
  title: 'Prompt text asks to disable safety, security or permission checks, or to run as root',
  check: (ctx) =>
    hitsPerLine(
      patternMatches(ctx, 'privilege_escalation', privilegeEscalationPatterns),
      'Privilege escalation',
    ),
};
