/**
 * A gzipped ustar archive built in memory from a file map, byte-for-byte the same for the same files:
 * sorted entries, mtime 0, mode 0644, no owner names. Only regular files; a path that ustar cannot
 * hold (over 255 bytes, or no split into a 155-byte prefix and a 100-byte name) is refused, so callers
 * filter paths first.
 */
import { gzipSync } from 'node:zlib';

function splitPath(path: string): { name: string; prefix: string } | undefined {
  const bytes = Buffer.byteLength(path);
  if (bytes <= 100) return { name: path, prefix: '' };
  if (bytes > 255) return undefined;
  // The prefix ends at a slash; try the longest prefix that fits, leaving a name of at most 100 bytes.
  for (let cut = path.lastIndexOf('/'); cut > 0; cut = path.lastIndexOf('/', cut - 1)) {
    const prefix = path.slice(0, cut);
    const name = path.slice(cut + 1);
    if (Buffer.byteLength(prefix) <= 155 && Buffer.byteLength(name) <= 100 && name.length > 0)
      return { name, prefix };
  }
  return undefined;
}

export function canStoreInTar(path: string): boolean {
  return splitPath(path) !== undefined;
}

function header(path: string, size: number): Buffer {
  const split = splitPath(path);
  if (!split) throw new Error(`"${path.slice(0, 80)}" does not fit a ustar header`);
  const block = Buffer.alloc(512);
  const octal = (value: number, length: number) => `${value.toString(8).padStart(length - 1, '0')}\0`;
  block.write(split.name, 0, 100, 'utf8');
  block.write(octal(0o644, 8), 100, 'ascii');
  block.write(octal(0, 8), 108, 'ascii');
  block.write(octal(0, 8), 116, 'ascii');
  block.write(octal(size, 12), 124, 'ascii');
  block.write(octal(0, 12), 136, 'ascii');
  block.fill(' ', 148, 156);
  block.write('0', 156, 'ascii');
  block.write('ustar\x0000', 257, 'ascii');
  block.write(split.prefix, 345, 155, 'utf8');
  let sum = 0;
  for (const byte of block) sum += byte;
  block.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'ascii');
  return block;
}

export function writeTarGz(files: ReadonlyMap<string, Uint8Array>): Buffer {
  const parts: Buffer[] = [];
  const paths = [...files.keys()].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  for (const path of paths) {
    const content = Buffer.from(files.get(path) as Uint8Array);
    parts.push(header(path, content.length), content, Buffer.alloc((512 - (content.length % 512)) % 512));
  }
  parts.push(Buffer.alloc(1024));
  return gzipSync(Buffer.concat(parts), { level: 9 });
}
