// Tests of shared links. A URL fragment restores every answer of the wizard.
// The page then shows the same steps and code blocks, and downloads the same
// files, as the renderer's command-line tool (target/release/apm-secrets-render)
// for the same state, for every tool. A malformed fragment shows a notice and
// the wizard with defaults, never a blank page.

import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { APP_READY_SELECTOR, MOUNT_TIMEOUT_MS, distDir, launchBrowser, repoRoot, requireDist, watchPage } from './lib/browser.mjs';
import { buildRenderer, decodeFragment, encodeFragment, guideOutline, linkText, render } from './lib/renderer.mjs';
import { startServer } from './lib/server.mjs';
import { TOOLS, download, expectOutline, readStoredZip, selectTool } from './lib/wizard.mjs';

const SUB_PATH = '/docs/apm/lambda-secrets/';
const STATES_DIR = path.join(repoRoot, 'crates', 'renderer', 'tests', 'states');

// The renderer's own test states, plus states that reach every tool and
// values that need escaping in a link.
const EXTRA_STATES = {
  'escaping-console.json': {
    secret_name: 'team+apm/token=1.@-x',
    function_name: 'orders',
    role: 'orders-role',
    apm_server_url: 'https://apm.example.com:443/a?b=1&c=2#d',
    tool: 'console',
  },
  'api-key-terraform.json': {
    auth: 'api_key',
    region: 'ap-southeast-2',
    account_id: '111122223333',
    function_name: 'checkout',
    role: 'checkout-role',
    key_value: 'VnVhQ2ZHY0JDZGJrUW0tZTVhT3g6dWkybHAyYXhUTm1zeWFrdzl0dk5udw==',
    embed_key: true,
    tool: 'terraform',
  },
};

function testStates() {
  const states = {};
  for (const name of readdirSync(STATES_DIR).filter((file) => file.endsWith('.json')).sort()) {
    states[name] = JSON.parse(readFileSync(path.join(STATES_DIR, name), 'utf8'));
  }
  return { ...states, ...EXTRA_STATES };
}

async function openLink(browser, server, fragment) {
  const page = await browser.newPage();
  const watcher = watchPage(page, server.origin);
  await page.goto(`${server.url}#${fragment}`, { waitUntil: 'load' });
  await page.waitForSelector(APP_READY_SELECTOR, { state: 'attached', timeout: MOUNT_TIMEOUT_MS });
  return { page, watcher };
}

describe('shared links', () => {
  let browser;
  let server;

  before(async () => {
    requireDist();
    buildRenderer();
    browser = await launchBrowser();
    server = await startServer({ root: distDir, prefix: SUB_PATH });
  });

  after(async () => {
    await server?.close();
    await browser?.close();
  });

  for (const [name, state] of Object.entries(testStates())) {
    test(`restores ${name} like the renderer`, async () => {
      const fragment = encodeFragment(state);
      const { page, watcher } = await openLink(browser, server, fragment);
      try {
        // The link never carries the key, so a state with one gets it typed.
        if (state.key_value !== undefined) {
          await page.locator('#field-key_value').fill(state.key_value);
        }

        const tool = state.tool ?? 'console';
        const rendering = render(state);
        await expectOutline(page, guideOutline(rendering.tools[tool]), `the ${tool} steps differ from the renderer's`);

        // The address bar contains the same answers, and never the key.
        const linkFields = decodeFragment(new URL(page.url()).hash);
        assert.equal(linkFields.key_value, undefined, 'the link carries the key');
        for (const [field, value] of Object.entries(linkFields)) {
          assert.equal(value, linkText(rendering.state[field]), `the link's ${field} differs from the state`);
        }
        if (state.key_value) assert.ok(!page.url().includes(encodeURIComponent(state.key_value)));

        // Every other tool, against the renderer's output for the same answers.
        for (const other of TOOLS) {
          await selectTool(page, other);
          const expected = render({ ...state, tool: other });
          await expectOutline(page, guideOutline(expected.tools[other]), `the ${other} steps differ from the renderer's`);

          const fileButton = page.locator('.actions button', { hasText: /^Download (?!all)/ });
          const fileName = expected.tools[other].file;
          if (expected.files[fileName] === undefined) {
            assert.ok(await fileButton.isDisabled(), `Download is enabled, but the renderer has no ${fileName}`);
          } else {
            const file = await download(page, fileButton);
            assert.equal(file.name, path.posix.basename(fileName));
            assert.equal(file.bytes.toString('utf8'), expected.files[fileName], `the downloaded ${fileName} differs from the renderer's`);
          }
        }

        const archive = await download(page, page.getByRole('button', { name: 'Download all files (.zip)' }));
        assert.deepEqual(readStoredZip(archive.bytes), render(state).files, 'the archive differs from the renderer files');

        watcher.assertClean();
      } finally {
        await page.close();
      }
    });
  }

  const malformed = {
    'an unknown tool': 'tool=nope',
    'broken percent-encoding': 'secret_name=%E0%A4%A&region=%zz',
    'parts without a value': 'justtext&&region',
    'an unknown field': 'colour=blue&tool=cli',
    'a key in the link': 'key_value=hunter2-from-the-link&tool=terraform',
    'a repeated field': 'region=eu-west-1&region=us-east-2',
    'a lone percent sign': '%',
    'an oversized link': `secret_name=${'x'.repeat(200000)}&tool=${'y'.repeat(100000)}`,
    'invalid UTF-8': 'function_name=%FF%FE',
  };

  for (const [name, fragment] of Object.entries(malformed)) {
    test(`shows a notice for ${name}`, async () => {
      const { page, watcher } = await openLink(browser, server, fragment);
      try {
        assert.match(await page.locator('h1').first().textContent(), /AWS Secrets Manager/);
        await page.waitForSelector('figure.code pre', { timeout: 5000 });
        const notices = page.locator('.link-notices li');
        assert.ok((await notices.count()) > 0, 'no notice lists the ignored parts');
        const text = await page.locator('.link-notices').textContent();
        assert.match(text, /Ignored/);
        assert.ok(text.length < 5000, `the notice quotes ${text.length} characters of the link`);

        // The fragment is rewritten from the answers, without the bad parts or a key.
        const fragmentAfterLoad = new URL(page.url()).hash;
        assert.ok(!fragmentAfterLoad.includes('key_value'), `the link still names the key: ${fragmentAfterLoad.slice(0, 200)}`);
        assert.ok(!fragmentAfterLoad.includes('hunter2'), `the link still carries the key: ${fragmentAfterLoad.slice(0, 200)}`);

        await page.getByRole('button', { name: 'Dismiss' }).click();
        assert.equal(await page.locator('.link-notices li').count(), 0, 'Dismiss did not clear the notices');
        watcher.assertClean();
      } finally {
        await page.close();
      }
    });
  }
});
