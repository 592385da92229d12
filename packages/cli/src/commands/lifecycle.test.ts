/** yank, deprecate/undeprecate over a range, and visibility from the CLI against an in-process registry. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createTestUser, type TestApp, type TestUser } from '../../../../test-support/app.js';
import { type CliSandbox, errorCodeOf, nextSandbox } from '../../../../test-support/cli.js';
import { makeTempDir } from '../../../../test-support/db.js';
import { publishVersion } from '../../../../test-support/tarball.js';
import { runDeprecate, runVisibility, runYank } from './lifecycle.js';

let t: TestApp;
let owner: TestUser;
let stranger: TestUser;
beforeAll(async () => {
  t = await createTestApp();
  owner = await createTestUser(t.deps, t.defaultTenantId);
  stranger = await createTestUser(t.deps, t.defaultTenantId);
  for (const version of ['1.0.0', '1.1.0', '2.0.0'])
    expect((await publishVersion(t, owner.token, { name: 'life-cli', version })).status).toBe(200);
}, 120_000);
afterAll(() => t.close());

const sandbox = (token?: string): CliSandbox => nextSandbox(t, makeTempDir, token);
const versions = async (s: CliSandbox) => (await s.context().registry.getVersions('life-cli')).versions;

describe('agentry yank', () => {
  it('yanks with a reason, moves latest, and --undo restores it', async () => {
    const s = sandbox(owner.token);
    expect(await runYank(s.context(), 'life-cli@2.0.0', { reason: 'broken' })).toMatchObject({
      yanked: true,
    });
    expect((await s.context().registry.getArtifact('life-cli')).latestVersion).toBe('1.1.0');
    expect((await versions(s)).find((v) => v.version === '2.0.0')?.yanked).toBe(true);
    expect(await runYank(s.context(), 'life-cli@2.0.0', { undo: true })).toMatchObject({ yanked: false });
    expect((await s.context().registry.getArtifact('life-cli')).latestVersion).toBe('2.0.0');
  });

  it('needs an exact version, a login, and rights on the artifact', async () => {
    expect(await errorCodeOf(() => runYank(sandbox(owner.token).context(), 'life-cli'))).toBe('usage');
    expect(await errorCodeOf(() => runYank(sandbox(owner.token).context(), 'life-cli@^1'))).toBe('usage');
    expect(await errorCodeOf(() => runYank(sandbox().context(), 'life-cli@1.0.0'))).toBe('not_logged_in');
    expect(await errorCodeOf(() => runYank(sandbox(stranger.token).context(), 'life-cli@1.0.0'))).toBe(
      'forbidden',
    );
  });
});

describe('agentry deprecate', () => {
  it('deprecates the versions a range matches, and undeprecate clears them', async () => {
    const s = sandbox(owner.token);
    const result = await runDeprecate(s.context(), 'life-cli@<2', 'upgrade to 2.x');
    expect(result.versions.sort()).toEqual(['1.0.0', '1.1.0']);
    const listed = await versions(s);
    expect(
      listed
        .filter((v) => v.deprecated === 'upgrade to 2.x')
        .map((v) => v.version)
        .sort(),
    ).toEqual(['1.0.0', '1.1.0']);
    expect(listed.find((v) => v.version === '2.0.0')?.deprecated).toBeNull();
    expect((await runDeprecate(s.context(), 'life-cli', null)).versions).toHaveLength(3);
    expect((await versions(s)).every((v) => v.deprecated === null)).toBe(true);
  });

  it('refuses an empty message, a bad range, and a range nothing matches', async () => {
    const s = sandbox(owner.token);
    expect(await errorCodeOf(() => runDeprecate(s.context(), 'life-cli', '  '))).toBe('usage');
    expect(await errorCodeOf(() => runDeprecate(s.context(), 'life-cli@not-a-range', 'x'))).toBe('usage');
    expect(await errorCodeOf(() => runDeprecate(s.context(), 'life-cli@>5', 'x'))).toBe(
      'no_matching_version',
    );
  });
});

describe('agentry visibility', () => {
  it('makes an artifact private (strangers lose it) and public again', async () => {
    const s = sandbox(owner.token);
    expect(await runVisibility(s.context(), 'life-cli', 'private')).toEqual({
      name: 'life-cli',
      visibility: 'private',
    });
    expect(await errorCodeOf(() => sandbox(stranger.token).context().registry.getArtifact('life-cli'))).toBe(
      'not_found',
    );
    await runVisibility(s.context(), 'life-cli', 'public');
    expect((await sandbox().context().registry.getArtifact('life-cli')).visibility).toBe('public');
  });

  it('refuses unknown values and team for an unscoped name before asking the registry', async () => {
    const s = sandbox(owner.token);
    expect(await errorCodeOf(() => runVisibility(s.context(), 'life-cli', 'secret'))).toBe('usage');
    expect(await errorCodeOf(() => runVisibility(s.context(), 'life-cli', 'team'))).toBe('usage');
  });
});
