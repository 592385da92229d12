import type { Rule } from '../../rule.js';
import { shellHits } from './shell.js';
import { base64Decode, interpreter, span, untilPipe } from './shell-patterns.js';

const patterns = [
  // echo … | base64 -d | sh
  new RegExp(String.raw`${base64Decode}${untilPipe}\|[ \t]*(?:${interpreter}|eval\b|source\b)`, 'g'),
  // eval "$(echo … | base64 --decode)"
  new RegExp(String.raw`\beval\b[^\n]{0,${span}}?${base64Decode}`, 'g'),
  // bash -c "$(… | base64 -d)", bash <(… | base64 -d)
  new RegExp(
    String.raw`\b(?:(?:ba|z|da|k)?sh|source)[ \t]+(?:-c[ \t]+)?["']?[$<]\([^)\n]{0,${span}}${base64Decode}`,
    'g',
  ),
  // xxd -r -p … | sh
  new RegExp(String.raw`\bxxd[ \t]+-r\b${untilPipe}\|[ \t]*${interpreter}`, 'g'),
];

/** Decoding base64 (or hex) and running the result: a payload hidden from anyone reading the script. */
export const shBase64Exec: Rule = {
  id: 'sh_base64_exec',
  stage: 'static',
  severity: 'critical',
  title: 'Shell decodes base64 and executes the result',
  check: (ctx) =>
    shellHits(
      ctx,
      patterns,
      () => ({
        message:
          'Decodes an encoded blob and executes it: decode-then-execute hides the real commands from review.',
      }),
      { inline: true, observe: ['subprocess'] },
    ),
};
