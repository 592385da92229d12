/**
 * `binary_content` by magic bytes: each executable format is found without its extension, and the look-
 * alikes (text starting with `MZ`, images, a Java class versus a fat Mach-O sharing CAFEBABE) are told apart.
 */
import { describe, expect, it } from 'vitest';
import { detectExecutable } from '../../src/scanner/rules/structure/binary-content.js';

function bytes(...parts: (number[] | string | Buffer)[]): Buffer {
  return Buffer.concat(
    parts.map((part) =>
      typeof part === 'string'
        ? Buffer.from(part, 'latin1')
        : Buffer.isBuffer(part)
          ? part
          : Buffer.from(part),
    ),
  );
}

function peImage(): Buffer {
  const image = Buffer.alloc(256);
  image.write('MZ', 0, 'latin1');
  image.writeUInt32LE(0x80, 0x3c);
  image.write('PE\0\0', 0x80, 'latin1');
  return image;
}

describe('detectExecutable', () => {
  it.each([
    ['ELF', bytes([0x7f], 'ELF', [2, 1, 1, 0], Buffer.alloc(56)), 'ELF'],
    ['Mach-O 32 big-endian', bytes([0xfe, 0xed, 0xfa, 0xce], Buffer.alloc(28)), 'Mach-O'],
    ['Mach-O 64 big-endian', bytes([0xfe, 0xed, 0xfa, 0xcf], Buffer.alloc(28)), 'Mach-O'],
    ['Mach-O 32 little-endian', bytes([0xce, 0xfa, 0xed, 0xfe], Buffer.alloc(28)), 'Mach-O'],
    ['Mach-O 64 little-endian', bytes([0xcf, 0xfa, 0xed, 0xfe], Buffer.alloc(28)), 'Mach-O'],
    ['fat Mach-O (2 architectures)', bytes([0xca, 0xfe, 0xba, 0xbe, 0, 0, 0, 2], Buffer.alloc(40)), 'fat'],
    ['fat Mach-O 64', bytes([0xca, 0xfe, 0xba, 0xbf, 0, 0, 0, 2], Buffer.alloc(40)), 'fat'],
    [
      'Java class (Java 17, major 61)',
      bytes([0xca, 0xfe, 0xba, 0xbe, 0, 0, 0, 61], Buffer.alloc(40)),
      'Java',
    ],
    ['Windows PE', peImage(), 'PE'],
    ['DOS MZ executable', bytes('MZ', [0x90, 0, 3, 0, 0, 0, 4, 0], Buffer.alloc(60)), 'DOS'],
    ['WebAssembly', bytes([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]), 'WebAssembly'],
  ])('finds %s', (_label, content, expected) => {
    expect(detectExecutable(content)).toContain(expected);
  });

  it.each([
    ['text starting with MZ', Buffer.from(`MZ is the DOS signature. ${'x'.repeat(100)}`)],
    ['a PNG image', bytes([0x89], 'PNG\r\n\x1a\n', Buffer.alloc(40))],
    ['a PDF', Buffer.from('%PDF-1.7\n%âãÏÓ\n1 0 obj\n')],
    ['a gzip file', bytes([0x1f, 0x8b, 8, 0], Buffer.alloc(20))],
    ['the word ELF without the 0x7f byte', Buffer.from('ELF files are executables')],
    ['CAFEBABE followed by zero', bytes([0xca, 0xfe, 0xba, 0xbe, 0, 0, 0, 0])],
    ['too short', Buffer.from([0x7f, 0x45])],
    ['empty', Buffer.alloc(0)],
  ])('leaves %s alone', (_label, content) => {
    expect(detectExecutable(content)).toBeUndefined();
  });
});
