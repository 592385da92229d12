/**
 * Stage 3: literal tool-call, system and chat-turn markup in prompt text, which can make a model treat
 * file content as a system message, a tool call or another speaker's turn.
 */
import type { Rule } from '../../rule.js';
import { hitsPerLine, type InjectionPattern, patternMatches } from './patterns.js';
import { proseCue } from './prose.js';

/**
 * Mentions of markup in prose ("never emit <system> tags") are not the markup itself: skip a tag when a
 * prose cue precedes it and its line talks about tags or tokens.
 */
function mentionedInProse(visible: string, start: number, end: number): boolean {
  const lineStart = visible.lastIndexOf('\n', start - 1) + 1;
  let lineEnd = visible.indexOf('\n', end);
  if (lineEnd < 0) lineEnd = visible.length;
  const line = visible.slice(lineStart, lineEnd);
  if (!/\b(tags?|tokens?|markers?|delimiters?|elements?|markup|syntax)\b/i.test(line)) return false;
  return proseCue.test(visible.slice(Math.max(lineStart, start - 40), start));
}

// `\x3c` is "<": tag names are written with it so this file never contains the raw markup.
const toolTag =
  /\x3c\/?\s*(?:tool_use|tool_result|tool_calls?|function_calls?|function_results?|function_call_output|system(?:[-_](?:reminder|prompt|message|instructions))?|human|assistant|antml:[a-z_]+)(?:\s[^>\n]{0,120})?\/?>/i;

export const toolTagPatterns: InjectionPattern[] = [
  {
    label: 'tool-call or system tag',
    re: toolTag,
    weight: 0.95,
    severity: 'critical',
    skip: mentionedInProse,
  },
  {
    label: 'invoke tag',
    re: /\x3c\/?\s*invoke\s+name\s*=/i,
    weight: 0.9,
    severity: 'critical',
    skip: mentionedInProse,
  },
  {
    label: 'chat-template token',
    re: /<\|\s*(?:im_start|im_end|im_sep|system|user|assistant|endoftext|begin_of_text|end_of_text|start_header_id|end_header_id|eot_id|start_of_turn|end_of_turn)\s*\|>/i,
    weight: 0.95,
    severity: 'critical',
    skip: mentionedInProse,
  },
  {
    label: '[SYSTEM] marker',
    re: /\[(?:SYSTEM|System|SYSTEM PROMPT|SYSTEM MESSAGE)\](?![([:])/,
    weight: 0.95,
    severity: 'critical',
    skip: mentionedInProse,
  },
  {
    label: 'Llama [INST]/<<SYS>> marker',
    re: /\[\/?INST\](?![([:])|<<\/?SYS>>/,
    weight: 0.9,
    severity: 'critical',
    skip: mentionedInProse,
  },
  {
    label: '[HUMAN]/[ASSISTANT] marker',
    re: /\[(?:HUMAN|ASSISTANT|USER)\](?![([:])/,
    weight: 0.8,
    severity: 'high',
    skip: mentionedInProse,
  },
  {
    label: 'Human:/Assistant: turn marker',
    re: /^[ \t>]*(?:\*\*|__)?(?:Human|Assistant)(?:\*\*|__)?\s*:(?:\*\*|__)?(?=\s)/m,
    weight: 0.8,
    severity: 'high',
  },
];

export const injectionToolTags: Rule = {
  id: 'injection_tool_tags',
  stage: 'injection',
  severity: 'critical',
  title: 'Prompt text contains literal tool-call, system or chat-turn markup',
  check: (ctx) => hitsPerLine(patternMatches(ctx, 'tool_tags', toolTagPatterns), 'Tool or turn markup'),
};
