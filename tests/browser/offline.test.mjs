// Tests of the offline app. The service worker stores every file of the
// build, and a reload with no network (and no server) still shows the wizard,
// at the site root and under a documentation sub-path. A new deployment
// replaces the cached build, and Chromium finds the app installable.

import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { finishBuild } from '../../scripts/post-build.mjs';
import { APP_READY_SELECTOR, MOUNT_TIMEOUT_MS, distDir, launchBrowser, openApp, requireDist, watchPage } from './lib/browser.mjs';
import { startServer } from './lib/server.mjs';

const SUB_PATH = '/docs/apm/lambda-secrets/';

/** Waits until the service worker is active and controls the page, and returns its state. */
async function waitForServiceWorker(page) {
  return page.evaluate(async () => {
    const registration = await navigator.serviceWorker.ready;
    if (!navigator.serviceWorker.controller) {
      await new Promise((resolve) => navigator.serviceWorker.addEventListener('controllerchange', resolve, { once: true }));
    }
    const names = await caches.keys();
    const cached = {};
    for (const name of names) {
      const cache = await caches.open(name);
      cached[name] = (await cache.keys()).map((request) => request.url);
    }
    return { scope: registration.scope, state: registration.active?.state, cached };
  });
}

async function serviceWorkerFiles(page, server) {
  const source = await (await page.request.get(`${server.url}service-worker.js`)).text();
  return JSON.parse(/const BUILD = (\{[\s\S]*?\});/.exec(source)[1]);
}

describe('offline app', () => {
  let browser;

  before(async () => {
    requireDist();
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
  });

  for (const prefix of ['/', SUB_PATH]) {
    test(`reloads with no network under ${prefix}`, async () => {
      const { page, server, url } = await openApp(browser, { prefix });
      let offlinePage;
      try {
        const worker = await waitForServiceWorker(page);
        assert.equal(worker.scope, server.url);
        assert.equal(worker.state, 'activated');

        const build = await serviceWorkerFiles(page, server);
        const cacheNames = Object.keys(worker.cached);
        assert.deepEqual(cacheNames, [`apm-secrets-wizard ${prefix} ${build.id}`]);
        const cachedUrls = worker.cached[cacheNames[0]];
        for (const file of build.files) {
          assert.ok(cachedUrls.includes(new URL(file, server.url).href), `${file} is not in the cache`);
        }
        assert.ok(cachedUrls.includes(server.url), 'the page is not cached under its directory URL');

        // No network, and no server behind it either.
        await server.close();
        await browser.setOffline(true);
        await page.close();
        offlinePage = await browser.newPage();
        const watcher = watchPage(offlinePage, server.origin);
        await offlinePage.goto(`${url}#tool=terraform`, { waitUntil: 'load' });
        await offlinePage.waitForSelector(APP_READY_SELECTOR, { state: 'attached', timeout: MOUNT_TIMEOUT_MS });
        const heading = await offlinePage.locator('h1').first().textContent();
        assert.match(heading, /AWS Secrets Manager/);
        assert.ok((await offlinePage.locator('pre').count()) > 0, 'the offline page shows no code block');

        const reload = watcher.responses.find((response) => response.url.startsWith(server.url));
        assert.ok(reload, 'no response for the page');
        const uncaught = watcher.problems.filter((problem) => !problem.startsWith('request failed'));
        assert.deepEqual(uncaught, [], 'the offline page reported problems');
      } finally {
        await browser.setOffline(false);
        await offlinePage?.close();
        if (!page.isClosed()) await page.close();
        await server.close();
      }
    });
  }

  test('new deployment replaces the cached build', async () => {
    // Two builds that differ in one file, deployed one after the other at
    // the same address.
    const base = mkdtempSync(path.join(os.tmpdir(), 'apm-wizard-update-'));
    const first = path.join(base, 'first');
    const second = path.join(base, 'second');
    cpSync(distDir, first, { recursive: true });
    cpSync(distDir, second, { recursive: true });
    const manifestPath = path.join(second, 'manifest.webmanifest');
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
    writeFileSync(manifestPath, JSON.stringify({ ...manifest, description: `${manifest.description} (second build)` }));
    const firstId = finishBuild(first).id;
    const secondId = finishBuild(second).id;
    assert.notEqual(secondId, firstId);

    let server = await startServer({ root: first, prefix: SUB_PATH });
    const page = await browser.newPage();
    try {
      await page.goto(server.url, { waitUntil: 'load' });
      await page.waitForSelector(APP_READY_SELECTOR, { state: 'attached', timeout: MOUNT_TIMEOUT_MS });
      const before = await waitForServiceWorker(page);
      assert.deepEqual(Object.keys(before.cached), [`apm-secrets-wizard ${SUB_PATH} ${firstId}`]);

      const port = server.port;
      await server.close();
      server = await startServer({ root: second, prefix: SUB_PATH, port });
      await page.reload({ waitUntil: 'load' });
      await page.waitForSelector(APP_READY_SELECTOR, { state: 'attached', timeout: MOUNT_TIMEOUT_MS });
      const names = await page.evaluate(async (expected) => {
        const deadline = Date.now() + 10000;
        let keys = await caches.keys();
        while (!(keys.length === 1 && keys[0] === expected) && Date.now() < deadline) {
          await new Promise((resolve) => setTimeout(resolve, 100));
          keys = await caches.keys();
        }
        return keys;
      }, `apm-secrets-wizard ${SUB_PATH} ${secondId}`);
      assert.deepEqual(names, [`apm-secrets-wizard ${SUB_PATH} ${secondId}`], 'the old build is still cached, or the new one is not');
    } finally {
      await page.close();
      await server.close();
      rmSync(base, { recursive: true, force: true });
    }
  });

  test('Chromium finds the app installable', async () => {
    const { page, server } = await openApp(browser, { prefix: SUB_PATH });
    try {
      await waitForServiceWorker(page);
      const session = await browser.newCDPSession(page);
      const manifest = await session.send('Page.getAppManifest');
      assert.equal(manifest.url, `${server.url}manifest.webmanifest`);
      assert.deepEqual(manifest.errors, [], 'the manifest has errors');
      const { installabilityErrors } = await session.send('Page.getInstallabilityErrors');
      assert.deepEqual(installabilityErrors, [], 'Chromium would not offer to install the app');
      await session.detach();
    } finally {
      await page.close();
      await server.close();
    }
  });
});
