// Smoke test of the release build in dist/: the app mounts in Chromium, with
// no console error, no uncaught exception and no request to another origin,
// served at the root and under a documentation sub-path, plain and compressed.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { APP_READY_SELECTOR, distDir, launchBrowser, openApp, requireDist } from './lib/browser.mjs';

const SUB_PATH = '/docs/apm/lambda-secrets/';

describe('release build smoke test', () => {
  let browser;

  before(async () => {
    requireDist();
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
  });

  test('index.html leaves mounting to the app', () => {
    const html = readFileSync(path.join(distDir, 'index.html'), 'utf8');
    assert.doesNotMatch(html, /<main[\s>]/, 'dist/index.html already contains <main>: the smoke test could not tell whether the app mounted');
    assert.match(html, /\.wasm/, 'dist/index.html does not load a .wasm file');
  });

  const cases = [
    { name: 'at the site root', prefix: '/', compress: false },
    { name: `under the sub-path ${SUB_PATH}`, prefix: SUB_PATH, compress: false },
    { name: `under ${SUB_PATH} with brotli`, prefix: SUB_PATH, compress: 'br' },
    { name: 'at the site root with gzip', prefix: '/', compress: 'gzip' },
  ];

  for (const c of cases) {
    test(`mounts ${c.name}`, { timeout: 120_000 }, async () => {
      const { page, watcher, server } = await openApp(browser, { prefix: c.prefix, compress: c.compress });
      try {
        const heading = await page.locator(APP_READY_SELECTOR).first().textContent();
        assert.ok(heading, `<${APP_READY_SELECTOR}> has no text content`);
        assert.notEqual(heading.trim(), '', `<${APP_READY_SELECTOR}> rendered only white space`);

        // Let anything the app schedules right after mounting run, then check again.
        await page.waitForTimeout(300);
        watcher.assertClean();

        const wasm = watcher.responses.filter((r) => r.url.endsWith('.wasm'));
        assert.equal(wasm.length, 1, `expected one .wasm response, saw ${wasm.length}`);
        assert.equal(wasm[0].status, 200);
        assert.equal(wasm[0].headers['content-type'], 'application/wasm');
        assert.ok(new URL(wasm[0].url).pathname.startsWith(c.prefix), `wasm loaded from ${wasm[0].url}, outside ${c.prefix}`);
        if (c.compress) {
          assert.equal(wasm[0].headers['content-encoding'], c.compress, 'the wasm was not served compressed');
        }
        for (const r of server.requests) {
          assert.ok(r.url.startsWith(c.prefix), `the page requested ${r.url}, outside ${c.prefix}`);
        }
      } finally {
        await page.close();
        await server.close();
      }
    });
  }
});
