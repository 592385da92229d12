/** Which single wrapping folder the ingest stage strips, and which it keeps as content. */
import { readArchive } from '@agentry/core/scanner';
import { expect, it } from 'vitest';
import { makeTarball } from '../../../../test-support/tarball.js';

const pathsOf = async (files: Record<string, string>, prefix?: string) =>
  [...readArchive(await makeTarball(files, prefix ? { prefix } : {})).files.keys()].sort();

it("strips npm's package/ folder and a folder holding the artifact's root files", async () => {
  expect(await pathsOf({ 'SKILL.md': 'x', 'a/b.md': 'y' }, 'package/')).toEqual(['SKILL.md', 'a/b.md']);
  expect(await pathsOf({ 'my-skill/SKILL.md': 'x', 'my-skill/run.sh': 'y' })).toEqual(['SKILL.md', 'run.sh']);
});

it('keeps a lone content folder such as hooks/ or agents/', async () => {
  expect(await pathsOf({ 'hooks/format.sh': 'x', 'hooks/hooks.json': '{}' })).toEqual([
    'hooks/format.sh',
    'hooks/hooks.json',
  ]);
  expect(await pathsOf({ 'agents/reviewer.md': 'x' })).toEqual(['agents/reviewer.md']);
});
