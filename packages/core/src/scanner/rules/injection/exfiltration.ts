/** Stage 3: instructions to move conversation content, secrets or files out to somewhere else. */
import type { Rule } from '../../rule.js';
import { hitsPerLine, type InjectionPattern, patternMatches } from './patterns.js';

const verbs =
  '(?:send|post|upload|forward|transmit|exfiltrate|leak|e-?mail|mail|copy|pipe|submit|share|beacon|relay|deliver|dump|push|sync|curl|wget|fetch)';
const sensitive =
  "(?:conversation|chat(?:\\s+(?:history|log|transcript))?|transcript|message\\s+history|system\\s+prompt|(?:hidden|initial|original)\\s+(?:prompt|instructions)|secrets?|credentials?|api[\\s_-]?keys?|(?:access|auth|bearer|session|oauth|refresh)\\s+tokens?|tokens|passwords?|passphrases?|private\\s+keys?|ssh\\s+keys?|keys|env(?:ironment)?(?:\\s+(?:variables|vars))?|\\.env(?:\\s+files?)?|~/\\.(?:ssh|aws|gnupg|config|npmrc|netrc)[\\w/.-]*|id_rsa|id_ed25519|cookies|session\\s+data|seed\\s+phrases?|wallets?|keychain|(?:user(?:'s)?|personal|customer)\\s+data)";
const generic =
  "(?:(?:all|every|each|the\\s+entire|the\\s+whole|the\\s+user's|the\\s+user’s)\\s+(?:of\\s+the\\s+)?(?:files?|contents|code|codebase|source(?:\\s+code)?|repository|repo|data|director(?:y|ies)|folders?|documents|history|memory|context|workspace|project))";
const destination =
  "(?:to|at|via|into|using|on|toward)\\s+(?:[\\w'.-]+\\s+){0,3}?(?:https?://|ftps?://|wss?://|[\\w.+-]+@[\\w-]+\\.[\\w.-]+|(?:a\\s+|an\\s+|the\\s+)?(?:webhook|pastebin|gist|discord|telegram|ngrok|requestbin|pipedream|interactsh)|(?:this|that|the|my|our|a|an|following|external|remote|attacker'?s?|third-party)\\s+(?:url|address|endpoint|server|webhook|e-?mail|host|domain|channel|api|site|ip|bucket|inbox))";

export const exfiltrationPatterns: InjectionPattern[] = [
  {
    label: 'send secrets or the conversation to an outside address',
    re: new RegExp(
      `\\b${verbs}\\s+(?:[\\w'’-]+\\s+){0,4}?${sensitive}\\b[^.\\n]{0,80}?\\b${destination}`,
      'i',
    ),
    weight: 0.95,
    severity: 'critical',
    negatable: true,
  },
  {
    label: 'send files to an outside address',
    re: new RegExp(`\\b${verbs}\\s+(?:[\\w'’-]+\\s+){0,3}?${generic}\\b[^.\\n]{0,80}?\\b${destination}`, 'i'),
    weight: 0.8,
    severity: 'high',
    negatable: true,
  },
  {
    label: 'reveal the system prompt',
    re: /\b(?:reveal|print|output|display|show|leak|dump|disclose|expose|repeat|recite|tell\s+me|give\s+me|write\s+out|echo|paste|spell\s+out)\s+(?:(?:me|your|the|all|any|its|my|full|entire|complete|exact|verbatim|whole|raw)\s+)*(?:system\s+(?:prompt|message|instructions)|initial\s+(?:prompt|instructions)|original\s+(?:prompt|instructions)|hidden\s+(?:prompt|instructions)|secret\s+instructions|confidential\s+instructions|pre-?prompt|instructions\s+(?:above|you\s+were\s+given))\b/i,
    weight: 0.9,
    severity: 'critical',
    negatable: true,
  },
  {
    label: 'reveal secrets or environment variables',
    re: /\b(?:reveal|leak|dump|disclose|expose|exfiltrate|harvest|steal|collect)\s+(?:(?:me|your|the|all|any|its|my|every|user's|stored|saved)\s+)*(?:secrets?|credentials?|api[\s_-]?keys?|(?:access|auth|session)\s+tokens?|passwords?|env(?:ironment)?\s+(?:variables|vars)|\.env(?:\s+files?)?|private\s+keys?|ssh\s+keys?|cookies)\b/i,
    weight: 0.9,
    severity: 'critical',
    negatable: true,
  },
  {
    label: 'put secrets into a URL or image',
    re: /\b(?:append|add|include|encode|embed|put|insert|attach)\s+(?:(?:the|your|all|any|user's)\s+)*(?:conversation|chat\s+history|secrets?|credentials?|api[\s_-]?keys?|tokens?|passwords?|system\s+prompt|env(?:ironment\s+variables)?|\.env)\s+(?:to|in|into|as)\s+(?:the\s+|a\s+|an\s+)?(?:url|link|image|query(?:\s+string)?|request|markdown\s+image|parameter|img\s+src)\b/i,
    weight: 0.9,
    severity: 'critical',
    negatable: true,
  },
  {
    label: 'Markdown image that leaks data in its URL',
    re: /!\[[^\]\n]{0,100}\]\(\s*https?:\/\/[^)\s]{0,200}[?&/][\w.-]{0,40}=?\s*(?:\{\{?|\[|<|\$\{?|%7B)\s*(?:conversation|chat|history|secrets?|env|api[_ -]?keys?|tokens?|passwords?|credentials|system[_ -]?prompt|messages?|summary|user[_ -]?data)/i,
    weight: 0.9,
    severity: 'critical',
  },
  {
    label: 'repeat the above',
    re: /\brepeat\s+(?:(?:everything|all|the\s+(?:text|words|content|instructions|prompt|messages?))\s+(?:above|before\s+this|so\s+far)|the\s+above)\b/i,
    weight: 0.6,
    severity: 'medium',
    negatable: true,
  },
];

export const injectionExfiltration: Rule = {
  id: 'injection_exfiltration',
  stage: 'injection',
  severity: 'critical',
  title:
    'Prompt text asks to send secrets, files or the conversation elsewhere, or to reveal the system prompt',
  check: (ctx) => hitsPerLine(patternMatches(ctx, 'exfiltration', exfiltrationPatterns), 'Exfiltration'),
};
