/**
 * `bidi_override`: Unicode bidirectional embedding, override and isolate controls (U+202A–U+202E,
 * U+2066–U+2069) in any text file. They reorder how text is displayed, so a reviewer sees something
 * other than what an agent or interpreter reads ("Trojan Source", CVE-2021-42574). Critical: no
 * legitimate artifact needs them; right-to-left languages render correctly without them.
 */
import type { Hit, Rule } from '../../rule.js';
import { describeChar, FileHits, linesOf, visibleLine } from './unicode-shared.js';

const bidi = /[\u202a-\u202e\u2066-\u2069]/g;
const anyBidi = /[\u202a-\u202e\u2066-\u2069]/;

export const bidiOverride: Rule = {
  id: 'bidi_override',
  stage: 'structure',
  severity: 'critical',
  title: 'Bidirectional override characters that reorder displayed text',
  check: (ctx) => {
    const hits: Hit[] = [];
    for (const file of ctx.textFiles()) {
      const text = ctx.textOf(file) ?? '';
      if (!anyBidi.test(text)) continue;
      const fileHits = new FileHits();
      for (const { line, text: content } of linesOf(text)) {
        const found = [...new Set(content.match(bidi) ?? [])];
        if (found.length === 0) continue;
        fileHits.add(() => ({
          message: `${found.map(describeChar).join(', ')} in ${file} changes how this line is displayed.`,
          file,
          line,
          evidence: visibleLine(content),
        }));
      }
      hits.push(...fileHits.done());
    }
    return hits;
  },
};
