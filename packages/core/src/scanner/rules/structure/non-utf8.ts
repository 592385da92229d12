/**
 * `non_utf8`: a file with a text extension (or a well-known text name such as README or LICENSE) that
 * is not valid UTF-8, e.g. Latin-1 or UTF-16. Other stages only read UTF-8 text, so such a file would
 * escape every text check; agents may still read it. Medium. Files with NUL bytes and no UTF-16/32
 * byte-order mark are binary data with a misleading name and are left to stage 0's file-type rules.
 */
import type { Rule } from '../../rule.js';

const textExtension =
  /\.(md|markdown|mdx|txt|rst|adoc|py|pyi|js|mjs|cjs|jsx|ts|mts|cts|tsx|sh|bash|zsh|fish|ps1|bat|cmd|json|jsonc|json5|yaml|yml|toml|ini|cfg|conf|env|csv|tsv|xml|html?|css|scss|less|svg|sql|graphql|gql|rb|go|rs|java|kt|swift|c|h|cc|cpp|hpp|cs|php|pl|lua|r|vue|svelte|astro|tf|hcl|properties|gradle|lock)$/i;
const textName =
  /(^|\/)(README|LICEN[CS]E|COPYING|NOTICE|CHANGELOG|AUTHORS|CONTRIBUTING|Makefile|Dockerfile|Procfile|Gemfile|\.[\w.-]+rc)$/i;

/** Offset of the first byte that breaks UTF-8, or -1 when the bytes are valid UTF-8. */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i] ?? 0;
    if (b < 0x80) {
      i += 1;
      continue;
    }
    let need: number;
    let min: number;
    if (b >= 0xc2 && b <= 0xdf) [need, min] = [1, 0x80];
    else if (b >= 0xe0 && b <= 0xef) [need, min] = [2, 0x800];
    else if (b >= 0xf0 && b <= 0xf4) [need, min] = [3, 0x10000];
    else return i;
    let cp = b & (need === 1 ? 0x1f : need === 2 ? 0x0f : 0x07);
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (c & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += need + 1;
  }
  return -1;
}

function utf16or32Bom(bytes: Uint8Array): string | undefined {
  const [a, b, c, d] = [bytes[0], bytes[1], bytes[2], bytes[3]];
  if (a === 0xff && b === 0xfe && c === 0 && d === 0) return 'UTF-32';
  if (a === 0 && b === 0 && c === 0xfe && d === 0xff) return 'UTF-32';
  if ((a === 0xff && b === 0xfe) || (a === 0xfe && b === 0xff)) return 'UTF-16';
  return undefined;
}

export const nonUtf8: Rule = {
  id: 'non_utf8',
  stage: 'structure',
  severity: 'medium',
  title: 'A text file is not valid UTF-8',
  check: (ctx) => {
    const hits = [];
    for (const [path, entry] of ctx.files) {
      if (!textExtension.test(path) && !textName.test(path)) continue;
      if (ctx.textOf(path) !== undefined) continue;
      const bytes = entry.content;
      const bom = utf16or32Bom(bytes);
      if (bom) {
        hits.push({
          message: `${path} is ${bom} text; other checks only read UTF-8, so save it as UTF-8.`,
          file: path,
          line: 1,
        });
        continue;
      }
      if (bytes.subarray(0, 8192).includes(0)) continue;
      const bad = firstInvalidUtf8(bytes);
      if (bad < 0) continue;
      let line = 1;
      for (let i = 0; i < bad; i++) if (bytes[i] === 10) line += 1;
      hits.push({
        message: `${path} is not valid UTF-8 (byte 0x${(bytes[bad] ?? 0).toString(16).padStart(2, '0')} at offset ${bad}); other checks only read UTF-8, so save it as UTF-8.`,
        file: path,
        line,
      });
    }
    return hits;
  },
};
