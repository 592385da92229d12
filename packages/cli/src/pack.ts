/**
 * Packs a folder into a gzipped tarball the way publishing does: sorted entries, fixed mtimes and
 * modes, `.git` and `node_modules` left out. Links are kept as links so the scanner reports them
 * (publish refuses them) rather than silently following them out of the folder.
 */
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { create } from 'tar';

const alwaysExcluded = new Set(['.git', 'node_modules', '.DS_Store']);

export function listPackFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
      a.name < b.name ? -1 : 1,
    )) {
      if (alwaysExcluded.has(entry.name)) continue;
      const full = join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else out.push(relative(root, full).split('\\').join('/'));
    }
  };
  walk(root);
  return out;
}

export async function packDirectory(root: string): Promise<Buffer> {
  const files = listPackFiles(root);
  const chunks: Buffer[] = [];
  const stream = create({ gzip: true, cwd: root, portable: true, noMtime: true, mtime: new Date(0) }, files);
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}
