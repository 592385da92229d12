/**
 * Stage 3: instructions hidden from readers of the rendered Markdown but read by a model: HTML comments,
 * `[//]: # (…)` link-reference comments, elements styled invisible, and base64 inside comments.
 * Comments inside code are ignored; tool directives (`<!-- prettier-ignore -->`) are not instructions.
 */
import type { Rule } from '../../rule.js';
import { redactSecrets } from '../secrets/detect.js';
import { hitsPerLine, type PatternMatch } from './patterns.js';
import { lineOfOffset, type PreparedText, preparedOf, promptFiles } from './text.js';

const strong =
  /\b(?:ignore|disregard|forget|override|overrule|exfiltrate|jailbreak|pretend)\b|\byou\s+are\b|\bact\s+as\b|\bsystem\s+prompt\b|\b(?:new|real|hidden|secret|following|these|previous|prior|system|actual)\s+instructions?\b|\byour\s+(?:new\s+)?(?:role|task|goal)\b|\bdo\s+not\s+(?:tell|mention|reveal|inform)\b|\b(?:note\s+to|attention|dear|hey|hello)\s+(?:the\s+)?(?:ai|assistant|agent|model|claude|llm|gpt|chatgpt)\b|(?:^|\s)(?:ai|assistant|agent|model|claude|llm)\s*[:,]\s/i;
const weakWord =
  /\b(send|post|upload|system|role|reveal|run|execute|fetch|curl|download|delete|remove|secrets?|passwords?|tokens?|keys?|credentials?|must|always|never|immediately|silently|secretly|forward|email)\b/gi;
const addressee = /\b(?:you|your|the\s+(?:assistant|agent|model|ai)|claude|chatgpt|llm)\b/i;
/** Comments that configure tools rather than speak to anyone. */
const directive =
  /^\s*(?:prettier-ignore(?:-start|-end)?|markdownlint-[\w-]+.*|eslint-[\w-]+.*|cspell:.*|textlint-[\w-]+.*|vale\s+.*|secretlint-[\w-]+.*|toc|\/?toc|end\s*toc|omit\s+in\s+toc|@formatter:(?:on|off)|(?:begin|end|start|stop)(?:[\s_-]+[\w.-]+)*|all-?contributors-[\w-]+.*|region\b.*|endregion\b.*|more|truncate|#?\s*keep|no-?toc|lint-[\w-]+.*)\s*$/i;
const base64Run = /[A-Za-z0-9+/]{20,}={0,2}/g;

interface Signal {
  severity: 'high' | 'medium';
  weight: number;
  label: string;
}

function decodedText(run: string): string | undefined {
  if (!/[A-Z]/.test(run) || !/[a-z]/.test(run) || !/[0-9+/]/.test(run)) return undefined;
  const bytes = Buffer.from(run, 'base64');
  if (bytes.length < 12) return undefined;
  let printable = 0;
  for (const byte of bytes)
    if ((byte >= 32 && byte < 127) || byte === 10 || byte === 13 || byte === 9) printable += 1;
  if (printable / bytes.length < 0.9) return undefined;
  const text = bytes.toString('latin1');
  return /[a-z]{2,}\s+[a-z]{2,}/i.test(text) ? text : undefined;
}

/** What a hidden body says, if anything: instruction words, or base64 that decodes to text. */
function classify(body: string, hiddenKind: 'comment' | 'linkref' | 'element'): Signal | undefined {
  const text = body.trim();
  if (text.length <= 10) return undefined;
  if (hiddenKind === 'comment' && directive.test(text)) return undefined;
  for (const run of text.match(base64Run) ?? []) {
    const decoded = decodedText(run);
    if (decoded !== undefined)
      return { severity: 'high', weight: 0.85, label: `base64 in a hidden ${hiddenKind} decodes to text` };
    if (/[A-Z]/.test(run) && /[a-z]/.test(run) && /[0-9]/.test(run) && run.length >= 32)
      return { severity: 'medium', weight: 0.6, label: `opaque base64 in a hidden ${hiddenKind}` };
  }
  const words = new Set((text.match(weakWord) ?? []).map((w) => w.toLowerCase()));
  const instructs = strong.test(text) || (words.size > 0 && addressee.test(text));
  if (hiddenKind === 'linkref') {
    if (instructs || words.size >= 2)
      return { severity: 'medium', weight: 0.6, label: 'instructions in a [//]: # comment' };
    return undefined;
  }
  if (instructs) return { severity: 'high', weight: 0.85, label: `instructions in a hidden ${hiddenKind}` };
  if (words.size >= 2)
    return { severity: 'medium', weight: 0.6, label: `instruction words in a hidden ${hiddenKind}` };
  return undefined;
}

function evidenceOf(body: string): string {
  const flat = body.replace(/\s+/g, ' ').trim();
  return redactSecrets(flat.length > 120 ? `${flat.slice(0, 119)}…` : flat);
}

function scan(path: string, prepared: PreparedText): PatternMatch[] {
  const out: PatternMatch[] = [];
  const text = prepared.visible;
  const push = (start: number, body: string, kind: 'comment' | 'linkref' | 'element') => {
    const signal = classify(body, kind);
    if (!signal) return;
    out.push({
      file: path,
      line: lineOfOffset(prepared, start),
      start,
      weight: signal.weight,
      severity: signal.severity,
      label: signal.label,
      evidence: evidenceOf(body),
    });
  };
  // indexOf rather than a lazy regex: many unclosed `<!--` would make the regex quadratic.
  for (let open = text.indexOf('<!--'); open >= 0; ) {
    const close = text.indexOf('-->', open + 4);
    if (close < 0) break;
    push(open, text.slice(open + 4, close), 'comment');
    open = text.indexOf('<!--', close + 3);
  }
  if (text.includes(']:')) {
    const linkRefs =
      /^[ \t]{0,3}\[[^\]\n]{0,20}\]:[ \t]*(?:#|<>|\(\))[ \t]*(?:\(([^\n]*)\)|"([^\n]*)"|'([^\n]*)')[ \t]*$/gm;
    for (let m = linkRefs.exec(text); m !== null; m = linkRefs.exec(text))
      push(m.index, m[1] ?? m[2] ?? m[3] ?? '', 'linkref');
  }
  if (text.includes('hidden') || text.includes('display') || text.includes('font-size')) {
    const hidden =
      /<(div|span|p|section|details|font|small)\b[^>]{0,300}?(?:style\s*=\s*["'][^"'>]{0,300}?(?:display\s*:\s*none|visibility\s*:\s*hidden|font-size\s*:\s*0(?:px|pt|em)?\s*[;"'])|\shidden(?=[\s>=/]))[^>]{0,300}>([\s\S]{0,4000}?)<\/\1\s*>/gi;
    for (let m = hidden.exec(text); m !== null; m = hidden.exec(text)) push(m.index, m[2] ?? '', 'element');
  }
  return out;
}

export const injectionHiddenComment: Rule = {
  id: 'injection_hidden_comment',
  stage: 'injection',
  severity: 'high',
  title: 'Instructions or encoded text hidden in HTML comments, [//]: # comments or invisible elements',
  check: (ctx) => {
    const matches = promptFiles(ctx).flatMap((path) => {
      const prepared = preparedOf(ctx, path);
      return prepared ? scan(path, prepared) : [];
    });
    return hitsPerLine(matches, 'Hidden content');
  },
};
