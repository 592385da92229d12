/** The rule table of docs/scanner.md, generated from the rule registry so the docs cannot drift. */
import { ingestRules } from './ingest-rules.js';
import { rules } from './rules/index.js';
import { stageNames } from './types.js';

export function renderRulesTable(): string {
  const all = [...ingestRules, ...rules].sort(
    (a, b) => stageNames.indexOf(a.stage) - stageNames.indexOf(b.stage) || (a.id < b.id ? -1 : 1),
  );
  const lines = ['| Stage | Rule | Default severity | What it finds |', '|---|---|---|---|'];
  for (const rule of all) {
    lines.push(
      `| ${stageNames.indexOf(rule.stage)} ${rule.stage} | \`${rule.id}\` | ${rule.severity} | ${rule.title.replace(/\|/g, '\\|')} |`,
    );
  }
  return `${lines.join('\n')}\n`;
}
