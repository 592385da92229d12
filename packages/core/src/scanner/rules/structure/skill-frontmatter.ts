/**
 * `skill_frontmatter`: a skill's SKILL.md must open with YAML frontmatter that follows the Agent Skills
 * specification. High when the frontmatter is missing, unclosed or not valid YAML (duplicate keys
 * included), is not a mapping, or when `name` (1–64 characters, lowercase letters, digits and single
 * hyphens, no leading or trailing hyphen) or `description` (1–1024 characters) is missing or invalid:
 * clients skip or misload such a skill. Low for top-level keys outside the specification (name,
 * description, license, compatibility, metadata, allowed-tools) and the known Claude Code extensions,
 * and for optional fields of the wrong shape. Only for artifacts of kind `skill` with a SKILL.md
 * (`missing_skill_md` covers its absence). The folder-name match of the specification is not checked:
 * an archive's top folder is stripped at ingest.
 */
import { isMap, isScalar, isSeq, type Pair, parseDocument } from 'yaml';
import type { Hit, Rule } from '../../rule.js';
import { lineAt } from '../../rule.js';

const specKeys = ['name', 'description', 'license', 'compatibility', 'metadata', 'allowed-tools'];
const claudeCodeKeys = [
  'disable-model-invocation',
  'user-invocable',
  'context',
  'agent',
  'model',
  'argument-hint',
  'hooks',
  'when_to_use',
  'tags',
  'requires',
  'version',
];
const knownKeys = new Set([...specKeys, ...claudeCodeKeys]);
const namePattern = /^[a-z0-9]+(-[a-z0-9]+)*$/;

interface Frontmatter {
  yaml: string;
  /** Line number in SKILL.md of the first YAML line. */
  firstLine: number;
}

/** The frontmatter block, or a reason there is none. */
function extract(text: string): Frontmatter | { problem: string } {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  if (lines[0]?.trimEnd() !== '---') {
    return { problem: 'SKILL.md must start with YAML frontmatter between two `---` lines.' };
  }
  const close = lines.findIndex(
    (line, index) => index > 0 && (line.trimEnd() === '---' || line.trimEnd() === '...'),
  );
  if (close < 0) return { problem: 'The frontmatter of SKILL.md is never closed with a `---` line.' };
  return { yaml: lines.slice(1, close).join('\n'), firstLine: 2 };
}

function scalarText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

export const skillFrontmatter: Rule = {
  id: 'skill_frontmatter',
  stage: 'structure',
  severity: 'high',
  title: 'SKILL.md frontmatter does not follow the Agent Skills specification',
  check: (ctx) => {
    if (ctx.kind !== 'skill' || !ctx.files.has('SKILL.md')) return [];
    const file = 'SKILL.md';
    const text = ctx.textOf(file);
    if (text === undefined) {
      return [{ message: 'SKILL.md is not UTF-8 text, so its frontmatter cannot be read.', file, line: 1 }];
    }
    const block = extract(text);
    if ('problem' in block) return [{ message: block.problem, file, line: 1 }];
    const lineOf = (offset: number | undefined) => block.firstLine - 1 + lineAt(block.yaml, offset ?? 0);

    const doc = parseDocument(block.yaml, { uniqueKeys: true, prettyErrors: false });
    const error = doc.errors[0];
    if (error) {
      return [
        {
          message: `The frontmatter of SKILL.md is not valid YAML: ${error.message.split('\n')[0]}`,
          file,
          line: lineOf(error.pos[0]),
        },
      ];
    }
    if (!isMap(doc.contents)) {
      return [{ message: 'The frontmatter of SKILL.md must be a mapping of keys to values.', file, line: 1 }];
    }
    let data: Record<string, unknown>;
    try {
      data = doc.toJS({ maxAliasCount: 100 }) as Record<string, unknown>;
    } catch (caught) {
      return [
        {
          message: `The frontmatter of SKILL.md cannot be read: ${(caught as Error).message}`,
          file,
          line: 1,
        },
      ];
    }
    const keyLines = new Map<string, number>();
    for (const pair of doc.contents.items as Pair[]) {
      const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
      keyLines.set(key, lineOf(isScalar(pair.key) ? pair.key.range?.[0] : undefined));
    }
    const at = (key: string) => keyLines.get(key) ?? 1;

    const required: Hit[] = [];
    const optional: Hit[] = [];
    const name = scalarText(data.name);
    if (data.name === undefined || data.name === null) {
      required.push({ message: 'The frontmatter of SKILL.md has no `name`.', file, line: 1 });
    } else if (name === undefined || name.length < 1 || name.length > 64 || !namePattern.test(name)) {
      required.push({
        message: `The skill name ${JSON.stringify(data.name)} must be 1–64 lowercase letters, digits and single hyphens, not starting or ending with a hyphen.`,
        file,
        line: at('name'),
        evidence: `name: ${String(data.name).slice(0, 80)}`,
      });
    }
    const description = scalarText(data.description);
    if (data.description === undefined || data.description === null) {
      required.push({ message: 'The frontmatter of SKILL.md has no `description`.', file, line: 1 });
    } else if (description === undefined || description.trim().length === 0 || description.length > 1024) {
      required.push({
        message:
          description !== undefined && description.length > 1024
            ? `The skill description is ${description.length} characters; the limit is 1024.`
            : 'The skill description must be a non-empty string.',
        file,
        line: at('description'),
      });
    }

    const low = (message: string, key: string) =>
      optional.push({ message, file, line: at(key), severity: 'low' });
    if (data.license !== undefined && typeof data.license !== 'string')
      low('`license` must be a string.', 'license');
    if (data.compatibility !== undefined) {
      const compatibility = data.compatibility;
      if (typeof compatibility !== 'string' || compatibility.length < 1 || compatibility.length > 500)
        low('`compatibility` must be a string of 1–500 characters.', 'compatibility');
    }
    if (data.metadata !== undefined) {
      const metadata = doc.contents.get('metadata', true);
      const valid =
        isMap(metadata) &&
        metadata.items.every((item) => isScalar(item.value) && typeof item.value.value === 'string');
      if (!valid) low('`metadata` must map strings to strings.', 'metadata');
    }
    if (data['allowed-tools'] !== undefined) {
      const tools = doc.contents.get('allowed-tools', true);
      const valid =
        (isScalar(tools) && typeof tools.value === 'string') ||
        (isSeq(tools) && tools.items.every((item) => isScalar(item) && typeof item.value === 'string'));
      if (!valid)
        low('`allowed-tools` must be a space-separated string (or a list of tool names).', 'allowed-tools');
    }
    for (const key of keyLines.keys()) {
      if (!knownKeys.has(key)) {
        low(
          `Unknown frontmatter key \`${key.slice(0, 60)}\`: not in the Agent Skills specification nor a known client extension.`,
          key,
        );
      }
    }
    return [...required, ...optional];
  },
};
