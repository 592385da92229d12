/**
 * Finds package installs performed at run time: `npm install x`, `yarn add x`, `pnpm add x`,
 * `bun add x`, `npx -y x`, `pnpm dlx x`, `bunx x`, `pip install x`, `python -m pip install x`,
 * `uv pip install x`, `pipx run x`, `uvx x`, `uv tool run x`, `easy_install x`, in code (JS/TS,
 * Python, shell) and in the instructions of SKILL.md (and of agent/command markdown). In markdown only
 * code is read (fenced blocks and inline code spans): prose that mentions a command is not an order.
 * Installing the declared dependencies (`npm install`, `npm ci`, `pip install -r requirements.txt`,
 * `pip install .`) names no package and is not reported. The `dynamic_install`, `known_malicious` and
 * `typosquat` rules share the result.
 */
import { fileGate, fileLiteralHits } from '../../literals.js';
import type { ScanContext } from '../../rule.js';
import type { Ecosystem } from './dependency.js';
import { parseRequirement } from './python-manifests.js';

export interface InstallCommand {
  file: string;
  line: number;
  ecosystem: Ecosystem;
  /** The tool as matched, e.g. `pip install`, `npx -y`. */
  tool: string;
  /** Package arguments as written (a variable or template when the name is computed). */
  targets: string[];
  /** Package names that could be read from the targets (no versions, no computed names). */
  names: string[];
  /** A target or option points outside the registry: a URL, git, GitHub shorthand or custom index. */
  remote: boolean;
  evidence: string;
}

const codeFile = /\.(m?[jt]sx?|c[jt]s|py|sh|bash|zsh)$/i;
const S = '[\\s"\'`,]+';

interface Tool {
  pattern: RegExp;
  ecosystem: Ecosystem;
  /** Only the first positional argument is a package (runners); the rest are its arguments. */
  runner?: boolean;
  /** The command only installs when -y/--yes is given (npx, npm exec). */
  needsYes?: boolean;
}

const tools: Tool[] = [
  { pattern: new RegExp(`\\bnpm${S}(?:install|isntall|add|in|i)(?![\\w-])`), ecosystem: 'npm' },
  { pattern: new RegExp(`\\bnpm${S}(?:exec|x)(?![\\w-])`), ecosystem: 'npm', runner: true, needsYes: true },
  { pattern: new RegExp(`\\byarn${S}(?:global${S})?add(?![\\w-])`), ecosystem: 'npm' },
  { pattern: new RegExp(`\\bpnpm${S}(?:add|install|i)(?![\\w-])`), ecosystem: 'npm' },
  { pattern: new RegExp(`\\bbun${S}(?:add|install|i)(?![\\w-])`), ecosystem: 'npm' },
  { pattern: /\bnpx(?![\w-])/, ecosystem: 'npm', runner: true, needsYes: true },
  { pattern: new RegExp(`\\b(?:pnpm${S}dlx|yarn${S}dlx|bunx)(?![\\w-])`), ecosystem: 'npm', runner: true },
  { pattern: new RegExp(`\\buv${S}pip${S}install(?![\\w-])`), ecosystem: 'pypi' },
  { pattern: new RegExp(`(?:\\bpip(?:3(?:\\.\\d+)?)?|-m${S}pip)${S}install(?![\\w-])`), ecosystem: 'pypi' },
  { pattern: new RegExp(`\\bpipx${S}run(?![\\w-])`), ecosystem: 'pypi', runner: true },
  { pattern: new RegExp(`\\bpipx${S}install(?![\\w-])`), ecosystem: 'pypi' },
  { pattern: new RegExp(`\\buv${S}tool${S}run(?![\\w-])`), ecosystem: 'pypi', runner: true },
  { pattern: new RegExp(`\\buv${S}tool${S}install(?![\\w-])`), ecosystem: 'pypi' },
  { pattern: /\buvx(?![\w-])/, ecosystem: 'pypi', runner: true },
  { pattern: /\beasy_install(?![\w-])/, ecosystem: 'pypi' },
];

/** Options whose value is the next token. */
const valueOptions = new Set([
  '--registry',
  '--prefix',
  '--tag',
  '--cache',
  '-w',
  '--workspace',
  '-r',
  '--requirement',
  '-c',
  '--constraint',
  '-e',
  '--editable',
  '-i',
  '--index-url',
  '--extra-index-url',
  '--index',
  '--default-index',
  '-f',
  '--find-links',
  '-t',
  '--target',
  '--root',
  '--platform',
  '--python-version',
  '--implementation',
  '--abi',
  '--trusted-host',
  '--src',
  '--python',
  '--with',
  '--from',
  '-p',
  '--package',
  '--spec',
]);
/** Options that point at another package source. */
const sourceOptions = new Set([
  '--registry',
  '-i',
  '--index-url',
  '--extra-index-url',
  '--index',
  '--default-index',
  '-f',
  '--find-links',
]);
/** Options whose value is itself a package to install. */
const packageOptions = new Set(['-e', '--editable', '--with', '--from', '--package', '--spec']);

const installerPackages = new Set(['pip', 'setuptools', 'wheel']);
/** Words that follow "npm install" in messages ("run npm install first") and are not packages. */
const proseWords = new Set(
  'first then to and or the again before after it this them locally globally manually yourself now please in on with for from here there instead if when once'.split(
    ' ',
  ),
);

function isRemote(target: string): boolean {
  return (
    /:\/\/|^git\+|^git@|^(github|gitlab|bitbucket|gist|git):/i.test(target) ||
    /^[\w.-]+\/[\w.-]+(#\S*)?$/.test(target)
  );
}

function isLocal(target: string): boolean {
  if (/:\/\//.test(target) && !/^file:/i.test(target)) return false;
  return (
    target === '.' || /^(\.{1,2}\/|\/|~\/|file:)/.test(target) || /\.(whl|tgz|tar\.gz|zip)$/i.test(target)
  );
}

/** The package name in an argument such as `lodash@4`, `@scope/x@^1`, `requests==2.0`, `x[extra]`. */
function nameOf(target: string, ecosystem: Ecosystem): string | undefined {
  if (/[${}%<>()]/.test(target) || isRemote(target) || isLocal(target)) return undefined;
  if (ecosystem === 'npm') {
    const match = /^(@[a-z0-9][\w.-]*\/[\w.-]+|[\w][\w.-]*)(?:@.*)?$/i.exec(target);
    return match?.[1];
  }
  return parseRequirement(target)?.name;
}

/**
 * The argument tokens after a matched command. Inside a string literal they end with the string (a
 * `+ variable` concatenated right after it counts as an argument); in a list such as
 * `["pip", "install", "x"]` they end with the list; shell operators and comments end them too.
 */
function argumentsAfter(line: string, start: number, end: number): string[] {
  const before = line.slice(0, start);
  let quote: string | undefined;
  let quoteAt = -1;
  for (const ch of ['"', "'", '`']) {
    const count = before.split(ch).length - 1;
    if (count % 2 === 1 && before.lastIndexOf(ch) > quoteAt) {
      quote = ch;
      quoteAt = before.lastIndexOf(ch);
    }
  }
  let rest = line.slice(end);
  if (/^["'`]\s*,/.test(rest)) {
    const close = rest.search(/[\])]/);
    if (close >= 0) rest = rest.slice(0, close);
  } else if (quote !== undefined) {
    const close = rest.indexOf(quote);
    if (close >= 0) {
      const concatenated = /^\s*\+\s*([\w.$[\]]+)/.exec(rest.slice(close + 1))?.[1];
      rest = rest.slice(0, close) + (concatenated ? ` ${concatenated}` : '');
    }
  } else {
    const close = rest.search(/[)\]]/);
    if (close >= 0) rest = rest.slice(0, close);
  }
  const stop = rest.search(/[;|&<>]|\s#|\s\/\/|\\n/);
  if (stop >= 0) rest = rest.slice(0, stop);
  return rest
    .split(/[\s"'`,]+/)
    .filter((token) => token !== '' && token !== '+' && token !== '\\' && token !== '...');
}

/** Per tool, the literals its pattern needs (see literals.ts): a file without them has no such command. */
const toolGates = tools.map((tool) => fileGate(tool.pattern));

function parseCommand(
  line: string,
  candidates: readonly Tool[] = tools,
): Omit<InstallCommand, 'file' | 'line' | 'evidence'> | undefined {
  for (const tool of candidates) {
    const match = tool.pattern.exec(line);
    if (!match) continue;
    const tokens = argumentsAfter(line, match.index, match.index + match[0].length);
    let yes = false;
    let remote = false;
    const targets: string[] = [];
    for (let i = 0; i < tokens.length; i++) {
      const token = tokens[i] ?? '';
      if (token === '--') continue;
      if (token.startsWith('-')) {
        const [option = '', inline] = token.split(/=(.*)/, 2);
        if (option === '-y' || option === '--yes') yes = true;
        if (!valueOptions.has(option)) continue;
        let value = inline;
        if (value === undefined) {
          i += 1;
          value = tokens[i];
        }
        if (value === undefined) continue;
        if (sourceOptions.has(option) && /:\/\//.test(value)) remote = true;
        if (
          packageOptions.has(option) &&
          !(option === '-e' || option === '--editable' ? isLocal(value) : false)
        ) {
          targets.push(value);
        }
        continue;
      }
      if (tool.runner && targets.length > 0) break;
      const word = token.replace(/[.,:;!?]+$/, '');
      if (word === '' || proseWords.has(word.toLowerCase())) break;
      if (isLocal(token)) continue;
      // Upgrading the installer itself (`pip install -U pip setuptools wheel`) is routine.
      if (tool.ecosystem === 'pypi' ? installerPackages.has(token.toLowerCase()) : token === 'npm') continue;
      targets.push(token);
      if (tool.runner) break;
    }
    // Not an install after all (`npx tsc`, `npm install`): another tool on the line may still be.
    if ((tool.needsYes && !yes) || targets.length === 0) continue;
    if (targets.some(isRemote)) remote = true;
    const names = targets
      .map((target) => nameOf(target, tool.ecosystem))
      .filter((name): name is string => name !== undefined);
    return {
      ecosystem: tool.ecosystem,
      tool: match[0].replace(/[\s"'`,]+/g, ' ').trim(),
      targets,
      names,
      remote,
    };
  }
  return undefined;
}

/** Code segments of a markdown line: the whole line inside a fence, else its inline code spans. */
function markdownSegments(text: string): { line: number; segment: string }[] {
  const out: { line: number; segment: string }[] = [];
  let fence: string | undefined;
  text.split('\n').forEach((raw, index) => {
    const line = raw.replace(/\r$/, '');
    const marker = /^\s{0,3}(`{3,}|~{3,})/.exec(line)?.[1];
    if (marker) {
      if (fence === undefined) fence = marker[0];
      else if (marker[0] === fence) fence = undefined;
      return;
    }
    if (fence !== undefined) {
      out.push({ line: index + 1, segment: line });
      return;
    }
    for (const span of line.matchAll(/(`+)([^`]+?)\1/g))
      out.push({ line: index + 1, segment: span[2] ?? '' });
  });
  return out;
}

function isInstructionMarkdown(ctx: ScanContext, path: string): boolean {
  if (!/\.md$/i.test(path)) return false;
  if (/(^|\/)SKILL\.md$/i.test(path)) return true;
  return ctx.kind === 'agent' || ctx.kind === 'command' || /(^|\/)(agents|commands)\//.test(path);
}

export function installCommands(ctx: ScanContext): InstallCommand[] {
  const key = 'supply_chain:install_commands';
  if (ctx.cache.has(key)) return ctx.cache.get(key) as InstallCommand[];
  const found: InstallCommand[] = [];
  for (const file of ctx.textFiles()) {
    if (/(^|\/)node_modules\//.test(file)) continue;
    const text = ctx.textOf(file);
    if (text === undefined) continue;
    const code = codeFile.test(file);
    if (!code && !isInstructionMarkdown(ctx, file)) continue;
    // Only the tools whose literals the file contains can match one of its lines (in order, as before).
    const hits = fileLiteralHits(ctx, file);
    const candidates = tools.filter((_, i) => toolGates[i]?.open(hits) ?? true);
    if (candidates.length === 0) continue;
    let segments: { line: number; segment: string }[];
    if (code) {
      segments = text.split('\n').map((segment, index) => ({ line: index + 1, segment }));
      // Whole-line comments document; they do not run.
      segments = segments.filter(({ segment }) => !/^\s*(#|\/\/|\*|\/\*)/.test(segment));
    } else {
      segments = markdownSegments(text);
    }
    for (const { line, segment } of segments) {
      if (segment.length > 2000) continue;
      const command = parseCommand(segment, candidates);
      if (command) found.push({ ...command, file, line, evidence: segment.trim().slice(0, 160) });
    }
  }
  ctx.cache.set(key, found);
  return found;
}
