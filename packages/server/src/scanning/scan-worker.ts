/**
 * Worker-thread entry: scans one archive per message, so a slow or hostile archive never blocks the
 * event loop. Returns the report plus the little the publish pipeline needs from the files.
 */
import { readFileSync } from 'node:fs';
import { parentPort } from 'node:worker_threads';
import type { ArtifactKind, Permissions } from '@agentry/core';
import { scanArchive } from '@agentry/core/scanner';

export interface ScanJob {
  id: number;
  /** The archive, or the file holding it (an upload streamed to disk is read here, off the request thread). */
  bytes?: Uint8Array;
  path?: string;
  kind?: ArtifactKind;
  description?: string;
  permissions?: Permissions;
  manifestFromArchive?: boolean;
  knownMalicious: string[];
}

export interface ScanOutcome {
  id: number;
  ok: true;
  report: ReturnType<typeof scanArchive>['report'];
  hasSkillMd: boolean;
  readme?: string;
}

parentPort?.on('message', (job: ScanJob) => {
  try {
    const bytes = job.bytes ?? readFileSync(job.path ?? '');
    const { report, files } = scanArchive(bytes, {
      ...(job.kind === undefined ? {} : { kind: job.kind }),
      ...(job.manifestFromArchive ? { manifestFromArchive: true } : {}),
      ...(job.description === undefined ? {} : { description: job.description }),
      ...(job.permissions === undefined ? {} : { permissions: job.permissions }),
      knownMalicious: job.knownMalicious,
    });
    const readme = files.get('README.md') ?? files.get('SKILL.md');
    const outcome: ScanOutcome = {
      id: job.id,
      ok: true,
      report,
      hasSkillMd: files.has('SKILL.md'),
      ...(readme ? { readme: readme.content.toString('utf8').slice(0, 512 * 1024) } : {}),
    };
    parentPort?.postMessage(outcome);
  } catch (error) {
    parentPort?.postMessage({
      id: job.id,
      ok: false,
      message: error instanceof Error ? error.message : String(error),
    });
  }
});
