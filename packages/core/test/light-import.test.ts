/**
 * Importing `@agentry/core` must stay light: the CLI imports it on every start, and the scanner (the JS
 * parser, secretlint, every rule) loads only through `@agentry/core/scanner`. A child process imports the
 * built package and reports every module it resolved.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const core = join(import.meta.dirname, '..');

/** The URLs of every module loaded while importing `specifier` (the built package, resolved by its name). */
function modulesLoadedBy(specifier: string): string[] {
  const hooks = `
    let port;
    export function initialize(data) { port = data.port; }
    export async function resolve(specifier, context, next) {
      const result = await next(specifier, context);
      port.postMessage(result.url);
      return result;
    }`;
  const script = `
    import { register } from 'node:module';
    import { MessageChannel } from 'node:worker_threads';
    const { port1, port2 } = new MessageChannel();
    const urls = [];
    port1.on('message', (url) => urls.push(url));
    register('data:text/javascript,' + encodeURIComponent(${JSON.stringify(hooks)}), {
      data: { port: port2 },
      transferList: [port2],
    });
    await import(${JSON.stringify(specifier)});
    await new Promise((resolve) => setTimeout(resolve, 200));
    port1.close();
    process.stdout.write(JSON.stringify(urls));`;
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: core,
    encoding: 'utf8',
  });
  expect(child.stderr).toBe('');
  expect(child.status).toBe(0);
  return JSON.parse(child.stdout) as string[];
}

/** The JS parser, secretlint, and the scanner's rules and pipeline (reading an archive with tar is light). */
const heavy = (url: string) =>
  url.includes('/@babel/parser/') ||
  url.includes('/@secretlint/') ||
  url.includes('/core/dist/scanner/rules/') ||
  url.endsWith('/core/dist/scanner/scan.js');

describe('@agentry/core entry points', () => {
  it('importing @agentry/core loads neither the JS parser nor the scanner', () => {
    const loaded = modulesLoadedBy('@agentry/core');
    expect(loaded.some((url) => url.endsWith('/core/dist/index.js'))).toBe(true);
    expect(loaded.filter(heavy)).toEqual([]);
  });

  it('@agentry/core/scanner loads them (so the check above can see them)', () => {
    const loaded = modulesLoadedBy('@agentry/core/scanner');
    expect(loaded.some((url) => url.includes('/@babel/parser/'))).toBe(true);
    expect(loaded.some((url) => url.includes('/core/dist/scanner/rules/'))).toBe(true);
  });
});
