/**
 * The team pages in Debian's Chromium against a spawned server: a tenant admin (created with the
 * operator command) reviews a draft submitted over skill-pool's API (badge, SKILL.md, publish with a
 * version), sets the webhook, creates a project and orders its items, and sees the usage page; no page
 * runs script other than /assets/app.js. Screenshots go to .test-tmp/screenshots.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createEmptyTestTarget, testDbKind } from '../test-support/db.js';
import { describeWithChromium } from '../test-support/services.js';
import { makeTarball } from '../test-support/tarball.js';
import { runBin, type SpawnedServer, serverBin, startServer } from './spawn.js';

const shots = join(import.meta.dirname, '..', '.test-tmp', 'screenshots');
const password = 'correct horse battery staple 77';

describeWithChromium(`team pages in Chromium (${testDbKind()})`, (executablePath) => {
  let server: SpawnedServer;
  let cleanup: () => Promise<void>;
  let base: string;
  let token: string;
  let browser: Browser;

  beforeAll(async () => {
    mkdirSync(shots, { recursive: true });
    const target = await createEmptyTestTarget();
    const env = { DATA_DIR: target.dataDir, DATABASE_URL: target.databaseUrl };
    cleanup = target.cleanup;
    const user = runBin(
      serverBin,
      ['admin', 'create-user', '--username', 'lead', '--password-stdin', '--role', 'admin', '--json'],
      env,
      `${password}\n`,
    );
    expect(user.code, user.stderr).toBe(0);
    const minted = runBin(
      serverBin,
      [
        'admin',
        'create-token',
        '--username',
        'lead',
        '--scopes',
        'skills:read,skills:publish,tenant:admin',
        '--json',
      ],
      env,
    );
    expect(minted.code, minted.stderr).toBe(0);
    token = (JSON.parse(minted.stdout) as { token: string }).token;
    server = await startServer(env);
    base = server.url;
    browser = await chromium.launch({
      executablePath,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu'],
    });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await server?.stop('SIGKILL');
    await cleanup?.();
  });

  it('reviews and publishes a draft, sets the webhook, orders a project, shows usage', async () => {
    const bundle = await makeTarball({
      'SKILL.md':
        '---\nname: review-notes\ndescription: How we write review notes.\n---\n\n# Review notes\n\n<img src=x onerror=alert(1)>\n',
    });
    const form = new FormData();
    form.append('metadata', JSON.stringify({ slug: 'review-notes', origin: 'cli', tags: [] }));
    form.append(
      'bundle',
      new Blob([new Uint8Array(bundle)], { type: 'application/gzip' }),
      'review-notes.tar.gz',
    );
    const created = await fetch(`${base}/v1/drafts`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
      body: form,
    });
    expect(created.status).toBe(201);

    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const dialogs: string[] = [];
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    await page.goto(`${base}/login`);
    await page.fill('#login', 'lead');
    await page.fill('#password', password);
    await Promise.all([
      page.waitForURL(/\/$|dashboard/),
      page.click('form[action="/login"] button[type=submit]'),
    ]);

    await page.goto(`${base}/dashboard/drafts`);
    expect((await page.locator('[data-testid=pending-badge]').textContent())?.trim()).toBe('1');
    await page.screenshot({ path: join(shots, 'team-drafts.png'), fullPage: true });
    await Promise.all([page.waitForLoadState('load'), page.click('text=review-notes')]);
    expect(await page.locator('[data-testid=skill-md]').textContent()).toContain(
      '<img src=x onerror=alert(1)>',
    );
    await page.fill('#draft-version', '1.0.0');
    await Promise.all([
      page.waitForResponse((res) => res.url().endsWith('/publish')),
      page.click('form[action$="/publish"] button[type=submit]'),
    ]);
    await page.waitForLoadState('load');
    expect((await page.locator('[data-testid=draft-status]').textContent())?.trim()).toBe(
      'published as 1.0.0',
    );
    expect(await page.locator('[data-testid=pending-badge]').count()).toBe(0);

    await page.goto(`${base}/dashboard/webhook`);
    await page.fill('#webhook-url', 'https://hooks.example.com/skill-pool');
    await page.fill('#webhook-secret', 'browser-secret');
    await Promise.all([
      page.waitForLoadState('load'),
      page.click('form[action="/dashboard/webhook"] button[type=submit]'),
    ]);
    expect(await page.locator('[data-testid=signing-state]').textContent()).toContain('on');
    expect(await page.content()).not.toContain('browser-secret');

    await page.goto(`${base}/dashboard/projects`);
    await page.fill('#project-slug', 'site');
    await page.fill('#project-name', 'Site');
    await page.fill('#project-remote', 'git@github.com:acme/site.git');
    await Promise.all([
      page.waitForURL(/\/dashboard\/projects\/site$/),
      page.click('form[action="/dashboard/projects"] button[type=submit]'),
    ]);
    await page.fill('#project-items-text', 'review-notes\nagent:reviewer');
    await Promise.all([
      page.waitForLoadState('load'),
      page.click('form[action$="/items"] button[type=submit]'),
    ]);
    expect(
      (await page.locator('[data-testid=project-items] li').allTextContents()).map((s) => s.trim()),
    ).toEqual(['review-notes (skill)', 'reviewer (agent)']);
    await page.screenshot({ path: join(shots, 'team-project.png'), fullPage: true });

    await page.goto(`${base}/dashboard/usage`);
    expect(await page.locator('[data-testid=usage-chart]').count()).toBe(1);
    await page.screenshot({ path: join(shots, 'team-usage.png'), fullPage: true });
    expect(dialogs).toEqual([]);
    await context.close();
  }, 120_000);
});
