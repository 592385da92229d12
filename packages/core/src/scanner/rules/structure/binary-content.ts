/**
 * `binary_content`: an executable or compiled file recognised by its first bytes, whatever its name.
 * Stage 0 refuses binary extensions (`blocked_file_type`); renaming `tool.exe` to `tool` or `README`
 * must not get the same bytes through. Critical, like the extension rule. Recognised: ELF, Mach-O (32
 * and 64 bit, both byte orders, and universal "fat" binaries), PE/DOS `MZ` executables, Java class
 * files and WebAssembly modules. Images, PDFs and archives are data, not code, and are left alone.
 */
import { blockedExtensions } from '../../archive.js';
import type { Rule } from '../../rule.js';

function u32be(bytes: Uint8Array, at: number): number {
  return (
    (((bytes[at] ?? 0) << 24) |
      ((bytes[at + 1] ?? 0) << 16) |
      ((bytes[at + 2] ?? 0) << 8) |
      (bytes[at + 3] ?? 0)) >>>
    0
  );
}

function u32le(bytes: Uint8Array, at: number): number {
  return (
    ((bytes[at] ?? 0) |
      ((bytes[at + 1] ?? 0) << 8) |
      ((bytes[at + 2] ?? 0) << 16) |
      ((bytes[at + 3] ?? 0) << 24)) >>>
    0
  );
}

const machOMagics = new Set([0xfeedface, 0xfeedfacf, 0xcefaedfe, 0xcffaedfe]);

/** What kind of executable the bytes are, or undefined for anything else. */
export function detectExecutable(bytes: Uint8Array): string | undefined {
  if (bytes.length < 4) return undefined;
  const magic = u32be(bytes, 0);
  if (magic === 0x7f454c46) return 'an ELF executable';
  if (machOMagics.has(magic)) return 'a Mach-O executable';
  if (magic === 0x0061736d) return 'a WebAssembly module';
  if (magic === 0xcafebabf || magic === 0xbfbafeca) return 'a universal (fat) Mach-O executable';
  if (magic === 0xcafebabe && bytes.length >= 8) {
    // Java class files and fat Mach-O share CAFEBABE. Next comes the class's minor and major version
    // (major ≥ 45) or the fat header's architecture count (a handful): the `file` command's split.
    const next = u32be(bytes, 4);
    if (next === 0) return undefined;
    return next < 45 ? 'a universal (fat) Mach-O executable' : 'a compiled Java class';
  }
  if (bytes[0] === 0x4d && bytes[1] === 0x5a && bytes.length >= 64) {
    // `MZ` starts plenty of text ("MZ is …"); a real DOS/PE header points at `PE\0\0` or holds NUL bytes.
    const peOffset = u32le(bytes, 0x3c);
    if (peOffset + 4 <= bytes.length && u32be(bytes, peOffset) === 0x50450000)
      return 'a Windows PE executable';
    if (bytes.subarray(0, 64).includes(0)) return 'a DOS executable';
  }
  return undefined;
}

export const binaryContent: Rule = {
  id: 'binary_content',
  stage: 'structure',
  severity: 'critical',
  title: 'An executable or compiled file, recognised by its magic bytes',
  check: (ctx) => {
    const hits = [];
    for (const [path, entry] of ctx.files) {
      // Already reported by its extension in stage 0.
      if (blockedExtensions.test(path)) continue;
      const kind = detectExecutable(entry.content);
      if (!kind) continue;
      hits.push({
        message: `${path} is ${kind} (by its first bytes); artifacts may not ship compiled code.`,
        file: path,
      });
    }
    return hits;
  },
};
