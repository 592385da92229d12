import { describe, expect, it } from 'vitest';
import { validateSkillPoolBundle } from './skill-pool-bundle.js';
import { writeTarGz } from './tar-write.js';

function tarGz(files: Record<string, string>): Buffer {
  return writeTarGz(new Map(Object.entries(files).map(([path, text]) => [path, Buffer.from(text)])));
}

const skill = (front: string, body = 'Body.\n') => tarGz({ 'SKILL.md': `---\n${front}---\n${body}` });

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    return (error as { code?: string }).code;
  }
  return undefined;
}

describe('validateSkillPoolBundle', () => {
  it('reads name, description, tags, when_to_use and requires (slugs mapped to names, no range = *)', () => {
    const result = validateSkillPoolBundle(
      skill(
        'name: x\ndescription: Does x.\ntags: [a]\nwhen_to_use: Often.\nrequires:\n  - base\n  - acme__lib@^2.0.0\n',
      ),
    );
    expect(result).toMatchObject({
      name: 'x',
      description: 'Does x.',
      tags: ['a'],
      when_to_use: 'Often.',
      requires: { base: '*', '@acme/lib': '^2.0.0' },
    });
    expect(result.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it.each([
    ['AWS access key ID', 'AKIAABCDEFGHIJKLMNOP', 'AKIAabcdefghijklmnop'],
    ['GitHub personal access token', `ghp_${'a'.repeat(36)}`, `ghp_${'a'.repeat(35)}`],
    ['GitHub OAuth token', `gho_${'Z'.repeat(36)}`, `gho_${'Z'.repeat(20)}`],
    ['PEM private key block', '-----BEGIN EC PRIVATE KEY-----', '-----BEGIN PUBLIC KEY-----'],
  ])('refuses a %s and accepts its near miss', (_label, positive, negative) => {
    expect(codeOf(() => validateSkillPoolBundle(skill('description: d\n', `${positive}\n`)))).toBe(
      'bad_request',
    );
    expect(codeOf(() => validateSkillPoolBundle(skill('description: d\n', `${negative}\n`)))).toBeUndefined();
  });

  it('counts the description in bytes, not characters', () => {
    expect(codeOf(() => validateSkillPoolBundle(skill(`description: ${'é'.repeat(768)}\n`)))).toBeUndefined();
    expect(codeOf(() => validateSkillPoolBundle(skill(`description: ${'é'.repeat(769)}\n`)))).toBe(
      'bad_request',
    );
  });

  it('checks home paths in the body only', () => {
    expect(codeOf(() => validateSkillPoolBundle(skill('description: d\nsrc: /home/a\n')))).toBeUndefined();
    expect(codeOf(() => validateSkillPoolBundle(skill('description: d\n', 'see /home/a/x\n')))).toBe(
      'bad_request',
    );
  });

  it('refuses a bundle over the size limit before reading it', () => {
    expect(codeOf(() => validateSkillPoolBundle(skill('description: d\n'), 10))).toBe('bad_request');
  });
});
