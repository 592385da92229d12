/**
 * Two-phase publish. `initiatePublish` (publish-reserve.ts) validates and reserves name@version as
 * `pending-upload` and hands out an upload URL; `confirmPublish` (publish-confirm.ts) checks the uploaded
 * bytes against the client's SHA-512, scans them, and publishes in one transaction (publish-record.ts). A
 * version is visible only once `published`, so a crash at any point leaves at most an invisible row, which
 * `sweepStalePublishes` (publish-cleanup.ts) clears. This module is the one-shot publish over those steps.
 */
import { AgentryError, computeIntegrity } from '@agentry/core';
import { discardReservation } from './publish-cleanup.js';
import { type ConfirmResult, confirmPublish } from './publish-confirm.js';
import type { PublishDeps } from './publish-deps.js';
import { type InitiateInput, initiatePublish } from './publish-reserve.js';
import { tarballKey } from './versions.js';

export interface PublishArchiveInput extends InitiateInput {
  bytes: Buffer;
}

/**
 * A one-shot publish (AI Toolkit's multipart upload): the same reserve → store → verify-and-scan steps
 * as the two-phase publish, with the server holding the bytes, so every surface publishes alike.
 */
export async function publishArchive(
  deps: PublishDeps,
  input: PublishArchiveInput,
): Promise<ConfirmResult & { packageId: string; versionId: string }> {
  if (input.bytes.length > deps.maxUploadBytes) {
    throw new AgentryError('payload_too_large', { details: { maxBytes: deps.maxUploadBytes } });
  }
  const reserved = await initiatePublish(deps, input);
  try {
    await deps.blobs.put(tarballKey(input.tenantId, reserved.versionId), input.bytes, {
      maxBytes: deps.maxUploadBytes,
      contentType: 'application/gzip',
    });
  } catch (error) {
    const row = await deps.db
      .selectFrom('versions')
      .selectAll()
      .where('id', '=', reserved.versionId)
      .executeTakeFirst();
    if (row) await discardReservation(deps, row).catch(() => {});
    throw error;
  }
  const result = await confirmPublish(deps, {
    tenantId: input.tenantId,
    viewer: input.viewer,
    packageId: reserved.packageId,
    versionId: reserved.versionId,
    integrity: computeIntegrity(input.bytes),
    readme: input.readme,
  });
  return { ...result, packageId: reserved.packageId, versionId: reserved.versionId };
}
