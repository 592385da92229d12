/**
 * The web UI in a real browser (Debian's Chromium through playwright-core) against a spawned server:
 * the whole journey of a new user, an XSS corpus that must never execute, and screenshots of the main
 * pages at desktop and phone widths (saved under .test-tmp/screenshots).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { testDbKind } from '../test-support/db.js';
import { describeWithChromium } from '../test-support/services.js';
import { publishVersion, skillFiles, type TarballFiles, type TestManifest } from '../test-support/tarball.js';
import { xssPayloads } from '../test-support/xss-payloads.js';
import { type AdminServer, startAdminServer } from './spawn.js';

// The callbacks below run inside the page; the test program has no DOM lib (it would retype Node's
// fetch and Headers everywhere), so the few browser globals they touch are declared here.
interface PageElement {
  tagName: string;
  outerHTML: string;
  id: string;
  textContent: string | null;
  attributes: ArrayLike<{ name: string; value: string }>;
  getAttribute(name: string): string | null;
  hasAttribute(name: string): boolean;
  closest(selector: string): PageElement | null;
}
declare const document: {
  addEventListener(
    type: 'securitypolicyviolation',
    listener: (event: { violatedDirective: string; blockedURI: string }) => void,
  ): void;
  querySelectorAll(selector: string): ArrayLike<PageElement>;
  querySelector(selector: string): PageElement | null;
  documentElement: { scrollWidth: number; lang: string };
};
declare const window: { innerWidth: number; getComputedStyle(element: PageElement): { overflowX: string } };
interface BoxedElement extends PageElement {
  getBoundingClientRect(): { left: number; right: number; width: number; height: number };
  scrollWidth: number;
  clientWidth: number;
}

const shots = join(import.meta.dirname, '..', '.test-tmp', 'screenshots');
const password = 'correct horse battery staple 42';

interface PageWatch {
  dialogs: string[];
  violations: string[];
}

/** Every page gets a dialog listener and a CSP-violation recorder installed before its own code runs. */
async function watchedPage(context: BrowserContext): Promise<{ page: Page; watch: PageWatch }> {
  const page = await context.newPage();
  const watch: PageWatch = { dialogs: [], violations: [] };
  page.on('dialog', (dialog) => {
    watch.dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) watch.violations.push(message.text());
  });
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      console.error(`Content Security Policy violation: ${event.violatedDirective} ${event.blockedURI}`);
    });
  });
  return { page, watch };
}

const text = async (page: Page, selector: string) =>
  ((await page.locator(selector).first().textContent()) ?? '').trim();
const count = (page: Page, selector: string) => page.locator(selector).count();

/** Clicks something that submits or follows a link and waits for the page it leads to. */
async function clickAndLoad(page: Page, selector: string) {
  await Promise.all([page.waitForEvent('framenavigated'), page.click(selector)]);
  await page.waitForLoadState('load');
}

/**
 * What a screen reader user would trip over: no page language, not exactly one main landmark and h1,
 * a form control without a label or accessible name, an image without alt, a button without a name.
 */
function findA11yProblems(page: Page) {
  return page.evaluate(() => {
    const problems: string[] = [];
    if (!document.documentElement.lang) problems.push('html without lang');
    if (document.querySelectorAll('main').length !== 1) problems.push('not exactly one <main>');
    if (document.querySelectorAll('h1').length !== 1) problems.push('not exactly one <h1>');
    const named = (element: PageElement) =>
      Boolean(element.getAttribute('aria-label')?.trim() || element.getAttribute('aria-labelledby'));
    for (const control of Array.from(document.querySelectorAll('input, select, textarea'))) {
      const type = control.getAttribute('type') ?? '';
      if (['hidden', 'submit', 'button', 'reset'].includes(type)) continue;
      const labelled =
        (control.id && document.querySelector(`label[for="${control.id}"]`)) || control.closest('label');
      if (!labelled && !named(control)) problems.push(`unlabelled ${control.outerHTML.slice(0, 80)}`);
    }
    for (const image of Array.from(document.querySelectorAll('img')))
      if (!image.hasAttribute('alt')) problems.push(`img without alt ${image.outerHTML.slice(0, 80)}`);
    for (const button of Array.from(document.querySelectorAll('button')))
      if (!button.textContent?.trim() && !named(button))
        problems.push(`unnamed ${button.outerHTML.slice(0, 80)}`);
    return problems;
  });
}

/** A full-page screenshot for the run's record, after the page passes the accessibility checks above. */
async function shoot(page: Page, name: string) {
  expect(await findA11yProblems(page), name).toEqual([]);
  await page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });
}

/**
 * What a phone user could not see: an element (outside code blocks, which scroll on purpose) whose box
 * reaches past either edge of the viewport, or a box that scrolls sideways to show it.
 */
function findCutOff(page: Page) {
  return page.evaluate(() => {
    const problems: string[] = [];
    const width = window.innerWidth;
    const describe = (element: PageElement) =>
      `${element.tagName.toLowerCase()} ${element.outerHTML.slice(0, 70).replace(/\s+/g, ' ')}`;
    for (const element of Array.from(document.querySelectorAll('body *')) as BoxedElement[]) {
      if (element.closest('pre, .copy-line code, .visually-hidden, .skip-link, svg, script, head')) continue;
      const box = element.getBoundingClientRect();
      if (box.width === 0 || box.height === 0) continue;
      if (box.right > width + 1 || box.left < -1) problems.push(`past the edge: ${describe(element)}`);
      const overflow = window.getComputedStyle(element).overflowX;
      if (/auto|scroll|hidden/.test(overflow) && element.scrollWidth > element.clientWidth + 1)
        problems.push(`scrolls sideways: ${describe(element)}`);
    }
    return problems.slice(0, 10);
  });
}

/** Markup that could run script: script elements other than ours, on* attributes, javascript: URLs. */
function findActiveMarkup(page: Page) {
  return page.evaluate(() => {
    const problems: string[] = [];
    for (const script of Array.from(document.querySelectorAll('script'))) {
      if (script.getAttribute('src') !== '/assets/app.js')
        problems.push(`script ${script.outerHTML.slice(0, 80)}`);
    }
    for (const element of Array.from(document.querySelectorAll('*'))) {
      for (const attribute of Array.from(element.attributes)) {
        if (/^on/i.test(attribute.name)) problems.push(`${element.tagName} ${attribute.name}`);
        if (
          /^\s*(javascript|vbscript|data):/i.test(attribute.value) &&
          /^(href|src|action|formaction|xlink:href)$/i.test(attribute.name)
        )
          problems.push(`${element.tagName} ${attribute.name}=${attribute.value.slice(0, 40)}`);
      }
      if (/^(IFRAME|OBJECT|EMBED)$/.test(element.tagName)) problems.push(element.tagName);
    }
    return problems;
  });
}

describeWithChromium(`web UI in Chromium (${testDbKind()})`, (executablePath) => {
  let admin: AdminServer;
  let base: string;
  let browser: Browser;
  let desktop: BrowserContext;

  const publish = (token: string, manifest: TestManifest, files?: TarballFiles) =>
    publishVersion(
      { request: (path: string, init?: RequestInit) => fetch(`${base}${path}`, init) } as never,
      token,
      manifest,
      files,
    );

  beforeAll(async () => {
    mkdirSync(shots, { recursive: true });
    // Download counts are written in batches: the shortest interval, so the chart test waits little.
    admin = await startAdminServer({ DOWNLOAD_FLUSH_SECONDS: '1' });
    base = admin.server.url;
    browser = await chromium.launch({
      executablePath,
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    desktop = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  }, 90_000);
  afterAll(async () => {
    await browser?.close();
    await admin?.close();
  });

  it('signs up, creates a token, publishes, reads, stars, searches, logs out; a private artifact is 404', async () => {
    const { page, watch } = await watchedPage(desktop);
    await page.goto(`${base}/signup`);
    await page.fill('#username', 'journey');
    await page.fill('#email', 'journey@example.com');
    await page.fill('#password', password);
    await clickAndLoad(page, 'form[action="/signup"] button[type=submit]');
    expect(page.url()).toBe(`${base}/`);
    expect(await text(page, 'header .who')).toBe('journey');

    await page.goto(`${base}/dashboard/tokens`);
    await page.fill('#token-name', 'laptop');
    await page.check('input[name=scopes][value="skills:publish"]');
    await page.selectOption('#token-expiry', '30');
    await clickAndLoad(page, 'form[action="/dashboard/tokens"] button[type=submit]');
    const token = (await page.locator('[data-testid=new-token-value]').textContent())?.trim() ?? '';
    expect(token).toMatch(/^agt_/);
    await shoot(page, 'dashboard-tokens');
    // The raw value is shown once: reloading the list shows only its prefix.
    await page.goto(`${base}/dashboard/tokens`);
    expect(await page.content()).not.toContain(token);

    const readme = '# Journey skill\n\nIt **reviews** code.\n\n```ts\nconst answer: number = 42;\n```\n';
    const files = {
      ...skillFiles('journey-skill'),
      'README.md': readme,
      'scripts/helper.ts': 'export const x = 1;\n',
    };
    expect(
      (await publish(token, { name: 'journey-skill', version: '1.0.0', keywords: ['review'] }, files)).status,
    ).toBe(200);
    expect(
      (await publish(token, { name: 'journey-skill', version: '1.1.0', keywords: ['review'] }, files)).status,
    ).toBe(200);
    expect(
      (await publish(token, { name: 'journey-secret', version: '1.0.0', visibility: 'private' })).status,
    ).toBe(200);
    // One download, so the chart has a bar.
    const detail = (await (await fetch(`${base}/api/v1/skills/journey-skill/1.1.0`)).json()) as {
      downloadUrl: string;
    };
    expect((await fetch(detail.downloadUrl)).status).toBe(200);
    // Counted in memory, written within DOWNLOAD_FLUSH_SECONDS: wait (bounded) until it is.
    const countDeadline = Date.now() + 15_000;
    let counted = 0;
    while (counted === 0 && Date.now() < countDeadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      const meta = await fetch(`${base}/api/v1/skills/journey-skill`);
      counted = ((await meta.json()) as { downloads: number }).downloads;
    }
    expect(counted).toBe(1);

    const artifact = await page.goto(`${base}/artifacts/journey-skill`);
    expect(artifact?.status()).toBe(200);
    expect(await text(page, '[data-testid=readme] h2')).toBe('Journey skill');
    expect(await page.locator('[data-testid=readme] code .hljs-keyword').count()).toBeGreaterThan(0);
    expect(await count(page, '[data-testid=versions] tbody tr')).toBe(2);
    expect(await page.locator('[data-testid=versions] tbody tr td:first-child').allTextContents()).toEqual([
      '1.1.0',
      '1.0.0',
    ]);
    expect(await page.locator('[data-testid=files] tbody td:first-child').allTextContents()).toEqual(
      expect.arrayContaining(['README.md', 'SKILL.md', 'scripts/helper.ts']),
    );
    expect(await text(page, '[data-testid=scan-report] .verdict')).toMatch(
      /^(PASS|PASS WITH NOTES|FLAGGED|FAIL) · \d+\/10$/,
    );
    expect(await count(page, '[data-testid=scan-report] .scan-stage')).toBeGreaterThan(0);
    expect(await count(page, 'svg.downloads-chart rect.bar')).toBe(30);
    expect(await text(page, '.chart figcaption')).toBe('1 download in the last 30 days');
    await shoot(page, 'artifact');

    expect(await text(page, '[data-testid=star-count]')).toBe('0');
    await clickAndLoad(page, '[data-testid=star-button]');
    expect(await text(page, '[data-testid=star-count]')).toBe('1');
    expect(await page.getAttribute('[data-testid=star-button]', 'aria-pressed')).toBe('true');

    await clickAndLoad(page, '[data-testid=files] a:text-is("scripts/helper.ts")');
    expect(await text(page, '[data-testid=file-source]')).toContain('export const x = 1;');
    await shoot(page, 'file');

    await page.fill('#site-search', 'journey');
    await Promise.all([page.waitForURL(/\/search\?q=journey/), page.press('#site-search', 'Enter')]);
    expect(await page.locator('.artifact-name').allTextContents()).toEqual(
      expect.arrayContaining(['journey-skill', 'journey-secret']),
    );
    await shoot(page, 'search');

    expect((await page.goto(`${base}/artifacts/journey-secret`))?.status()).toBe(200);
    await clickAndLoad(page, 'header form[action="/logout"] button');
    expect(await count(page, 'header a[href="/login"]')).toBe(1);
    const hidden = await page.goto(`${base}/artifacts/journey-secret`);
    expect(hidden?.status()).toBe(404);
    expect((await page.goto(`${base}/artifacts/journey-missing`))?.status()).toBe(404);
    await page.goto(`${base}/search?q=journey`);
    expect(await page.locator('.artifact-name').allTextContents()).toEqual(['journey-skill']);
    await page.goto(`${base}/`);
    await shoot(page, 'home');
    expect(watch.dialogs).toEqual([]);
    expect(watch.violations).toEqual([]);
  }, 120_000);

  it('never executes any of the XSS corpus in README, description, keywords, file names or the query', async () => {
    expect(xssPayloads.length).toBeGreaterThanOrEqual(20);
    const readme = xssPayloads.map((payload, i) => `## Case ${i}\n\n${payload}\n`).join('\n');
    const names: Record<string, string> = {};
    for (const [i, payload] of xssPayloads.slice(0, 8).entries())
      names[`docs/${i}-${payload.replace(/[/\\\0]/g, '_').slice(0, 60)}.md`] = payload;
    const published = await publish(
      admin.token,
      {
        name: 'xss-corpus',
        version: '1.0.0',
        description: xssPayloads[1] ?? '',
        keywords: xssPayloads.filter((payload) => payload.length <= 50).slice(0, 20),
      },
      { ...skillFiles('xss-corpus'), 'README.md': readme, ...names },
    );
    expect(published.status, JSON.stringify(published.body)).toBe(200);
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const { page, watch } = await watchedPage(context);
    const visited: string[] = [
      '/artifacts/xss-corpus',
      '/',
      '/search?q=xss',
      `/search?q=${encodeURIComponent(xssPayloads[0] ?? '')}`,
    ];
    for (const payload of xssPayloads.slice(0, 6))
      visited.push(`/search?tag=${encodeURIComponent(payload.slice(0, 50))}`);
    for (const path of Object.keys(names))
      visited.push(
        `/artifacts/xss-corpus/v/1.0.0/files/${path.split('/').map(encodeURIComponent).join('/')}`,
      );
    for (const path of visited) {
      const response = await page.goto(`${base}${path}`);
      expect(response?.status(), path).toBeLessThan(500);
      // Give anything that would fire on load (onerror of a broken image, autofocus) a moment to do so.
      await page.waitForTimeout(50);
      expect(await findActiveMarkup(page), path).toEqual([]);
    }
    await page.goto(`${base}/artifacts/xss-corpus`);
    // The corpus is shown as text: the README holds every case heading (its ## as h3 under the page's h2s), so nothing was dropped silently.
    expect(await count(page, '[data-testid=readme] h3')).toBe(xssPayloads.length);
    expect(watch.dialogs).toEqual([]);
    expect(watch.violations).toEqual([]);
    await context.close();
  }, 120_000);

  it('manages an artifact from its dashboard page at a phone width: every change asks first', async () => {
    const phone = await browser.newContext({
      viewport: { width: 375, height: 740 },
      isMobile: true,
      hasTouch: true,
    });
    const { page, watch } = await watchedPage(phone);
    await page.goto(`${base}/login`);
    await page.fill('#login', 'journey');
    await page.fill('#password', password);
    await clickAndLoad(page, 'form[action="/login"] button[type=submit]');
    const fits = async (path: string) => {
      const widths = await page.evaluate(() => ({
        content: document.documentElement.scrollWidth,
        viewport: window.innerWidth,
      }));
      expect(widths.content, path).toBeLessThanOrEqual(widths.viewport);
    };
    await page.goto(`${base}/artifacts/journey-skill`);
    await clickAndLoad(page, '[data-testid=manage-link]');
    expect(page.url()).toBe(`${base}/dashboard/artifacts/journey-skill`);
    await fits('manage');
    await shoot(page, 'phone-manage');
    const row = (version: string) => `[data-testid=manage-versions] tbody tr:has(td:text-is("${version}"))`;
    await page.fill(`${row('1.0.0')} input[name=text][placeholder^=reason]`, 'superseded');
    await clickAndLoad(page, `${row('1.0.0')} button:text-is("Yank…")`);
    expect(await text(page, '#confirm-heading')).toContain('Yank journey-skill@1.0.0?');
    await fits('confirm');
    await shoot(page, 'phone-manage-confirm');
    // Cancel changes nothing.
    await clickAndLoad(page, '[data-testid=confirm-form] a:text-is("Cancel")');
    expect(await count(page, `${row('1.0.0')} .tag-yanked`)).toBe(0);
    await page.fill(`${row('1.0.0')} input[name=text][placeholder^=reason]`, 'superseded');
    await clickAndLoad(page, `${row('1.0.0')} button:text-is("Yank…")`);
    await clickAndLoad(page, '[data-testid=confirm-form] button[type=submit]');
    expect(page.url()).toBe(`${base}/dashboard/artifacts/journey-skill`);
    expect(await count(page, `${row('1.0.0')} .tag-yanked`)).toBe(1);
    await page.fill(`${row('1.1.0')} input[name=text][placeholder=message]`, 'moved to journey-two');
    await clickAndLoad(page, `${row('1.1.0')} button:text-is("Deprecate…")`);
    await clickAndLoad(page, '[data-testid=confirm-form] button[type=submit]');
    expect(await count(page, `${row('1.1.0')} .tag-deprecated`)).toBe(1);
    const versions = (await (await fetch(`${base}/api/v1/skills/journey-skill/versions`)).json()) as {
      versions: { version: string; yanked: boolean; deprecated: string | null }[];
    };
    expect(versions.versions).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ version: '1.0.0', yanked: true }),
        expect.objectContaining({ version: '1.1.0', deprecated: 'moved to journey-two' }),
      ]),
    );
    await page.check('input[name=visibility][value=private]');
    await clickAndLoad(page, '[data-testid=visibility-form] button[type=submit]');
    await clickAndLoad(page, '[data-testid=confirm-form] button[type=submit]');
    expect((await fetch(`${base}/api/v1/skills/journey-skill`)).status).toBe(404);
    await page.check('input[name=visibility][value=public]');
    await clickAndLoad(page, '[data-testid=visibility-form] button[type=submit]');
    await clickAndLoad(page, '[data-testid=confirm-form] button[type=submit]');
    expect((await fetch(`${base}/api/v1/skills/journey-skill`)).status).toBe(200);
    // Restore and undeprecate, so the pages photographed later look as before.
    await clickAndLoad(page, `${row('1.0.0')} button:text-is("Restore…")`);
    await clickAndLoad(page, '[data-testid=confirm-form] button[type=submit]');
    await clickAndLoad(page, `${row('1.1.0')} button:text-is("Undeprecate…")`);
    await clickAndLoad(page, '[data-testid=confirm-form] button[type=submit]');
    expect(
      await count(
        page,
        '[data-testid=manage-versions] .tag-yanked, [data-testid=manage-versions] .tag-deprecated',
      ),
    ).toBe(0);
    expect(watch.dialogs).toEqual([]);
    expect(watch.violations).toEqual([]);
    await phone.close();
  }, 90_000);

  it('day one on a 390 px phone: sign up from the CLI approval, tokens, versions, private badge, SVG README, docs, orgs', async () => {
    const phone = await browser.newContext({
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
    });
    const { page, watch } = await watchedPage(phone);
    const fitsWhole = async (name: string) => {
      expect(await findCutOff(page), name).toEqual([]);
      await shoot(page, name);
    };
    // `agentry login` starts a device flow and opens its approval URL in a browser without a session.
    const started = (await (
      await fetch(`${base}/api/v1/cli-auth/start`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ deviceName: 'phone' }),
      })
    ).json()) as { pollToken: string; authUrl: string };
    const approval = new URL(started.authUrl);
    await page.goto(`${base}${approval.pathname}${approval.search}`);
    expect(new URL(page.url()).pathname).toBe('/login');
    await clickAndLoad(page, 'main a:text-is("Sign up")');
    await page.fill('#username', 'dayone');
    await page.fill('#email', 'dayone@example.com');
    await page.fill('#password', password);
    await clickAndLoad(page, 'form[action="/signup"] button[type=submit]');
    // Back at the approval, signed in, rather than on the home page.
    expect(`${new URL(page.url()).pathname}${new URL(page.url()).search}`).toBe(
      `${approval.pathname}${approval.search}`,
    );
    expect(await text(page, 'h1')).toBe('Authorize the Agentry CLI?');
    expect(await page.getAttribute('button[value=deny]', 'class')).toBe('secondary');
    expect(await page.getAttribute('button[value=approve]', 'class')).toBeNull();
    await fitsWhole('phone-cli-approval');
    await clickAndLoad(page, 'button[value=approve]');
    expect(await text(page, 'h1')).toBe('CLI authorized');
    const exchanged = await fetch(`${base}/api/v1/cli-auth/exchange`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ pollToken: started.pollToken }),
    });
    expect(exchanged.status).toBe(200);
    const apiKey = ((await exchanged.json()) as { apiKey: string }).apiKey;

    // The tokens table, Revoke included, fits the phone.
    await page.goto(`${base}/dashboard/tokens`);
    await page.fill('#token-name', 'a phone token with a rather long descriptive name');
    await page.check('input[name=scopes][value="skills:publish"]');
    await clickAndLoad(page, 'form[action="/dashboard/tokens"] button[type=submit]');
    expect(await count(page, '[data-testid=tokens] button:text-is("Revoke")')).toBeGreaterThan(0);
    await fitsWhole('phone-tokens');

    // A README's SVG renders as an image; opened on its own, its script does not run.
    const logo =
      '<svg xmlns="http://www.w3.org/2000/svg" width="48" height="24"><script>alert("svg")</script>' +
      '<rect width="48" height="24" fill="#0b57d0"/></svg>\n';
    const files = {
      ...skillFiles('dayone-skill'),
      'README.md': '# Day one\n\n![Logo](logo.svg)\n',
      'logo.svg': logo,
    };
    for (const version of ['1.0.0', '1.1.0'])
      expect((await publish(apiKey, { name: 'dayone-skill', version }, files)).status).toBe(200);
    expect(
      (await publish(apiKey, { name: 'dayone-secret', version: '1.0.0', visibility: 'private' })).status,
    ).toBe(200);
    await page.goto(`${base}/artifacts/dayone-skill`);
    const readmeImage = page.locator('[data-testid=readme] img[alt=Logo]');
    await readmeImage.scrollIntoViewIfNeeded();
    await expect
      .poll(() =>
        readmeImage.evaluate((image) => (image as unknown as { naturalWidth: number }).naturalWidth),
      )
      .toBe(48);
    expect(await count(page, '[data-testid=versions] tbody tr')).toBe(2);
    await fitsWhole('phone-artifact-versions');
    const raw = await page.goto(`${base}/api/v1/skills/dayone-skill/1.1.0/files/logo.svg`);
    expect(raw?.headers()['content-type']).toMatch(/^image\/svg\+xml/);
    await page.waitForTimeout(100);

    // A private artifact's page shows it is private, and its score badge, to whoever may see it.
    await page.goto(`${base}/artifacts/dayone-secret`);
    expect(await text(page, '.artifact-badges .tag-private')).toBe('private');
    const badge = page.locator('[data-testid=badge-image]');
    await badge.scrollIntoViewIfNeeded();
    await expect
      .poll(() => badge.evaluate((image) => (image as unknown as { naturalWidth: number }).naturalWidth))
      .toBeGreaterThan(0);
    const badgeSvg = await (await page.request.get(`${base}${await badge.getAttribute('src')}`)).text();
    expect(badgeSvg).toMatch(/agentry audit: (\d+\/10|pending)/);
    expect(badgeSvg).not.toContain('not found');
    await fitsWhole('phone-private-artifact');

    // The API reference and the org page; the org's sole owner is offered no "Leave".
    await page.goto(`${base}/docs/api`);
    expect(await findCutOff(page), '/docs/api').toEqual([]);
    await page.screenshot({ path: join(shots, 'phone-docs-api.png') });
    const org = await fetch(`${base}/api/v1/orgs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ slug: 'dayone-org' }),
    });
    expect(org.status).toBe(201);
    await page.goto(`${base}/dashboard/orgs/dayone-org`);
    expect(await count(page, '[data-testid=members] tbody tr')).toBe(1);
    expect(await count(page, '[data-testid=members] button')).toBe(0);
    await fitsWhole('phone-org');
    expect(watch.dialogs).toEqual([]);
    expect(watch.violations).toEqual([]);
    await phone.close();
  }, 120_000);

  it('lays the main pages out at a phone width without horizontal scrolling', async () => {
    const phone = await browser.newContext({
      viewport: { width: 375, height: 740 },
      isMobile: true,
      hasTouch: true,
    });
    const page = await phone.newPage();
    for (const [name, path] of [
      ['phone-home', '/'],
      ['phone-search', '/search?q=journey'],
      ['phone-artifact', '/artifacts/journey-skill'],
      ['phone-login', '/login'],
    ] as const) {
      expect((await page.goto(`${base}${path}`))?.status(), path).toBe(200);
      const widths = await page.evaluate(() => ({
        content: document.documentElement.scrollWidth,
        viewport: window.innerWidth,
      }));
      expect(widths.content, path).toBeLessThanOrEqual(widths.viewport);
      await shoot(page, name);
    }
    // The artifact page stacks its side column below the README on a phone.
    await page.goto(`${base}/artifacts/journey-skill`);
    const readme = await page.locator('#readme').boundingBox();
    const install = await page.locator('#install').boundingBox();
    expect(install && readme && install.y > readme.y).toBe(true);
    await phone.close();
  }, 60_000);
});
