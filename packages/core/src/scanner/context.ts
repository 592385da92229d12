/** Builds the scan context over the safe files of an archive. */
import type { ArtifactKind } from '../names.js';
import type { Permissions } from '../permissions.js';
import type { ArchiveEntry } from './archive.js';
import type { ScanContext } from './rule.js';

const examplePath =
  /(^|\/)(tests?|__tests__|spec|specs|examples?|samples?|fixtures?|demo|docs?)(\/|$)|\.(test|spec)\.[a-z]+$|\.example$/i;
const decoder = new TextDecoder('utf-8', { fatal: true });

export function createScanContext(
  files: ReadonlyMap<string, ArchiveEntry>,
  kind: ArtifactKind,
  permissions: Permissions | undefined,
  knownMalicious: ReadonlySet<string> = new Set(),
): ScanContext {
  const texts = new Map<string, string | undefined>();
  const textOf = (path: string) => {
    if (texts.has(path)) return texts.get(path);
    const entry = files.get(path);
    let text: string | undefined;
    if (entry && !entry.content.includes(0)) {
      try {
        text = decoder.decode(entry.content);
      } catch {
        text = undefined;
      }
    }
    texts.set(path, text);
    return text;
  };
  return {
    files,
    kind,
    permissions,
    textOf,
    textFiles: () => [...files.keys()].filter((path) => textOf(path) !== undefined).sort(),
    isExamplePath: (path) => examplePath.test(path),
    observations: [],
    cache: new Map(),
    knownMalicious,
  };
}
