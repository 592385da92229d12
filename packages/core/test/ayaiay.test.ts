import { describe, expect, it } from 'vitest';
import { PackManifestError, packLayout, parsePackManifest } from '../src/ayaiay.js';
import { listComponents } from '../src/install/components.js';

const none = () => undefined;

function issues(source: string, read: (path: string) => string | undefined = none) {
  try {
    parsePackManifest(source, read);
  } catch (error) {
    if (error instanceof PackManifestError) return error.issues.map((i) => i.path.join('.'));
    throw error;
  }
  return [];
}

describe('ayaiay.yaml', () => {
  it('reads the flat shape and lays it out where the installer reads a pack', () => {
    const pack = parsePackManifest(
      'name: kit\nversion: 1.2.0\ndescription: A kit\ntags: [a, b]\nagents:\n  - name: rev\n    system_prompt: Review.\ninstructions:\n  - name: style\n    content: Be brief.\nprompts:\n  - name: ask\n    template: Ask {{x}}.\n',
      none,
    );
    expect(pack).toMatchObject({ shape: 'flat', name: 'kit', version: '1.2.0', tags: ['a', 'b'] });
    const files = packLayout(pack, new Map());
    expect([...files.keys()].sort()).toEqual(['agents/rev.md', 'instructions/style.md', 'prompts/ask.md']);
    const components = listComponents(files, 'pack', 'kit').map((c) => `${c.kind}:${c.name}`);
    expect(components.sort()).toEqual(['agent:rev', 'command:ask', 'instruction:style']);
  });

  it('reads the spec-nested shape, resolving paths inside the pack', () => {
    const repo: Record<string, string> = {
      'a/x.md': 'X agent',
      'skills/s/SKILL.md': '---\nname: s\ndescription: d\n---\nbody',
      'mcp/m.yaml': 'name: m\ncommand: run-m\nargs: [--stdio]\n',
    };
    const pack = parsePackManifest(
      'apiVersion: v1\nkind: Pack\nmetadata:\n  name: nest\nspec:\n  agents:\n    - name: x\n      instructions: ./a/x.md\n  skills:\n    - path: ./skills/s/SKILL.md\n  mcp_servers:\n    - path: ./mcp/m.yaml\n',
      (path) => repo[path],
    );
    expect(pack.agents[0]).toMatchObject({ name: 'x', path: 'a/x.md', content: 'X agent' });
    expect(pack.mcpServers[0]).toMatchObject({ name: 'm', command: 'run-m', args: ['--stdio'] });
    const layout = packLayout(pack, new Map(Object.entries(repo).map(([k, v]) => [k, Buffer.from(v)])));
    expect([...layout.keys()].sort()).toEqual(['agents/x.md', 'mcp-servers/m.json', 'skills/s/SKILL.md']);
  });

  it('refuses bad names, extra keys, duplicates, missing files and paths that leave the pack', () => {
    expect(issues('name: Bad_Name\n')).toEqual(['name']);
    expect(issues('name: ok\nsurprise: 1\n')).toEqual(['']);
    expect(issues('name: ok\nagents:\n  - name: a\n  - name: a\n')).toEqual(['agents.1.name']);
    expect(
      issues(
        'apiVersion: v1\nkind: Pack\nmetadata:\n  name: ok\nspec:\n  agents:\n    - name: a\n      instructions: ./missing.md\n',
      ),
    ).toEqual(['spec.agents.0.instructions']);
    expect(
      issues(
        'apiVersion: v1\nkind: Pack\nmetadata:\n  name: ok\nspec:\n  instructions:\n    - name: a\n      path: ../../etc/passwd\n',
      ),
    ).toEqual(['spec.instructions.0.path']);
    expect(issues(': not yaml: [')).toEqual(['']);
    expect(parsePackManifest('name: empty\n', none).warnings).toEqual(['The pack is empty.']);
  });
});
