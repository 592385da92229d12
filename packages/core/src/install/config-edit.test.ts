import { parse as parseJsonc } from 'jsonc-parser';
import { parse as parseToml } from 'smol-toml';
import { describe, expect, it } from 'vitest';
import {
  addJsonListEntries,
  hasMarkdownBlock,
  readJsonConfig,
  removeJsonEntry,
  removeJsonListEntries,
  removeMarkdownBlock,
  removeTomlTable,
  sameJson,
  setJsonEntry,
  setMarkdownBlock,
  setTomlTable,
} from './config-edit.js';
import { InstallError } from './install-error.js';

const userJsonc = `{
  // my own servers
  "mcpServers": {
    "mine": { "command": "my-server", "args": ["--port", "1"] }, // keep me
  },
  "theme": "dark"
}
`;

describe('JSON config edits', () => {
  it('adds an entry beside the user entries and keeps comments', () => {
    const out = setJsonEntry(userJsonc, '.mcp.json', ['mcpServers'], 'demo', { command: 'demo', args: [] });
    expect(out).toContain('// my own servers');
    expect(out).toContain('// keep me');
    const parsed = parseJsonc(out);
    expect(parsed.mcpServers.mine).toEqual({ command: 'my-server', args: ['--port', '1'] });
    expect(parsed.mcpServers.demo).toEqual({ command: 'demo', args: [] });
    expect(parsed.theme).toBe('dark');
  });

  it('removing the entry again gives a file with the same meaning', () => {
    const added = setJsonEntry(userJsonc, '.mcp.json', ['mcpServers'], 'demo', { command: 'demo' });
    const removed = removeJsonEntry(added, '.mcp.json', ['mcpServers'], 'demo');
    expect(sameJson(removed, userJsonc, '.mcp.json')).toBe(true);
    expect(removed).toContain('// keep me');
  });

  it("keeps a one-line file on one line, and a tab-indented file's tabs; removal gives back the bytes", () => {
    const oneLine = '{"mcpServers": {"mine": {"command": "my-server"}}}\n';
    const added = setJsonEntry(oneLine, '.mcp.json', ['mcpServers'], 'demo', {
      command: 'demo',
      args: ['x'],
    });
    expect(added.trimEnd()).not.toContain('\n');
    expect(parseJsonc(added).mcpServers).toEqual({
      mine: { command: 'my-server' },
      demo: { command: 'demo', args: ['x'] },
    });
    expect(removeJsonEntry(added, '.mcp.json', ['mcpServers'], 'demo')).toBe(oneLine);
    const tabs = '{\n\t"mcpServers": {\n\t\t"mine": {}\n\t}\n}\n';
    const tabbed = setJsonEntry(tabs, '.mcp.json', ['mcpServers'], 'demo', { command: 'demo' });
    expect(tabbed).toBe(
      '{\n\t"mcpServers": {\n\t\t"mine": {},\n\t\t"demo": {\n\t\t\t"command": "demo"\n\t\t}\n\t}\n}\n',
    );
    expect(removeJsonEntry(tabbed, '.mcp.json', ['mcpServers'], 'demo')).toBe(tabs);
  });

  it('writes a new or empty-object file indented, not on one line', () => {
    for (const start of [undefined, '{}\n', '{ }']) {
      const created = setJsonEntry(start, '.mcp.json', ['mcpServers'], 'demo', { command: 'demo' });
      expect(created).toBe(
        '{\n  "mcpServers": {\n    "demo": {\n      "command": "demo"\n    }\n  }\n}\n'.replace(
          /\n$/,
          start === '{ }' ? '' : '\n',
        ),
      );
    }
  });

  it('creates the key in a new file and drops it when emptied', () => {
    const created = setJsonEntry(
      undefined,
      'x.json',
      ['mcp'],
      'a',
      { type: 'local' },
      { $schema: 'https://opencode.ai/config.json' },
    );
    expect(JSON.parse(created)).toEqual({
      $schema: 'https://opencode.ai/config.json',
      mcp: { a: { type: 'local' } },
    });
    expect(JSON.parse(removeJsonEntry(created, 'x.json', ['mcp'], 'a'))).toEqual({
      $schema: 'https://opencode.ai/config.json',
    });
  });

  it('refuses a file that does not parse, with config_unreadable', () => {
    expect(() => setJsonEntry('{ "mcpServers": ', 'bad.json', ['mcpServers'], 'x', {})).toThrow(InstallError);
    try {
      readJsonConfig('[1,2]', 'list.json');
    } catch (error) {
      expect((error as InstallError).code).toBe('config_unreadable');
    }
  });

  it('adds and removes exactly its own hook list entries', () => {
    const user = JSON.stringify({ hooks: { Stop: [{ hooks: [{ type: 'command', command: 'mine' }] }] } });
    const ours = {
      Stop: [{ hooks: [{ type: 'command', command: 'ours' }] }],
      SessionStart: [{ hooks: [{ type: 'command', command: 'hi' }] }],
    };
    const added = addJsonListEntries(user, 's.json', ['hooks'], ours);
    const parsed = JSON.parse(added);
    expect(parsed.hooks.Stop).toHaveLength(2);
    expect(parsed.hooks.SessionStart).toHaveLength(1);
    // Adding twice does not duplicate.
    expect(JSON.parse(addJsonListEntries(added, 's.json', ['hooks'], ours)).hooks.Stop).toHaveLength(2);
    const removed = removeJsonListEntries(added, 's.json', ['hooks'], ours);
    expect(JSON.parse(removed)).toEqual(JSON.parse(user));
  });
});

describe('TOML config edits (Codex)', () => {
  const user =
    '# my config\nmodel = "o3"\n\n[mcp_servers.mine]\ncommand = "mine"\n\n[mcp_servers.mine.env]\nA = "1"\n';

  it('adds a table, keeps the rest, and parses', () => {
    const out = setTomlTable(user, 'config.toml', ['mcp_servers'], 'demo', {
      command: 'node',
      args: ['x.js'],
      env: { TOKEN: 'y' },
    });
    expect(out).toContain('# my config');
    const parsed = parseToml(out) as {
      model: string;
      mcp_servers: Record<string, { command: string; env?: Record<string, string> }>;
    };
    expect(parsed.model).toBe('o3');
    expect(parsed.mcp_servers.mine?.env).toEqual({ A: '1' });
    expect(parsed.mcp_servers.demo?.command).toBe('node');
    expect(parsed.mcp_servers.demo?.env).toEqual({ TOKEN: 'y' });
  });

  it('replacing a table leaves one copy; removing it restores the original bytes', () => {
    const once = setTomlTable(user, 'config.toml', ['mcp_servers'], 'demo', { command: 'a' });
    const twice = setTomlTable(once, 'config.toml', ['mcp_servers'], 'demo', {
      command: 'b',
      env: { K: 'v' },
    });
    expect(
      (parseToml(twice) as { mcp_servers: Record<string, { command: string }> }).mcp_servers.demo?.command,
    ).toBe('b');
    expect(twice.match(/\[mcp_servers\.demo\]/g)).toHaveLength(1);
    expect(removeTomlTable(twice, 'config.toml', ['mcp_servers'], 'demo')).toBe(user);
  });

  it('refuses invalid TOML', () => {
    expect(() => setTomlTable('[broken', 'config.toml', ['mcp_servers'], 'x', { command: 'x' })).toThrow(
      InstallError,
    );
  });
});

describe('Markdown blocks (AGENTS.md)', () => {
  const user = '# Project\n\nBe kind to the tests.\n';
  it('adds, replaces and removes a marked block, giving back the original text', () => {
    const added = setMarkdownBlock(user, '@acme/style', 'Use tabs.');
    expect(added.startsWith(user.trimEnd())).toBe(true);
    expect(hasMarkdownBlock(added, '@acme/style')).toBe(true);
    const replaced = setMarkdownBlock(added, '@acme/style', 'Use spaces.');
    expect(replaced).toContain('Use spaces.');
    expect(replaced).not.toContain('Use tabs.');
    const other = setMarkdownBlock(replaced, 'other', 'Second.');
    const removed = removeMarkdownBlock(removeMarkdownBlock(other, '@acme/style'), 'other');
    expect(removed).toBe(user);
  });
});
