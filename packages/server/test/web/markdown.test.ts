/**
 * The Markdown renderer and the file highlighter against the shared XSS corpus, with the output read by a
 * real HTML parser (htmlparser2) so the assertions see the tags and decoded attributes a browser would, and
 * the positive cases: heading ids, link and image rewriting, highlighting, frontmatter.
 */
import { Parser } from 'htmlparser2';
import { describe, expect, it } from 'vitest';
import { xssPayloads } from '../../../../test-support/xss-payloads.js';
import { highlightCss, highlightFile, renderMarkdown, splitFrontmatter } from '../../src/web/markdown.js';

const resolveUrl = (path: string) => `/@acme/tool/-/files/${path}`;
const render = (source: string) => renderMarkdown(source, { resolveUrl });

// The only elements and attributes markdown-it and our rewriting are meant to produce.
const allowedTags = new Set([
  'p',
  'a',
  'img',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'ul',
  'ol',
  'li',
  'pre',
  'code',
  'span',
  'em',
  'strong',
  's',
  'blockquote',
  'hr',
  'br',
  'table',
  'thead',
  'tbody',
  'tr',
  'th',
  'td',
]);
const allowedAttributes = new Set([
  'href',
  'rel',
  'src',
  'alt',
  'title',
  'loading',
  'referrerpolicy',
  'class',
  'id',
  'start',
]);

interface Element {
  name: string;
  attributes: Record<string, string>;
}

function parseElements(html: string): Element[] {
  const elements: Element[] = [];
  const parser = new Parser({ onopentag: (name, attributes) => elements.push({ name, attributes }) });
  parser.write(html);
  parser.end();
  return elements;
}

/** What a browser would take the scheme to be: entities are already decoded by the parser. */
function schemeOf(url: string): string {
  return /^([a-z][a-z0-9+.-]*):/.exec(url.replace(/[\s\p{Cc}\p{Cf}]/gu, '').toLowerCase())?.[1] ?? '';
}

function expectSafe(html: string) {
  expect(html).not.toMatch(/<script/i);
  expect(html).not.toMatch(/<(iframe|svg|math|style|object|embed|form|input|meta|details|body)\b/i);
  // Every quote in text and attribute values is escaped, so blanking quoted values leaves only attribute
  // names, and an escaped title="a&quot; onload=…" is not mistaken for an attribute.
  const tags = html.replace(/"[^"]*"/g, '""');
  expect(tags).not.toMatch(/<[^>]*\son\w+\s*=/i);
  expect(tags).not.toMatch(/<[^>]*\sstyle\s*=/i);
  for (const element of parseElements(html)) {
    expect(allowedTags, `<${element.name}> in ${html}`).toContain(element.name);
    for (const [name, value] of Object.entries(element.attributes)) {
      expect(allowedAttributes, `${name}= on <${element.name}> in ${html}`).toContain(name);
      if (name === 'href' || name === 'src') {
        expect(['javascript', 'vbscript', 'data', 'file'], `${name}="${value}"`).not.toContain(
          schemeOf(value),
        );
      }
    }
    if (element.name === 'a') expect(element.attributes.rel).toBe('nofollow ugc noopener noreferrer');
  }
}

describe('the XSS corpus', () => {
  it('is big enough and has no duplicates', () => {
    expect(xssPayloads.length).toBeGreaterThanOrEqual(24);
    expect(new Set(xssPayloads).size).toBe(xssPayloads.length);
  });

  it.each(xssPayloads)('renders safely as a README: %s', (payload) => {
    expectSafe(render(payload));
    expectSafe(render(`# Title\n\nSome text ${payload} more text.\n\n- item ${payload}\n\n> ${payload}\n`));
    expectSafe(render(`---\nname: x\n---\n${payload}`));
  });

  it.each(xssPayloads)('renders safely inside fenced code: %s', (payload) => {
    for (const lang of ['html', 'markdown', 'js', 'nosuchlang', '']) {
      expectSafe(render(`\`\`\`${lang}\n${payload}\n\`\`\`\n`));
    }
  });

  it.each(xssPayloads)('is escaped by the file viewer: %s', (payload) => {
    for (const path of [
      'index.html',
      'README.md',
      'script.ts',
      'config.yaml',
      'notes.unknownext',
      'LICENSE',
    ]) {
      const { html } = highlightFile(path, payload);
      expectSafe(html);
      // Whatever the language, the viewer's text is the payload itself once unescaped: nothing became markup.
      expect(parseElements(html).every((element) => element.name === 'span')).toBe(true);
    }
  });
});

describe('renderMarkdown', () => {
  it('gives headings prefixed, unique ids and points fragment links at them', () => {
    const html = render(
      '# Getting Started\n\n## Getting Started\n\n### `npm` & you!\n\n[jump](#getting-started)',
    );
    expect(html).toContain('<h1 id="user-content-getting-started">Getting Started</h1>');
    expect(html).toContain('<h2 id="user-content-getting-started-1">');
    expect(html).toContain('<h3 id="user-content-npm--you">');
    expect(html).toContain('href="#user-content-getting-started"');
  });

  it('keeps an https link with its rel', () => {
    expect(render('[docs](https://example.com/docs?a=1&b=2)')).toContain(
      '<a href="https://example.com/docs?a=1&amp;b=2" rel="nofollow ugc noopener noreferrer">docs</a>',
    );
  });

  it('links bare URLs and email addresses, with the rel', () => {
    const html = render('See https://example.com and mail dev@example.com.');
    expect(html).toContain('<a href="https://example.com" rel="nofollow ugc noopener noreferrer">');
    expect(html).toContain('<a href="mailto:dev@example.com" rel="nofollow ugc noopener noreferrer">');
  });

  it('allows mailto links', () => {
    expect(render('[write](mailto:dev@example.com)')).toContain('href="mailto:dev@example.com"');
  });

  it('resolves relative links and images through resolveUrl, keeping a fragment', () => {
    const html = render('![logo](./img/logo.png)\n\n[setup](docs/../docs/setup.md#install)');
    expect(html).toContain(
      '<img src="/@acme/tool/-/files/img/logo.png" alt="logo" loading="lazy" referrerpolicy="no-referrer">',
    );
    expect(html).toContain('href="/@acme/tool/-/files/docs/setup.md#install"');
  });

  it('shifts heading levels by headingOffset, never past h6', () => {
    const html = renderMarkdown('# One\n\n## Two\n\n###### Six\n', { resolveUrl, headingOffset: 1 });
    expect(html).toMatch(/<h2 id="user-content-one">One<\/h2>/);
    expect(html).toMatch(/<h3 id="user-content-two">Two<\/h3>/);
    expect(html).toMatch(/<h6 id="user-content-six">Six<\/h6>/);
    expect(html).not.toContain('<h1');
    expect(render('# One')).toMatch(/<h1 id="user-content-one">One<\/h1>/);
  });

  it('passes resolveUrl the decoded path', () => {
    const seen: string[] = [];
    renderMarkdown('[a](my%20notes.md)', {
      resolveUrl: (path) => {
        seen.push(path);
        return path;
      },
    });
    expect(seen).toEqual(['my notes.md']);
  });

  it('resolves rooted links and images from the artifact root, as GitHub does', () => {
    const seen: string[] = [];
    const html = renderMarkdown('[guide](/docs/guide.md#setup) ![logo](/img/logo.png)', {
      resolveUrl: (path) => {
        seen.push(path);
        return `/files/${path}`;
      },
    });
    expect(seen).toEqual(['docs/guide.md', 'img/logo.png']);
    expect(html).toContain('href="/files/docs/guide.md#setup"');
    expect(html).toContain('src="/files/img/logo.png"');
  });

  it('drops targets that climb out of the artifact or leave the site', () => {
    const html = render(
      '![secret](../../etc/passwd) [up](../../etc/passwd) [away](//evil.example/x) [bs](/\\evil)',
    );
    expect(html).not.toContain('<img');
    expect(html).not.toContain('<a');
    expect(html).not.toContain('passwd"');
    expect(html).toContain('secret');
    expect(html).toContain('up');
  });

  it('shows the alt text of images that are not https or inside the artifact', () => {
    const html = render(
      '![plain](http://example.com/a.png) ![inline](data:image/png;base64,iVBORw0KGgo=) ![climb](../../a.png)',
    );
    expect(html).not.toContain('<img');
    expect(html).toContain('<p>plain inline climb</p>');
  });

  it('keeps https images, marked lazy and without a referrer', () => {
    expect(render('![x](https://example.com/a.png)')).toContain(
      '<img src="https://example.com/a.png" alt="x" loading="lazy" referrerpolicy="no-referrer">',
    );
  });

  it('renders refused links as their source text', () => {
    expect(render('[click](javascript:alert(1))')).toBe('<p>[click](javascript:alert(1))</p>\n');
    expect(render('<javascript:alert(1)>')).toBe('<p>&lt;javascript:alert(1)&gt;</p>\n');
  });

  it('never links a data: URL, even the image kind markdown-it would allow', () => {
    expect(render('[x](data:image/png;base64,AAAA)')).toBe('<p>x</p>\n');
    expect(render('![x](javascript:alert(1))')).not.toContain('<img');
  });

  it('escapes raw HTML as text', () => {
    expect(render('<b onclick="x()">hi</b>')).toBe('<p>&lt;b onclick=&quot;x()&quot;&gt;hi&lt;/b&gt;</p>\n');
  });

  it('highlights fenced code in a known language', () => {
    const html = render('```ts\nconst answer: number = 42;\n```');
    expect(html).toContain('<pre><code class="language-ts">');
    expect(html).toContain('<span class="hljs-keyword">const</span>');
    expect(html).toContain('<span class="hljs-number">42</span>');
  });

  it('highlights shell fences as bash', () => {
    expect(render('```shell\nif [ -f x ]; then echo "hi"; fi\n```')).toContain('class="hljs-');
  });

  it('escapes fenced code in an unknown language without highlighting', () => {
    const html = render('```brainfuck\n<b>&</b>\n```');
    expect(html).toBe('<pre><code class="language-brainfuck">&lt;b&gt;&amp;&lt;/b&gt;\n</code></pre>\n');
  });

  it('strips frontmatter before rendering', () => {
    const html = render('---\nname: secret-skill\ndescription: hidden\n---\n# Body\n');
    expect(html).toBe('<h1 id="user-content-body">Body</h1>\n');
  });

  it('aligns table cells with classes, never a style attribute', () => {
    const html = render('| a | b |\n|:-:|--:|\n| 1 | 2 |');
    expect(html).toContain('<th class="md-align-center">a</th>');
    expect(html).toContain('<td class="md-align-right">2</td>');
    expect(html).not.toContain('style=');
  });
});

describe('splitFrontmatter', () => {
  it('splits a leading YAML block', () => {
    expect(splitFrontmatter('---\nname: x\nversion: 1\n---\n# Hi\n')).toEqual({
      frontmatter: 'name: x\nversion: 1',
      body: '# Hi\n',
    });
  });

  it('tolerates CRLF line ends', () => {
    expect(splitFrontmatter('---\r\nname: x\r\n---\r\nBody')).toEqual({
      frontmatter: 'name: x',
      body: 'Body',
    });
  });

  it('accepts an empty block and a block at the very end', () => {
    expect(splitFrontmatter('---\n---\nBody')).toEqual({ frontmatter: '', body: 'Body' });
    expect(splitFrontmatter('---\na: 1\n---')).toEqual({ frontmatter: 'a: 1', body: '' });
  });

  it('leaves text without a leading block alone', () => {
    expect(splitFrontmatter('# Title\n---\na: 1\n---\n')).toEqual({
      frontmatter: undefined,
      body: '# Title\n---\na: 1\n---\n',
    });
    expect(splitFrontmatter('---\nnever closed\n')).toEqual({
      frontmatter: undefined,
      body: '---\nnever closed\n',
    });
  });
});

describe('highlightFile', () => {
  it('highlights by extension and escapes markup', () => {
    const { html, language } = highlightFile('site/index.html', '<p class="x">a & b</p>');
    expect(language).toBe('xml');
    expect(html).toContain('<span class="hljs-tag">&lt;<span class="hljs-name">p</span>');
    expect(html).not.toContain('<p');
    expect(html).not.toMatch(/^<pre/);
  });

  it('picks languages for the usual extensions', () => {
    const cases: Array<[string, string]> = [
      ['a.md', 'markdown'],
      ['a.json', 'json'],
      ['a.yml', 'yaml'],
      ['a.yaml', 'yaml'],
      ['pyproject.toml', 'ini'],
      ['a.mjs', 'javascript'],
      ['a.cjs', 'javascript'],
      ['a.ts', 'typescript'],
      ['a.py', 'python'],
      ['install.sh', 'bash'],
      ['a.css', 'css'],
      ['main.go', 'go'],
      ['lib.rs', 'rust'],
      ['fix.diff', 'diff'],
      ['UPPER.JSON', 'json'],
    ];
    for (const [path, language] of cases) expect(highlightFile(path, 'x').language, path).toBe(language);
  });

  it('escapes files of unknown type without highlighting', () => {
    expect(highlightFile('notes.weird', '<script>alert(1)</script> & "q"')).toEqual({
      html: '&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;q&quot;',
      language: undefined,
    });
    expect(highlightFile('Makefile', 'a < b').html).toBe('a &lt; b');
    expect(highlightFile('odd.constructor', 'a < b')).toEqual({ html: 'a &lt; b', language: undefined });
  });

  it('escapes but does not highlight files over 200 KB', () => {
    const content = 'const x = "<b>";\n'.repeat(13_000);
    const { html, language } = highlightFile('big.ts', content);
    expect(language).toBeUndefined();
    expect(html).not.toContain('<span');
    expect(html).not.toContain('<b>');
    expect(html.startsWith('const x = &quot;&lt;b&gt;&quot;;\n')).toBe(true);
  });
});

describe('highlightCss', () => {
  it('styles the hljs classes in light and dark', () => {
    expect(highlightCss).toContain('.hljs-keyword');
    expect(highlightCss).toContain('@media (prefers-color-scheme: dark)');
    expect(highlightCss).not.toMatch(/url\(|@import/);
  });
});
