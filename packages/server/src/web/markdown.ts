/**
 * Markdown for READMEs and SKILL.md files, and syntax highlighting for the file viewer, both rendered on
 * the server into HTML that is safe to drop into a page. Everything here treats its input as hostile:
 * anyone who can publish an artifact chooses these bytes.
 */
import { createRequire } from 'node:module';
import MarkdownIt, { type StateCore, type Token } from 'markdown-it';

/** The part of highlight.js's API used here. */
interface Highlighter {
  registerLanguage(name: string, language: unknown): void;
  registerAliases(aliases: string[], target: { languageName: string }): void;
  getLanguage(name: string): object | undefined;
  highlight(code: string, options: { language: string; ignoreIllegals: boolean }): { value: string };
}

// Loaded through require rather than import on purpose: highlight.js's bundled types start with
// `/// <reference lib="dom" />`, which would pull the DOM lib into the whole server and test programs and
// turn Node's fetch, Headers and FormData types into the browser's. Nothing of it is needed here.
const load = createRequire(import.meta.url);
const hljs = load('highlight.js/lib/core') as Highlighter;

// A small, explicit set keeps the startup cost and the grammars we run on untrusted text small. ini's
// aliases include toml, xml's include html and svg.
for (const name of [
  'bash',
  'css',
  'diff',
  'go',
  'ini',
  'javascript',
  'json',
  'markdown',
  'python',
  'rust',
  'typescript',
  'xml',
  'yaml',
]) {
  hljs.registerLanguage(name, load(`highlight.js/lib/languages/${name}`));
}
// highlight.js's own "shell" grammar is for prompt-and-output sessions and colours nothing in a plain
// script, which is what READMEs mean by ```shell.
hljs.registerAliases(['shell', 'console'], { languageName: 'bash' });

/** Past this size a file is shown escaped but not highlighted: highlighting is the slow part. */
const highlightLimitBytes = 200 * 1024;

/** Heading ids carry this prefix so a README's "#main" or "#login" can never clobber the page's own ids. */
const headingIdPrefix = 'user-content-';

// A Map, not an object literal: a file named "x.constructor" must not find Object.prototype's.
const fileLanguages = new Map<string, string>(
  Object.entries({
    md: 'markdown',
    markdown: 'markdown',
    json: 'json',
    yaml: 'yaml',
    yml: 'yaml',
    toml: 'ini',
    js: 'javascript',
    mjs: 'javascript',
    cjs: 'javascript',
    jsx: 'javascript',
    ts: 'typescript',
    mts: 'typescript',
    cts: 'typescript',
    tsx: 'typescript',
    py: 'python',
    sh: 'bash',
    bash: 'bash',
    html: 'xml',
    htm: 'xml',
    css: 'css',
    go: 'go',
    rs: 'rust',
    diff: 'diff',
    patch: 'diff',
  }),
);

export interface RenderMarkdownOptions {
  /** Turns a path inside the artifact ("docs/setup.md", already normalised and inside the root) into a URL. */
  resolveUrl: (relativePath: string) => string;
  /**
   * Levels added to every heading (h1 → h2 with 1; never past h6), so a README inside a page that has
   * its own h1 keeps one h1 per page and an outline that nests under the page's.
   */
  headingOffset?: number;
}

/** What the core rule below needs per render; markdown-it hands it through as `env`. */
interface RenderEnv {
  resolveUrl: (relativePath: string) => string;
  usedSlugs: Set<string>;
  headingOffset: number;
}

const frontmatterPattern = /^\uFEFF?---[ \t]*\r?\n(?:([\s\S]*?)\r?\n)?---[ \t]*(?:\r?\n|$)/;

/** Splits a leading YAML block (`---` … `---`, as SKILL.md files start) from the Markdown after it. */
export function splitFrontmatter(source: string): { frontmatter: string | undefined; body: string } {
  const match = frontmatterPattern.exec(source);
  if (!match) return { frontmatter: undefined, body: source };
  return { frontmatter: match[1] ?? '', body: source.slice(match[0].length) };
}

// html: false is the sanitizer's first and main line: raw HTML in the source (<script>, <img onerror>,
// <svg>, <iframe srcdoc>, <style>) is never parsed as markup but escaped as text, so the only tags that
// can reach the output are the ones markdown-it itself builds, with attributes it (and we) chose.
const md = new MarkdownIt({
  html: false,
  linkify: true,
  typographer: false,
  highlight: highlightFence,
});

// markdown-it's default validateLink is a denylist (javascript:, vbscript:, file:, most data:) checked
// after a plain trim and lowercase. An allowlist is stricter by construction, and classifyTarget also sees
// through the percent-encoding, entities, whitespace and control characters that browsers ignore.
// Raster data: URLs pass only so that such an image becomes its alt text below rather than Markdown
// source; rewriteTokens refuses them as links and as images alike.
md.validateLink = (url) =>
  classifyTarget(url) !== undefined || /^data:image\/(?:png|gif|jpeg|webp);/i.test(url);
md.core.ruler.push('agentry_targets_and_ids', rewriteTokens);

/** Renders untrusted Markdown (frontmatter removed: the caller shows it separately) to sanitized HTML. */
export function renderMarkdown(source: string, options: RenderMarkdownOptions): string {
  const env: RenderEnv = {
    resolveUrl: options.resolveUrl,
    usedSlugs: new Set(),
    headingOffset: Math.max(0, Math.min(5, Math.trunc(options.headingOffset ?? 0))),
  };
  return md.render(splitFrontmatter(source).body, env as unknown as Record<string, unknown>);
}

/** Highlights a file for the viewer by its extension: escaped HTML without a wrapping <pre>. */
export function highlightFile(path: string, content: string): { html: string; language: string | undefined } {
  const extension = /\.([a-z0-9]+)$/i.exec(path)?.[1]?.toLowerCase();
  const language = extension === undefined ? undefined : fileLanguages.get(extension);
  if (language === undefined || Buffer.byteLength(content, 'utf8') > highlightLimitBytes) {
    return { html: md.utils.escapeHtml(content), language: undefined };
  }
  return { html: highlightAs(language, content) ?? md.utils.escapeHtml(content), language };
}

function highlightFence(code: string, lang: string): string {
  if (lang === '' || Buffer.byteLength(code, 'utf8') > highlightLimitBytes) return '';
  // '' tells markdown-it to escape the block itself.
  return highlightAs(lang, code) ?? '';
}

function highlightAs(language: string, code: string): string | undefined {
  if (hljs.getLanguage(language) === undefined) return undefined;
  try {
    // highlight.js escapes the text it wraps, and emits only <span class="hljs-…">, never a style.
    return hljs.highlight(code, { language, ignoreIllegals: true }).value;
  } catch {
    return undefined;
  }
}

type TargetKind = 'fragment' | 'absolute' | 'rooted' | 'relative';

/**
 * Sorts a link or image target (as markdown-it has decoded entities and then percent-encoded it) into
 * the kinds we allow, or undefined. The scheme is judged the way a browser would read it: percent-escapes
 * decoded, and every whitespace, control and format character (which URL parsers strip) removed.
 */
function classifyTarget(url: string): TargetKind | undefined {
  const compact = decodePercent(url).replace(/[\s\p{Cc}\p{Cf}]/gu, '');
  if (compact.startsWith('#')) return 'fragment';
  if (/^[a-z][a-z0-9+.-]*:/i.test(compact)) {
    // Allowed only when written plainly: "ht%09tps:" means nothing good even if it decodes to https.
    return /^(?:https?|mailto):/i.test(url) ? 'absolute' : undefined;
  }
  // A colon before any "/", "?" or "#" is a scheme in disguise (say "jav%26ascript:"), not a path.
  if (/^[^/?#]*:/.test(compact)) return undefined;
  // Browsers read "\" as "/", and "//host" leaves the site: neither is a path inside the artifact.
  if (compact.includes('\\') || compact.startsWith('//')) return undefined;
  return compact.startsWith('/') ? 'rooted' : 'relative';
}

function decodePercent(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** Resolves a relative target through the caller, keeping its "?…" or "#…"; undefined if it leaves the root. */
function resolveRelative(url: string, resolveUrl: (relativePath: string) => string): string | undefined {
  const cut = url.search(/[?#]/);
  const pathPart = cut === -1 ? url : url.slice(0, cut);
  const suffix = cut === -1 ? '' : url.slice(cut);
  const path = normalisePath(decodePercent(pathPart));
  return path === undefined ? undefined : resolveUrl(path) + suffix;
}

/** "./a/../b/c" → "b/c"; undefined when ".." climbs out of the root, or nothing is left. */
function normalisePath(path: string): string | undefined {
  if (/\p{Cc}/u.test(path)) return undefined;
  const kept: string[] = [];
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') {
      if (kept.length === 0) return undefined;
      kept.pop();
    } else {
      kept.push(segment);
    }
  }
  return kept.length === 0 ? undefined : kept.join('/');
}

/** A core rule that runs after parsing and linkify: heading ids, link and image targets, no style attrs. */
function rewriteTokens(state: StateCore): void {
  const env = state.env as unknown as RenderEnv;
  const tokens = state.tokens;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    moveAlignmentToClass(token);
    if ((token.type === 'heading_open' || token.type === 'heading_close') && env.headingOffset > 0) {
      token.tag = `h${Math.min(6, Number(token.tag.slice(1)) + env.headingOffset)}`;
    }
    if (token.type === 'heading_open') {
      const inline = tokens[i + 1];
      token.attrSet('id', headingIdPrefix + claimSlug(plainText(inline?.children ?? []), env.usedSlugs));
    }
    if (token.type === 'inline' && token.children) token.children = rewriteInline(token.children, env);
  }
}

/** Table alignment arrives as style="text-align:…"; the page CSP forbids inline styles, so use a class. */
function moveAlignmentToClass(token: Token): void {
  const style = token.attrGet('style');
  if (style === null) return;
  token.attrs = token.attrs?.filter(([name]) => name !== 'style') ?? null;
  const align = /text-align:(left|center|right)/.exec(String(style))?.[1];
  if (align) token.attrJoin('class', `md-align-${align}`);
}

function rewriteInline(children: Token[], env: RenderEnv): Token[] {
  const out: Token[] = [];
  let droppingLink = false;
  for (const token of children) {
    if (token.type === 'link_open') {
      const href = linkHref(String(token.attrGet('href') ?? ''), env);
      // A refused link keeps its text, unlinked; its link_close goes with it.
      if (href === undefined) {
        droppingLink = true;
        continue;
      }
      token.attrSet('href', href);
      token.attrSet('rel', 'nofollow ugc noopener noreferrer');
    } else if (token.type === 'link_close' && droppingLink) {
      droppingLink = false;
      continue;
    } else if (token.type === 'image') {
      const src = imageSrc(String(token.attrGet('src') ?? ''), env);
      if (src === undefined) {
        turnIntoText(token, plainText(token.children ?? []));
      } else {
        token.attrSet('src', src);
        token.attrSet('loading', 'lazy');
        token.attrSet('referrerpolicy', 'no-referrer');
      }
    }
    out.push(token);
  }
  return out;
}

function linkHref(href: string, env: RenderEnv): string | undefined {
  switch (classifyTarget(href)) {
    case 'fragment':
      // Point "#setup" at the prefixed heading id, so in-page anchors work without any script.
      return href.startsWith(`#${headingIdPrefix}`) ? href : `#${headingIdPrefix}${href.slice(1)}`;
    case 'absolute':
      return href;
    // As on GitHub, "/docs/x.md" in a README means the artifact's root, not this site's.
    case 'rooted':
    case 'relative':
      return resolveRelative(href, env.resolveUrl);
    default:
      return undefined;
  }
}

function imageSrc(src: string, env: RenderEnv): string | undefined {
  const kind = classifyTarget(src);
  // Plain http would be mixed content and a tracking pixel in the clear; data: and the rest are refused.
  if (kind === 'absolute') return /^https:/i.test(src) ? src : undefined;
  if (kind === 'relative' || kind === 'rooted') return resolveRelative(src, env.resolveUrl);
  return undefined;
}

function turnIntoText(token: Token, content: string): void {
  token.type = 'text';
  token.tag = '';
  token.attrs = null;
  token.children = null;
  token.content = content;
}

function plainText(tokens: Token[]): string {
  let text = '';
  for (const token of tokens) {
    if (token.type === 'text' || token.type === 'code_inline') text += token.content;
    else if (token.type === 'softbreak' || token.type === 'hardbreak') text += ' ';
    else if (token.type === 'image') text += plainText(token.children ?? []);
  }
  return text;
}

/** A GitHub-like slug, made unique within the document with "-1", "-2"… */
function claimSlug(text: string, used: Set<string>): string {
  const base =
    text
      .toLowerCase()
      .trim()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-') || 'section';
  let slug = base;
  for (let n = 1; used.has(slug); n++) slug = `${base}-${n}`;
  used.add(slug);
  return slug;
}

/**
 * Colours for the hljs-* classes highlight.js emits, light and dark, plus the table-alignment classes
 * renderMarkdown uses instead of inline styles. Appended to the site stylesheet.
 */
export const highlightCss = `
.hljs-comment, .hljs-quote { color: #6a737d; font-style: italic; }
.hljs-keyword, .hljs-selector-tag, .hljs-literal, .hljs-doctag { color: #b3245a; }
.hljs-string, .hljs-regexp, .hljs-addition, .hljs-meta .hljs-string { color: #1f6f2b; }
.hljs-number, .hljs-symbol, .hljs-bullet, .hljs-variable, .hljs-template-variable { color: #0b5fa5; }
.hljs-title, .hljs-section, .hljs-name, .hljs-selector-id, .hljs-selector-class { color: #6b3fb3; }
.hljs-attr, .hljs-attribute, .hljs-property, .hljs-built_in, .hljs-type, .hljs-params { color: #8a4b00; }
.hljs-meta, .hljs-tag, .hljs-subst { color: #4a5561; }
.hljs-deletion { color: #a3161b; background: #ffebe9; }
.hljs-addition { background: #e6ffec; }
.hljs-emphasis { font-style: italic; }
.hljs-strong, .hljs-section { font-weight: 600; }
.hljs-link { text-decoration: underline; }
.md-align-left { text-align: left; }
.md-align-center { text-align: center; }
.md-align-right { text-align: right; }
@media (prefers-color-scheme: dark) {
  .hljs-comment, .hljs-quote { color: #8b949e; }
  .hljs-keyword, .hljs-selector-tag, .hljs-literal, .hljs-doctag { color: #ff7b9c; }
  .hljs-string, .hljs-regexp, .hljs-addition, .hljs-meta .hljs-string { color: #8ddb8c; }
  .hljs-number, .hljs-symbol, .hljs-bullet, .hljs-variable, .hljs-template-variable { color: #79c0ff; }
  .hljs-title, .hljs-section, .hljs-name, .hljs-selector-id, .hljs-selector-class { color: #d2a8ff; }
  .hljs-attr, .hljs-attribute, .hljs-property, .hljs-built_in, .hljs-type, .hljs-params { color: #ffb86b; }
  .hljs-meta, .hljs-tag, .hljs-subst { color: #a5b0bb; }
  .hljs-deletion { color: #ffa198; background: #3d1418; }
  .hljs-addition { background: #12301a; }
}
`;
