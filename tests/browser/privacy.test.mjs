// Privacy test of the release build, served under a documentation sub-path
// with its service worker. A user types distinctive keys and uses every
// control: every question, the button from blocked output to its question,
// every tool tab, copy and download buttons, the link, the reveal toggle,
// "Convert to base64", "Forget the key", and light and dark colour schemes.
// Then:
//
// - no request reached the server after the initial load (service worker
//   installation included), and no request ever went to another origin;
// - no key appears in any request, in localStorage, sessionStorage,
//   IndexedDB, cookies, Cache Storage, the URL, a history entry, the page's
//   resource timing entries or any console message.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { APP_READY_SELECTOR, MOUNT_TIMEOUT_MS, distDir, launchBrowser, requireDist } from './lib/browser.mjs';
import { startServer } from './lib/server.mjs';
import { TOOLS, download, selectTool } from './lib/wizard.mjs';

const SUB_PATH = '/docs/apm/lambda-secrets/';

const TOKEN = 'Canary-Tok3n-5fd1c2e8a94b';
const API_KEY_ID = 'canaryKeyId7Qz4';
const API_KEY_SECRET = 'canarySecretXk3vT9pLm2';
const RAW_API_KEY = `${API_KEY_ID}:${API_KEY_SECRET}`;
const ENCODED_API_KEY = Buffer.from(RAW_API_KEY).toString('base64');

// Every form in which a key could leave: as typed, base64-encoded and
// percent-encoded.
const NEEDLES = [
  ...new Set(
    [TOKEN, API_KEY_ID, API_KEY_SECRET, ENCODED_API_KEY, Buffer.from(TOKEN).toString('base64')].flatMap((needle) => [
      needle,
      encodeURIComponent(needle),
    ]),
  ),
];

/** Returns the needles that occur in `text`. */
function leaks(text) {
  return NEEDLES.filter((needle) => String(text).includes(needle));
}

function assertNoKey(text, where) {
  assert.deepEqual(leaks(text), [], `a key appears in ${where}`);
}

/** Waits until the service worker is active and controls the page. */
async function waitForServiceWorker(page) {
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
    if (!navigator.serviceWorker.controller) {
      await new Promise((resolve) => navigator.serviceWorker.addEventListener('controllerchange', resolve, { once: true }));
    }
  });
}

/** Waits until the server has seen no request for `quietMs`. */
async function waitForQuiet(page, server, quietMs = 1000) {
  let count = -1;
  while (count !== server.requests.length) {
    count = server.requests.length;
    await page.waitForTimeout(quietMs);
  }
}

async function clipboardText(page) {
  return page.evaluate(() => navigator.clipboard.readText());
}

/** Reads everything the page could have stored, as text. */
async function dumpStorage(page) {
  return page.evaluate(async () => {
    const entries = (storage) => Object.keys(storage).map((key) => `${key}=${storage.getItem(key)}`);

    const databases = [];
    for (const info of (await indexedDB.databases?.()) ?? []) {
      const db = await new Promise((resolve, reject) => {
        const request = indexedDB.open(info.name);
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
      for (const storeName of db.objectStoreNames) {
        const records = await new Promise((resolve, reject) => {
          const request = db.transaction(storeName).objectStore(storeName).getAll();
          request.onsuccess = () => resolve(request.result);
          request.onerror = () => reject(request.error);
        });
        databases.push(`${info.name}/${storeName}: ${JSON.stringify(records)}`);
      }
      db.close();
    }

    const cacheEntries = [];
    for (const name of await caches.keys()) {
      const cache = await caches.open(name);
      for (const request of await cache.keys()) {
        const response = await cache.match(request);
        cacheEntries.push({ cache: name, url: request.url, body: await response.text() });
      }
    }

    return {
      localStorage: entries(localStorage),
      sessionStorage: entries(sessionStorage),
      indexedDB: databases,
      cookie: document.cookie,
      caches: cacheEntries,
      location: location.href,
      historyState: JSON.stringify(history.state),
      resources: performance.getEntries().map((entry) => entry.name),
    };
  });
}

describe('privacy of the key', () => {
  let browser;
  let server;
  const requests = [];

  before(async () => {
    requireDist();
    browser = await launchBrowser({ permissions: ['clipboard-read', 'clipboard-write'] });
    // Every request of every page and of the service worker.
    browser.on('request', (request) => {
      requests.push({
        url: request.url(),
        method: request.method(),
        headers: JSON.stringify(request.headers()),
        body: request.postData() ?? '',
      });
    });
    server = await startServer({ root: distDir, prefix: SUB_PATH, compress: true });
  });

  after(async () => {
    await server?.close();
    await browser?.close();
  });

  test('key stays in the page through every control', async () => {
    const page = await browser.newPage();
    const consoleMessages = [];
    const errors = [];
    page.on('console', (message) => consoleMessages.push(`${message.type()}: ${message.text()}`));
    page.on('pageerror', (error) => errors.push(String(error.stack ?? error)));

    try {
      await page.goto(server.url, { waitUntil: 'load' });
      await page.waitForSelector(APP_READY_SELECTOR, { state: 'attached', timeout: MOUNT_TIMEOUT_MS });
      await waitForServiceWorker(page);
      await waitForQuiet(page, server);
      const loadRequests = server.requests.length;

      // The key field: masked, never saved or corrected by the browser, outside any form.
      const key = page.locator('#field-key_value');
      assert.equal(await key.getAttribute('type'), 'password');
      assert.equal(await key.getAttribute('autocomplete'), 'off');
      assert.equal(await key.getAttribute('spellcheck'), 'false');
      assert.equal(await key.getAttribute('autocapitalize'), 'off');
      assert.equal(await key.getAttribute('name'), null, 'the key field has a name, which password managers and form restoration use');
      assert.equal(await key.evaluate((input) => input.form), null, 'the key field is inside a form');

      await key.pressSequentially(TOKEN);
      const reveal = page.getByRole('button', { name: 'Show key' });
      await reveal.click();
      assert.equal(await key.getAttribute('type'), 'text');
      assert.equal(await reveal.getAttribute('aria-pressed'), 'true');
      await reveal.click();
      assert.equal(await key.getAttribute('type'), 'password');

      // Every question.
      await page.locator('#field-secret_name').fill('prod/apm/canary-test');
      await page.locator('#field-embed_key').check();
      await page.locator('#field-kms input[type="radio"]').nth(1).check();
      await page.locator('#field-kms_key_arn').fill('arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab');
      await page.locator('#field-region').selectOption('eu-west-1');
      await page.locator('#field-region-filter').pressSequentially('Tokyo');
      await page.locator('#field-region-filter').fill('');
      await page.locator('#field-region').selectOption('eu-west-1');
      // An invalid answer blocks the output that needs it, with a button to the question.
      await page.locator('#field-account_id').fill('1111-2222');
      const goToQuestion = page.locator('.blocked button').first();
      await goToQuestion.click();
      assert.equal(await page.evaluate(() => document.activeElement?.id), 'field-account_id');
      await page.locator('#field-account_id').fill('111122223333');
      await page.waitForSelector('.blocked', { state: 'detached' });
      await page.locator('#field-function_name').fill('orders');
      await page.locator('#field-role').fill('arn:aws:iam::111122223333:role/service-role/orders-role');
      // A URL in a field is text: the page must not fetch it.
      await page.locator('#field-apm_server_url').fill(`${server.origin}/apm-server-probe`);
      await page.locator('#field-in_vpc').check();
      const toolRadios = page.locator('#field-tool input[type="radio"]');
      for (let index = 0; index < (await toolRadios.count()); index++) await toolRadios.nth(index).check();

      // The embedded key shows in snippets, marked next to their copy buttons.
      await page.waitForFunction((token) => [...document.querySelectorAll('pre')].some((pre) => pre.textContent.includes(token)), TOKEN);
      assert.ok((await page.locator('.contains-key').count()) > 0, 'no snippet is marked as containing the key');

      // Every tool tab, every copy button and both downloads.
      let copied = 0;
      for (const tool of TOOLS) {
        await selectTool(page, tool);
        const copyButtons = page.locator('#guide-panel figure.code button.copy');
        for (let index = 0; index < (await copyButtons.count()); index++) {
          const button = copyButtons.nth(index);
          await button.click();
          const expected = await button.locator('xpath=ancestor::figure[1]//pre').textContent();
          assert.equal(await clipboardText(page), expected, `${tool}: copy button ${index + 1} copied other text`);
          copied++;
        }
        await page.getByRole('button', { name: 'Copy all steps' }).click();
        assert.match(await clipboardText(page), /## 1\. Create the secret/);
        const fileButton = page.locator('.actions button', { hasText: /^Download (?!all)/ });
        if (await fileButton.isEnabled()) await download(page, fileButton);
        await download(page, page.getByRole('button', { name: 'Download all files (.zip)' }));
      }
      assert.ok(copied >= TOOLS.length, `only ${copied} copy buttons were found`);

      // Keyboard use of the tabs.
      await page.locator('#tab-terraform').focus();
      await page.keyboard.press('Home');
      await page.waitForSelector('#tab-console[aria-selected="true"]');
      await page.keyboard.press('End');
      await page.waitForSelector('#tab-terraform[aria-selected="true"]');
      await page.keyboard.press('ArrowLeft');
      await page.waitForSelector('#tab-serverless[aria-selected="true"]');

      // The link: copied, and without the key.
      await page.getByRole('button', { name: 'Copy link' }).click();
      const link = await clipboardText(page);
      assert.equal(link, page.url());
      assertNoKey(link, 'the copied link');

      // Both colour schemes.
      for (const colorScheme of ['dark', 'light']) {
        await page.emulateMedia({ colorScheme });
        await page.waitForTimeout(100);
        assert.ok(await page.locator('h1').first().isVisible());
      }

      // An API key pasted in raw id:key form, converted to base64.
      await page.locator('#field-auth input[type="radio"]').nth(1).check();
      await key.fill('');
      await key.pressSequentially(RAW_API_KEY);
      await page.getByRole('button', { name: 'Convert to base64' }).click();
      assert.equal(await key.inputValue(), ENCODED_API_KEY);
      await page.waitForFunction((value) => [...document.querySelectorAll('pre')].some((pre) => pre.textContent.includes(value)), ENCODED_API_KEY);

      // Forget the key: gone from the field and from every snippet.
      await page.getByRole('button', { name: 'Forget the key' }).click();
      assert.equal(await key.inputValue(), '');
      await page.waitForFunction((needles) => !needles.some((needle) => document.body.innerText.includes(needle)), NEEDLES);
      assertNoKey(await page.content(), 'the page after "Forget the key"');

      await page.waitForTimeout(500);

      // Nothing left the page.
      const later = server.requests.slice(loadRequests).map((request) => `${request.method} ${request.url}`);
      assert.deepEqual(later, [], 'the page made requests after the initial load');
      const foreign = requests.filter((request) => !request.url.startsWith(`${server.origin}/`) && !/^(data|blob):/.test(request.url));
      assert.deepEqual(foreign, [], 'the page requested another origin');
      for (const request of requests) {
        assertNoKey(`${request.method} ${request.url} ${request.headers} ${request.body}`, `a request (${request.url})`);
      }

      // Nothing was stored.
      const stored = await dumpStorage(page);
      assertNoKey(stored.localStorage.join('\n'), 'localStorage');
      assertNoKey(stored.sessionStorage.join('\n'), 'sessionStorage');
      assertNoKey(stored.indexedDB.join('\n'), 'IndexedDB');
      assertNoKey(stored.cookie, 'document.cookie');
      assertNoKey(JSON.stringify(await browser.cookies()), 'the cookie jar');
      for (const entry of stored.caches) assertNoKey(`${entry.url}\n${entry.body}`, `Cache Storage (${entry.url})`);
      assertNoKey(stored.location, 'the URL');
      assertNoKey(stored.historyState, 'history.state');
      assertNoKey(stored.resources.join('\n'), 'the resource timing entries');
      assert.ok(stored.caches.length > 0, 'Cache Storage is empty: was the service worker installed?');

      const session = await browser.newCDPSession(page);
      const history = await session.send('Page.getNavigationHistory');
      await session.detach();
      for (const entry of history.entries) assertNoKey(`${entry.url} ${entry.userTypedURL} ${entry.title}`, 'a history entry');

      assertNoKey(consoleMessages.join('\n'), 'a console message');
      assert.deepEqual(errors, [], 'the page threw');
    } finally {
      await page.close();
    }
  });

  test('key is cleared when the page is hidden', async (t) => {
    // Playwright turns the back-forward cache off by default; this test needs
    // it, so that the page comes back from memory instead of being reloaded.
    const cachingBrowser = await launchBrowser({ ignoreDefaultArgs: ['--disable-back-forward-cache'] });
    const page = await cachingBrowser.newPage();
    try {
      await page.goto(`${server.url}#embed_key=1&tool=cli`, { waitUntil: 'load' });
      await page.waitForSelector(APP_READY_SELECTOR, { state: 'attached', timeout: MOUNT_TIMEOUT_MS });
      const key = page.locator('#field-key_value');
      await key.fill(TOKEN);
      await page.waitForFunction((token) => document.body.innerText.includes(token), TOKEN);

      // Leaving fires pagehide; coming back restores the page from the
      // back-forward cache when the browser keeps it there, or loads it anew.
      await page.evaluate(() => {
        window.addEventListener('pageshow', (event) => {
          window.restoredFromCache = event.persisted;
        });
      });
      await page.goto(`${server.url}manifest.webmanifest`);
      // A page restored from the cache fires pageshow but no second load event.
      await page.goBack({ waitUntil: 'commit' });
      await page.waitForFunction(() => document.readyState === 'complete' && document.querySelector('#field-key_value'));

      assert.equal(await page.locator('#field-key_value').inputValue(), '');
      await page.waitForFunction((needles) => !needles.some((needle) => document.body.innerText.includes(needle)), NEEDLES);
      const restored = await page.evaluate(() => window.restoredFromCache === true);
      t.diagnostic(`page restored from the back-forward cache: ${restored}`);
      assert.ok(restored, 'the page was loaded anew instead of restored from the back-forward cache, so pagehide was not tested');
    } finally {
      await page.close();
      await cachingBrowser.close();
    }
  });
});
