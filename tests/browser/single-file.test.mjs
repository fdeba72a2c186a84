// Tests of the single-file build: built by scripts/build-single-file.mjs
// from dist/, opened from disk (file://) in Chromium, in the folder it was
// written to and as a renamed copy in another folder. The page must start,
// react to input, and make no request but the one for the file itself.

import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { buildSingleFile } from '../../scripts/build-single-file.mjs';
import { APP_READY_SELECTOR, MOUNT_TIMEOUT_MS, distDir, launchBrowser, requireDist } from './lib/browser.mjs';
import { metaPolicies, parsePolicy } from './lib/policy.mjs';

describe('single-file build from file://', () => {
  let browser;
  let base;
  let built;
  let copy;

  before(async () => {
    requireDist();
    base = mkdtempSync(path.join(os.tmpdir(), 'apm-wizard-single-'));
    built = path.join(base, 'build', 'apm-lambda-secrets-wizard.html');
    mkdirSync(path.dirname(built));
    writeFileSync(built, buildSingleFile(distDir).html);
    // Another folder and another name, with a space, as a user's download would have.
    copy = path.join(base, 'elsewhere', 'deeper', 'APM secrets wizard.html');
    mkdirSync(path.dirname(copy), { recursive: true });
    copyFileSync(built, copy);
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    if (base) rmSync(base, { recursive: true, force: true });
  });

  test('forbids every connection', () => {
    const { html } = buildSingleFile(distDir);
    const policies = metaPolicies(html);
    assert.equal(policies.length, 1);
    const policy = parsePolicy(policies[0]);
    assert.deepEqual(policy.get('default-src'), ["'none'"]);
    assert.deepEqual(policy.get('connect-src'), ["'none'"]);
    for (const [directive, sources] of policy) {
      for (const source of sources) {
        assert.match(source, /^('none'|'wasm-unsafe-eval'|'sha256-[A-Za-z0-9+/=]+'|data:)$/, `${directive} allows ${source}`);
      }
    }
  });

  for (const [name, file] of [
    ['where it was built', () => built],
    ['as a renamed copy in another folder', () => copy],
  ]) {
    test(`starts ${name}`, async () => {
      const page = await browser.newPage();
      const fileUrl = pathToFileURL(file()).href;
      const requests = [];
      const problems = [];
      page.on('request', (request) => requests.push(request.url()));
      page.on('pageerror', (error) => problems.push(`uncaught exception: ${error.message}`));
      page.on('console', (message) => {
        if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
      });
      try {
        await page.goto(fileUrl, { waitUntil: 'load' });
        await page.waitForSelector(APP_READY_SELECTOR, { state: 'attached', timeout: MOUNT_TIMEOUT_MS });
        assert.match(await page.locator('h1').first().textContent(), /AWS Secrets Manager/);

        // The wizard reacts: another tool renders other code.
        await page.getByRole('tab', { name: 'Terraform' }).click();
        await page.waitForFunction(() => [...document.querySelectorAll('pre')].some((pre) => pre.textContent.includes('resource "aws_secretsmanager_secret"')));
        assert.match(page.url(), /#.*tool=terraform/, 'the choice is not mirrored in the fragment');

        // A connection attempt from the page is refused by the policy.
        const outcome = await page.evaluate(async () => {
          try {
            await fetch(location.href);
            return 'loaded';
          } catch (error) {
            return `blocked: ${error.name}`;
          }
        });
        assert.equal(outcome, 'blocked: TypeError');

        const others = requests.filter((url) => url.split('#')[0] !== fileUrl && !url.startsWith('data:') && !url.startsWith('blob:'));
        assert.deepEqual(others, [], 'the single file requested other resources');
        // Chromium reports the refused fetch above twice in the console.
        const pageAddress = page.url();
        const unexpected = problems.filter((problem) => !(problem.includes(pageAddress) && problem.includes('Content Security Policy')));
        assert.deepEqual(unexpected, [], 'the single file reported problems');
      } finally {
        await page.close();
      }
    });
  }
});
