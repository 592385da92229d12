import { parse as parseToml } from 'smol-toml';
import { describe, expect, it } from 'vitest';
import { parseFrontmatter, readRequires } from './frontmatter.js';
import { renderFile, renderHooks, renderMcpEntry } from './render.js';

const command = '---\ndescription: Review a diff\n---\n\nReview $ARGUMENTS carefully.\n';
const rule = '---\ndescription: TS style\nglobs: ["src/**/*.ts"]\n---\n\nUse strict mode.\n';
const agent = '---\nname: reviewer\ndescription: Reviews code\nmodel: sonnet\n---\n\nYou review code.\n';

describe('renderFile', () => {
  it('writes Gemini commands as TOML with {{args}}', () => {
    const parsed = parseToml(renderFile('gemini-command-toml', command, 'review')) as {
      description: string;
      prompt: string;
    };
    expect(parsed.description).toBe('Review a diff');
    expect(parsed.prompt).toBe('Review {{args}} carefully.\n');
  });

  it('writes Codex subagents as TOML with developer_instructions, dropping Claude model aliases', () => {
    const parsed = parseToml(renderFile('codex-agent-toml', agent, 'reviewer')) as Record<string, string>;
    expect(parsed).toEqual({
      name: 'reviewer',
      description: 'Reviews code',
      developer_instructions: 'You review code.\n',
    });
  });

  it('writes rules in each tool dialect', () => {
    expect(parseFrontmatter(renderFile('cursor-rule', rule, 'ts')).data).toEqual({
      description: 'TS style',
      globs: 'src/**/*.ts',
      alwaysApply: false,
    });
    expect(parseFrontmatter(renderFile('claude-rule', rule, 'ts')).data).toEqual({ paths: ['src/**/*.ts'] });
    expect(parseFrontmatter(renderFile('copilot-instructions', rule, 'ts')).data).toEqual({
      applyTo: 'src/**/*.ts',
    });
    expect(parseFrontmatter(renderFile('windsurf-rule', rule, 'ts')).data).toEqual({
      trigger: 'glob',
      globs: 'src/**/*.ts',
      description: 'TS style',
    });
    const always = '---\ndescription: Always\n---\n\nAlways.\n';
    expect(parseFrontmatter(renderFile('cursor-rule', always, 'a')).data.alwaysApply).toBe(true);
    expect(parseFrontmatter(renderFile('windsurf-rule', always, 'a')).data).toEqual({ trigger: 'always_on' });
    expect(parseFrontmatter(renderFile('copilot-instructions', always, 'a')).data).toEqual({ applyTo: '**' });
    expect(renderFile('markdown-body', command, 'review')).toBe('Review $ARGUMENTS carefully.\n');
    expect(renderFile('markdown', command, 'review')).toBe(command);
  });
});

describe('renderMcpEntry', () => {
  const local = { command: 'node', args: ['s.js'], env: { K: 'v' } };
  const remote = { url: 'https://mcp.example.com/mcp', headers: { A: 'b' } };
  it('spells local servers per tool', () => {
    expect(renderMcpEntry('claude', local)).toEqual({
      type: 'stdio',
      command: 'node',
      args: ['s.js'],
      env: { K: 'v' },
    });
    expect(renderMcpEntry('standard', local)).toEqual({ command: 'node', args: ['s.js'], env: { K: 'v' } });
    expect(renderMcpEntry('opencode', local)).toEqual({
      type: 'local',
      command: ['node', 's.js'],
      enabled: true,
      environment: { K: 'v' },
    });
  });
  it('spells remote servers per tool', () => {
    expect(renderMcpEntry('vscode', remote)).toEqual({ type: 'http', url: remote.url, headers: { A: 'b' } });
    expect(renderMcpEntry('gemini', remote)).toEqual({ httpUrl: remote.url, headers: { A: 'b' } });
    expect(renderMcpEntry('windsurf', remote)).toEqual({ serverUrl: remote.url, headers: { A: 'b' } });
    expect(renderMcpEntry('codex', remote)).toEqual({ url: remote.url, http_headers: { A: 'b' } });
    expect(renderMcpEntry('opencode', remote)).toEqual({
      type: 'remote',
      url: remote.url,
      enabled: true,
      headers: { A: 'b' },
    });
  });
});

describe('renderHooks', () => {
  const defs = {
    PostToolUse: [
      {
        matcher: 'Edit',
        hooks: [{ type: 'command' as const, command: '${AGENTRY_HOOK_DIR}/fmt.sh', timeout: 5 }],
      },
    ],
    SubagentStop: [{ hooks: [{ type: 'command' as const, command: 'x' }] }],
  };
  it('maps events and expands the hook folder', () => {
    expect(renderHooks('claude', defs, '.agentry/hooks/fmt').events.PostToolUse).toEqual([
      { matcher: 'Edit', hooks: [{ type: 'command', command: '.agentry/hooks/fmt/fmt.sh', timeout: 5 }] },
    ]);
    const gemini = renderHooks('gemini', defs, 'h');
    expect(Object.keys(gemini.events)).toEqual(['AfterTool']);
    expect(gemini.skipped).toEqual(['SubagentStop']);
    expect(renderHooks('cursor', defs, 'h').events).toEqual({ postToolUse: [{ command: 'h/fmt.sh' }] });
    expect(renderHooks('copilot', defs, 'h').events).toEqual({
      postToolUse: [{ type: 'command', bash: 'h/fmt.sh', timeoutSec: 5 }],
    });
  });
});

describe('readRequires', () => {
  it('reads lists and maps, and ignores anything else', () => {
    expect(readRequires({ requires: ['a', '@o/b@^1.2', 'c@'] })).toEqual({ a: '*', '@o/b': '^1.2', c: '*' });
    expect(readRequires({ requires: { a: '~1', b: '' } })).toEqual({ a: '~1', b: '*' });
    expect(readRequires({ requires: 'a' })).toEqual({});
  });
});
