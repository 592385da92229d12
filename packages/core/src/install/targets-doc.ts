/** The install targets in words: one placement for tables and agents, and the whole table for docs/cli.md. */
import {
  type ComponentKind,
  installTargets,
  type Placement,
  type Scope,
  toolIds,
} from './install-targets.js';

const kindColumns: [ComponentKind, string][] = [
  ['skill', 'Skills'],
  ['command', 'Commands'],
  ['agent', 'Subagents'],
  ['instruction', 'Rules'],
  ['hook', 'Hooks'],
  ['mcp', 'MCP servers'],
];

/** A placement in words for tables and agents: a folder, a file (with its format), a block or a config key. */
export function describePlacement(placement: Placement | undefined): string {
  if (!placement) return '—';
  switch (placement.type) {
    case 'dir':
      return `\`${placement.path}/\``;
    case 'file':
      return `\`${placement.path}\`${placement.format === 'markdown' ? '' : ` (${placement.format})`}`;
    case 'block':
      return `block in \`${placement.path}\``;
    case 'mcp':
      return `\`${placement.path}\` → \`${placement.key.join('.')}\``;
    case 'hooks':
      return placement.ownFile
        ? `\`${placement.path}\``
        : `\`${placement.path}\` → \`${placement.key.join('.')}\``;
  }
}

/** The placement table as Markdown, for docs/cli.md (a test keeps the two in step). */
export function renderTargetsTable(): string {
  const lines = [
    `| Tool | Scope | ${kindColumns.map(([, label]) => label).join(' | ')} |`,
    `|---|---|${kindColumns.map(() => '---|').join('')}`,
  ];
  for (const tool of toolIds) {
    for (const scope of ['project', 'user'] as Scope[]) {
      const cells = kindColumns.map(([kind]) =>
        describePlacement(installTargets[tool].places[kind]?.[scope]),
      );
      lines.push(`| ${installTargets[tool].name} | ${scope} | ${cells.join(' | ')} |`);
    }
  }
  return `${lines.join('\n')}\n`;
}
