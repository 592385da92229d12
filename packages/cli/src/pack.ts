/**
 * Packs a folder the way publishing does: the ignore rules (ignore.ts), sorted entries, no mtimes,
 * modes fixed to 0644 (0755 for executables), no owner names — so the same folder always gives the
 * same bytes. Links are never followed out of the folder: publish refuses them, and `scan` packs them
 * as links so the scanner reports them.
 */
import { lstatSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { create } from 'tar';
import { loadIgnore, secretReason } from './ignore.js';

export interface PackListing {
  files: string[];
  links: string[];
  ignoreSource: string;
  /** Local secrets found and left out whatever the ignore rules say, as `path (reason)`. */
  secrets: string[];
}

export function listPackEntries(root: string): PackListing {
  const ignore = loadIgnore(root);
  const files: string[] = [];
  const links: string[] = [];
  const secrets: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
      a.name < b.name ? -1 : 1,
    )) {
      const full = join(dir, entry.name);
      const rel = relative(root, full).split('\\').join('/');
      if (ignore.ignores(rel, entry.isDirectory())) continue;
      if (entry.isSymbolicLink()) links.push(rel);
      else if (entry.isDirectory()) walk(full);
      else if (entry.isFile()) {
        const reason = secretReason(root, rel);
        if (reason) secrets.push(`${rel} (${reason})`);
        else files.push(rel);
      }
    }
  };
  walk(root);
  return { files, links, ignoreSource: ignore.source, secrets };
}

export function listPackFiles(root: string): string[] {
  const { files, links } = listPackEntries(root);
  return [...files, ...links].sort();
}

export async function packFiles(root: string, files: string[]): Promise<Buffer> {
  const chunks: Buffer[] = [];
  const stream = create(
    {
      gzip: { level: 9 },
      cwd: root,
      portable: true,
      noMtime: true,
      onWriteEntry: (entry) => {
        const stat = (entry as unknown as { stat?: { mode: number } }).stat;
        if (stat) stat.mode = (stat.mode & 0o170000) | (stat.mode & 0o111 ? 0o755 : 0o644);
      },
    },
    files,
  );
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}

export function packDirectory(root: string): Promise<Buffer> {
  return packFiles(root, listPackFiles(root));
}

/** Size of a file list, for publish's summary. */
export function totalSize(root: string, files: string[]): number {
  return files.reduce((sum, file) => sum + lstatSync(join(root, file)).size, 0);
}
