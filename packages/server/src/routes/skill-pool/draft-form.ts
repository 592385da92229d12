/** Reading a draft submission's multipart body; the work itself is domain/draft-submissions.ts. */
import { AgentryError } from '@agentry/core';
import type { Context } from 'hono';
import type { AppDeps } from '../../app-deps.js';
import type { SkillDraft } from '../../db/inbox-schema.js';
import { parseDraftMetadata, submitDraft } from '../../domain/draft-submissions.js';
import type { AppEnv } from '../../http/context.js';

/** `metadata` (JSON text) and `bundle` (a file) from the form; anything unreadable is skill-pool's 400. */
export async function createDraftFromForm(
  deps: AppDeps,
  c: Context<AppEnv>,
  userId: string,
): Promise<SkillDraft> {
  let form: Record<string, string | File>;
  try {
    // parseBody reads the body once and caches it for the route's own validator.
    form = await c.req.parseBody();
  } catch (error) {
    throw new AgentryError('bad_request', { message: `multipart: ${(error as Error).message}` });
  }
  const metadataPart = form.metadata;
  const metadataText =
    typeof metadataPart === 'string' ? metadataPart : metadataPart ? await metadataPart.text() : undefined;
  const metadata = parseDraftMetadata(metadataText);
  const bundle = form.bundle;
  if (bundle === undefined) throw new AgentryError('bad_request', { message: 'missing `bundle` field' });
  const bytes =
    typeof bundle === 'string'
      ? Buffer.from(bundle, 'utf8')
      : Buffer.from(new Uint8Array(await bundle.arrayBuffer()));
  const tenant = c.get('tenant');
  return submitDraft(deps, { tenantId: tenant.id, tenantSlug: tenant.slug, userId, metadata, bytes });
}
