// User-flow tests of the wizard in the release build: a person answers every
// question by its label, and the page must then show the renderer's code
// blocks and offer the renderer's files (target/release/apm-secrets-render
// for the same state). Also: copy buttons, inline checks, keyboard use, the
// key's lifecycle, the URL fragment, an axe scan in both colour schemes, and
// screenshots in target/screenshots/ for a person to look at.

import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { AxeBuilder } from '@axe-core/playwright';
import { distDir, launchBrowser, openApp, repoRoot, requireDist } from './lib/browser.mjs';
import { buildRenderer, guideOutline, render } from './lib/renderer.mjs';
import { startServer } from './lib/server.mjs';
import { TOOLS, download, expectOutline, readStoredZip, selectTool } from './lib/wizard.mjs';

const SCREENSHOT_DIR = path.join(repoRoot, 'target', 'screenshots');

const TOOL_LABELS = Object.freeze({
  console: 'AWS console',
  cli: 'AWS CLI',
  sam: 'AWS SAM',
  serverless: 'Serverless Framework',
  terraform: 'Terraform',
});

const RAW_API_KEY = 'VuaCfGcBCdbkQm-e5aOx:ui2lp2axTNmsyakw9tvNnw';

/**
 * One complete set of answers per tool, chosen so that together they reach
 * both credentials, both encryption keys, embedded and prompted keys, every
 * partition, role names and ARNs, and a key that needs quoting.
 */
const FLOWS = Object.freeze({
  console: {
    auth: 'secret_token',
    secret_name: 'prod/apm-token',
    key_value: 'tok3n-value',
    embed_key: false,
    kms: 'customer_managed',
    kms_key_arn: 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab',
    region: 'eu-west-1',
    account_id: '111122223333',
    function_name: 'orders',
    role: 'arn:aws:iam::111122223333:role/service-role/orders-role',
    apm_server_url: 'https://orders.apm.eu-west-1.aws.cloud.es.io:443',
    in_vpc: false,
    tool: 'console',
  },
  cli: {
    auth: 'api_key',
    secret_name: 'elastic-apm/checkout',
    // Typed in the raw id:api_key form, then converted with the button.
    key_value: Buffer.from(RAW_API_KEY).toString('base64'),
    embed_key: true,
    kms: 'aws_managed',
    region: 'us-east-2',
    account_id: '444455556666',
    function_name: 'checkout',
    role: 'checkout-role',
    apm_server_url: 'https://checkout.apm.us-east-2.aws.cloud.es.io:443',
    in_vpc: true,
    tool: 'cli',
  },
  sam: {
    auth: 'secret_token',
    secret_name: 'apm/token',
    key_value: "it's-a-token",
    embed_key: true,
    kms: 'customer_managed',
    kms_key_arn: 'arn:aws-cn:kms:cn-north-1:111122223333:key/mrk-1234abcd12ab34cd56ef1234567890ab',
    region: 'cn-north-1',
    account_id: '111122223333',
    function_name: 'billing',
    role: 'billing-role',
    apm_server_url: 'https://billing.apm.example.cn:443',
    in_vpc: false,
    tool: 'sam',
  },
  serverless: {
    auth: 'api_key',
    secret_name: 'apm-api-key',
    key_value: 'ZXhhbXBsZS1pZDpleGFtcGxlLWtleQ==',
    embed_key: false,
    kms: 'aws_managed',
    region: 'us-gov-west-1',
    account_id: '777788889999',
    function_name: 'ledger',
    role: 'arn:aws-us-gov:iam::777788889999:role/ledger-role',
    apm_server_url: 'https://ledger.apm.example.com',
    in_vpc: true,
    tool: 'serverless',
  },
  terraform: {
    auth: 'secret_token',
    secret_name: 'apm_token.v2',
    key_value: '-dash-first-token',
    embed_key: true,
    kms: 'customer_managed',
    kms_key_arn: 'arn:aws:kms:ap-southeast-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab',
    region: 'ap-southeast-2',
    account_id: '111122223333',
    function_name: 'arn:aws:lambda:ap-southeast-2:111122223333:function:search',
    role: 'search-role',
    apm_server_url: 'https://search.apm.ap-southeast-2.aws.cloud.es.io:443',
    in_vpc: false,
    tool: 'terraform',
  },
});

const authLabel = (auth) => (auth === 'api_key' ? 'APM API key' : 'APM secret token');

/** Answers every question the way a person does: by its visible label. */
async function answerEveryQuestion(page, answers) {
  const auth = authLabel(answers.auth);
  await page.getByRole('radio', { name: auth, exact: true }).check();
  await page.getByLabel('Secret name', { exact: true }).fill(answers.secret_name);

  const key = page.getByLabel(`${auth} (optional)`, { exact: true });
  if (answers.auth === 'api_key' && answers.key_value === Buffer.from(RAW_API_KEY).toString('base64')) {
    await key.fill(RAW_API_KEY);
    await page.getByRole('button', { name: 'Convert to base64' }).click();
  } else {
    await key.fill(answers.key_value);
  }
  await page.getByLabel('Embed the key in the snippets', { exact: true }).setChecked(answers.embed_key);

  if (answers.kms === 'customer_managed') {
    await page.getByRole('radio', { name: 'Customer-managed KMS key' }).check();
    await page.getByLabel('KMS key ARN', { exact: true }).fill(answers.kms_key_arn);
  } else {
    await page.getByRole('radio', { name: 'AWS-managed key (aws/secretsmanager)' }).check();
  }

  await page.getByLabel('Region', { exact: true }).selectOption(answers.region);
  await page.getByLabel('Account ID', { exact: true }).fill(answers.account_id);
  await page.getByLabel('Function name', { exact: true }).fill(answers.function_name);
  await page.getByLabel('Execution role', { exact: true }).fill(answers.role);
  await page.getByLabel('APM server URL', { exact: true }).fill(answers.apm_server_url);
  await page.getByLabel('The function runs in a VPC', { exact: true }).setChecked(answers.in_vpc);
  await page.getByRole('radio', { name: TOOL_LABELS[answers.tool], exact: true }).check();
}

/** Returns the kind of every block of every step, as the page shows them. */
async function pageBlockKinds(page) {
  return page.evaluate(() => {
    const kinds = { P: 'prose', OL: 'instructions', FIGURE: 'code' };
    return [...document.querySelectorAll('section.step')].map((step) =>
      [...step.children]
        .filter((child) => child.tagName !== 'H3')
        .map((child) => kinds[child.tagName] ?? child.className),
    );
  });
}

/** Returns the code blocks of the guide, in order, with their copy buttons. */
function codeFigures(page) {
  return page.locator('#guide-panel figure.code');
}

describe('wizard user flows', () => {
  let browser;
  let server;

  before(async () => {
    requireDist();
    buildRenderer();
    browser = await launchBrowser();
    server = await startServer({ root: distDir });
    await browser.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.origin });
  });

  after(async () => {
    await server?.close();
    await browser?.close();
  });

  for (const tool of TOOLS) {
    test(`${tool}: answers by label match the renderer`, async () => {
      const answers = FLOWS[tool];
      const { page, watcher } = await openApp(browser, { server });
      try {
        await answerEveryQuestion(page, answers);
        await page.waitForSelector(`#tab-${tool}[aria-selected="true"]`);
        const rendering = render(answers);
        const guide = rendering.tools[tool];

        await expectOutline(page, guideOutline(guide), `the ${tool} code blocks differ from the renderer's`);
        assert.deepEqual(
          await pageBlockKinds(page),
          guide.steps.map((step) => step.blocks.map((block) => block.kind)),
          'the page shows other blocks than the renderer',
        );

        const fileButton = page.getByRole('button', { name: `Download ${path.posix.basename(guide.file)}` });
        if (rendering.files[guide.file] === undefined) {
          assert.ok(await fileButton.isDisabled(), `Download is enabled, but the renderer has no ${guide.file}`);
        } else {
          const file = await download(page, fileButton);
          assert.equal(file.name, path.posix.basename(guide.file));
          assert.equal(file.bytes.toString('utf8'), rendering.files[guide.file], `${guide.file} differs from the renderer's`);
        }

        const archive = await download(page, page.getByRole('button', { name: 'Download all files (.zip)' }));
        assert.equal(archive.name, 'apm-lambda-secrets.zip');
        assert.deepEqual(readStoredZip(archive.bytes), rendering.files, 'the archive differs from the renderer files');

        // Every check of the state is shown beside the field it concerns.
        for (const check of rendering.checks) {
          const messages = await page.locator(`#field-${check.field}-messages`).textContent();
          assert.ok(messages.includes(check.message.replaceAll('`', '')), `${check.id} is not shown beside ${check.field}`);
        }

        // The link carries the answers but never the key.
        assert.ok(!page.url().includes(encodeURIComponent(answers.key_value)), 'the URL carries the key');
        assert.ok(!page.url().includes(answers.key_value), 'the URL carries the key');
        watcher.assertClean();
      } finally {
        await page.close();
      }
    });
  }

  test('every copy button copies its block exactly', async () => {
    const { page, watcher } = await openApp(browser, { server });
    try {
      await answerEveryQuestion(page, FLOWS.cli);
      for (const tool of TOOLS) {
        await selectTool(page, tool);
        const state = { ...FLOWS.cli, tool };
        const guide = render(state).tools[tool];
        const expected = guideOutline(guide).flatMap((step) => step.code);
        await expectOutline(page, guideOutline(guide), `the ${tool} code blocks differ from the renderer's`);

        const figures = codeFigures(page);
        assert.equal(await figures.count(), expected.length);
        for (let index = 0; index < expected.length; index++) {
          const figure = figures.nth(index);
          await figure.getByRole('button', { name: 'Copy', exact: true }).click();
          await figure.getByRole('status').filter({ hasText: 'Copied' }).waitFor();
          const copied = await page.evaluate(() => navigator.clipboard.readText());
          assert.equal(copied, expected[index], `${tool} block ${index + 1} copied other text`);
        }
      }
      watcher.assertClean();
    } finally {
      await page.close();
    }
  });

  test('blocks with the key say so next to the copy button', async () => {
    const { page } = await openApp(browser, { server });
    try {
      await answerEveryQuestion(page, FLOWS.cli);
      const guide = render(FLOWS.cli).tools.cli;
      const codes = guide.steps.flatMap((step) => step.blocks.filter((block) => block.kind === 'code'));
      await expectOutline(page, guideOutline(guide), 'the AWS CLI code blocks differ from the renderer');
      const figures = codeFigures(page);
      assert.ok(codes.some((code) => code.contains_key), 'the test state embeds no key');
      for (let index = 0; index < codes.length; index++) {
        const marked = await figures.nth(index).locator('figcaption .contains-key').count();
        assert.equal(marked, codes[index].contains_key ? 1 : 0, `block ${index + 1}`);
      }
    } finally {
      await page.close();
    }
  });

  test('copy all steps and copy link', async () => {
    const { page } = await openApp(browser, { server });
    try {
      await answerEveryQuestion(page, FLOWS.terraform);
      const guide = render(FLOWS.terraform).tools.terraform;
      await expectOutline(page, guideOutline(guide), 'the Terraform code blocks differ from the renderer');

      await page.getByRole('button', { name: 'Copy all steps' }).click();
      await page.locator('.actions [role="status"]', { hasText: 'Copied' }).waitFor();
      const all = await page.evaluate(() => navigator.clipboard.readText());
      assert.ok(all.startsWith('# Store the Elastic APM'), all.slice(0, 80));
      for (const step of guide.steps) assert.ok(all.includes(step.title), `"${step.title}" is missing`);
      for (const code of guideOutline(guide).flatMap((step) => step.code)) {
        assert.ok(all.includes(code), `a code block is missing from the copied steps: ${code.slice(0, 60)}`);
      }

      await page.getByRole('button', { name: 'Copy link' }).click();
      await page.locator('.share [role="status"]', { hasText: 'Copied' }).waitFor();
      const link = await page.evaluate(() => navigator.clipboard.readText());
      assert.equal(link, page.url());
      assert.ok(!link.includes(FLOWS.terraform.key_value), 'the link carries the key');
    } finally {
      await page.close();
    }
  });

  test('copy selects the text when the clipboard is unavailable', async () => {
    const page = await browser.newPage();
    try {
      // Pages served over plain HTTP from another host have no navigator.clipboard.
      await page.addInitScript(() => {
        Object.defineProperty(Navigator.prototype, 'clipboard', { get: () => undefined });
      });
      await page.goto(server.url);
      const figure = codeFigures(page).first();
      await figure.getByRole('button', { name: 'Copy', exact: true }).click();
      await figure.getByRole('status').filter({ hasText: 'selected' }).waitFor();
      const selected = await page.evaluate(() => window.getSelection().toString());
      // Chromium leaves the final line break of a <pre> out of the selection's text.
      assert.equal(selected, (await figure.locator('pre').textContent()).replace(/\n$/, ''));
    } finally {
      await page.close();
    }
  });

  test('invalid secret name: message beside the field, other blocks stay', async () => {
    const { page, watcher } = await openApp(browser, { server });
    try {
      await selectTool(page, 'cli');
      const name = page.getByLabel('Secret name', { exact: true });
      await name.fill('bad name!');

      const messages = page.locator('#field-secret_name-messages');
      await messages.locator('.message.error').waitFor();
      assert.match(await messages.textContent(), /The secret name bad name! contains characters that Secrets Manager rejects: a space, !/);
      assert.equal(await messages.getAttribute('aria-live'), 'polite');
      assert.equal(await name.getAttribute('aria-invalid'), 'true');
      assert.ok((await name.getAttribute('aria-describedby')).split(' ').includes('field-secret_name-messages'));

      const rendering = render({ secret_name: 'bad name!', tool: 'cli' });
      await expectOutline(page, guideOutline(rendering.tools.cli), 'the steps differ from the renderer for an invalid name');
      assert.ok((await page.locator('#guide-panel .blocked').count()) > 0, 'no block is blocked');
      assert.ok((await codeFigures(page).count()) > 0, 'the blocks that do not need the name are gone');

      await name.fill('good-name');
      await messages.locator('.message.error').waitFor({ state: 'detached' });
      assert.equal(await name.getAttribute('aria-invalid'), 'false');
      assert.equal(await page.locator('#guide-panel .blocked').count(), 0);
      watcher.assertClean();
    } finally {
      await page.close();
    }
  });

  test('the tool tabs work with the keyboard alone', async () => {
    const { page } = await openApp(browser, { server });
    try {
      await page.locator('#tab-console').focus();
      const selected = () => page.locator('[role="tab"][aria-selected="true"]').getAttribute('id');
      const focused = () => page.evaluate(() => document.activeElement.id);

      await page.keyboard.press('ArrowRight');
      assert.equal(await selected(), 'tab-cli');
      assert.equal(await focused(), 'tab-cli');
      await page.keyboard.press('End');
      assert.equal(await selected(), 'tab-terraform');
      await page.keyboard.press('ArrowRight');
      assert.equal(await selected(), 'tab-console');
      await page.keyboard.press('ArrowLeft');
      assert.equal(await selected(), 'tab-terraform');
      await page.keyboard.press('Home');
      assert.equal(await focused(), 'tab-console');

      // Only the selected tab is in the tab order.
      const tabIndexes = await page.locator('[role="tab"]').evaluateAll((tabs) => tabs.map((tab) => tab.tabIndex));
      assert.deepEqual(tabIndexes, [0, -1, -1, -1, -1]);
      // The radio group of the tool question follows the tabs.
      assert.ok(await page.getByRole('radio', { name: 'AWS console', exact: true }).isChecked());
      // The default tool is left out of the link again.
      await page.waitForFunction(() => !location.hash.includes('tool='));
    } finally {
      await page.close();
    }
  });

  test('keyboard alone reaches every control with a visible focus ring', async () => {
    const { page } = await openApp(browser, { server });
    try {
      await page.locator('body').focus();
      const seen = [];
      for (let press = 0; press < 80; press++) {
        await page.keyboard.press('Tab');
        const focus = await page.evaluate(() => {
          const element = document.activeElement;
          const style = getComputedStyle(element);
          return {
            id: element.id || element.textContent.trim().slice(0, 30),
            tag: element.tagName,
            ring: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2,
          };
        });
        if (focus.tag === 'BODY') break;
        assert.ok(focus.ring, `${focus.tag} ${focus.id} has no visible focus ring`);
        seen.push(focus.id);
      }
      for (const id of ['field-secret_name', 'field-key_value', 'field-region', 'field-account_id', 'field-apm_server_url', 'tab-console']) {
        assert.ok(seen.includes(id), `Tab never reaches #${id}`);
      }
      assert.ok(seen.includes('Copy link'), 'Tab never reaches "Copy link"');
      assert.ok(seen.includes('Copy'), 'Tab never reaches a code block copy button');

      // A blocked block's button moves the focus to the field at fault.
      await page.getByLabel('Secret name', { exact: true }).fill('');
      await page.locator('#guide-panel .blocked button').first().press('Enter');
      assert.equal(await page.evaluate(() => document.activeElement.id), 'field-secret_name');
    } finally {
      await page.close();
    }
  });

  test('the key field masks, forgets and never reaches the URL', async () => {
    const { page } = await openApp(browser, { server });
    try {
      await selectTool(page, 'cli');
      const key = page.locator('#field-key_value');
      assert.equal(await key.getAttribute('type'), 'password');
      assert.equal(await key.getAttribute('autocomplete'), 'off');
      assert.equal(await key.getAttribute('spellcheck'), 'false');
      assert.equal(await key.getAttribute('autocapitalize'), 'off');
      assert.equal(await key.getAttribute('name'), null);
      assert.equal(await page.locator('form').count(), 0, 'a form invites password managers to save the key');

      const secret = 'Sup3r-Secret-Value';
      await key.fill(secret);
      await page.getByLabel('Embed the key in the snippets', { exact: true }).check();
      await page.locator('#guide-panel pre', { hasText: secret }).first().waitFor();
      assert.ok(!page.url().includes(secret));

      const reveal = page.getByRole('button', { name: 'Show key' });
      await reveal.click();
      assert.equal(await key.getAttribute('type'), 'text');
      assert.equal(await reveal.getAttribute('aria-pressed'), 'true');

      await page.getByRole('button', { name: 'Forget the key' }).click();
      assert.equal(await key.inputValue(), '');
      assert.equal(await key.getAttribute('type'), 'password');
      await page.locator('#guide-panel pre', { hasText: secret }).first().waitFor({ state: 'detached' });

      // Leaving the page drops the key too, so a page restored from the
      // back-forward cache shows none.
      await key.fill(secret);
      await page.evaluate(() => window.dispatchEvent(new PageTransitionEvent('pagehide', { persisted: true })));
      await page.waitForFunction(() => document.querySelector('#field-key_value').value === '');
      await page.locator('#guide-panel pre', { hasText: secret }).first().waitFor({ state: 'detached' });
    } finally {
      await page.close();
    }
  });

  test('answers are mirrored in the fragment without new history entries', async () => {
    const { page } = await openApp(browser, { server, path: '?from=docs' });
    try {
      const before = await page.evaluate(() => history.length);
      await page.getByLabel('Region', { exact: true }).selectOption('eu-central-1');
      await page.getByLabel('Function name', { exact: true }).fill('orders');
      await page.getByRole('radio', { name: 'AWS SAM', exact: true }).check();
      await page.waitForFunction(() => location.hash.includes('tool=sam'));

      const url = new URL(page.url());
      assert.equal(url.search, '?from=docs', 'the query string changed');
      assert.equal(url.hash, '#region=eu-central-1&function_name=orders&tool=sam');
      assert.equal(await page.evaluate(() => history.length), before, 'typing added history entries');

      // Editing the fragment by hand restores the answers it names.
      await page.evaluate(() => {
        location.hash = '#region=ap-northeast-1&tool=terraform&auth=api_key';
      });
      await page.waitForSelector('#tab-terraform[aria-selected="true"]');
      assert.equal(await page.getByLabel('Region', { exact: true }).inputValue(), 'ap-northeast-1');
      assert.ok(await page.getByRole('radio', { name: 'APM API key', exact: true }).isChecked());
      assert.equal(await page.getByLabel('Function name', { exact: true }).inputValue(), '');

      // Back returns to the fragment before the edit.
      await page.goBack();
      await page.waitForSelector('#tab-sam[aria-selected="true"]');
      assert.equal(await page.getByLabel('Function name', { exact: true }).inputValue(), 'orders');
    } finally {
      await page.close();
    }
  });

  test('a malformed fragment is ignored part by part with a notice', async () => {
    const { page, watcher } = await openApp(browser, { server, path: '#tool=cobol&region=eu-west-1&garbage&key_value=x' });
    try {
      const notices = page.locator('.link-notices li');
      await notices.first().waitFor();
      assert.equal(await notices.count(), 3);
      assert.match(await notices.nth(0).textContent(), /Ignored tool in the link: cobol is not a valid value/);
      assert.equal(await page.getByLabel('Region', { exact: true }).inputValue(), 'eu-west-1');
      assert.ok(await page.getByRole('radio', { name: 'AWS console', exact: true }).isChecked());
      // The address bar is rewritten without the ignored parts.
      await page.waitForFunction(() => location.hash === '#region=eu-west-1');

      await page.getByRole('button', { name: 'Dismiss' }).click();
      assert.equal(await notices.count(), 0);
      watcher.assertClean();
    } finally {
      await page.close();
    }
  });

  test('the region list filters and picks a single match', async () => {
    const { page } = await openApp(browser, { server });
    try {
      const filter = page.getByLabel('Filter the list', { exact: true });
      await filter.fill('tokyo');
      assert.equal(await page.getByLabel('Region', { exact: true }).inputValue(), 'ap-northeast-1');
      await filter.fill('gov');
      await filter.press('Enter');
      assert.equal(await page.getByLabel('Region', { exact: true }).inputValue(), 'us-gov-west-1');
      const visible = await page
        .locator('#field-region option')
        .evaluateAll((options) => options.filter((option) => !option.hidden).map((option) => option.value));
      assert.deepEqual(visible, ['us-gov-west-1', 'us-gov-east-1']);
    } finally {
      await page.close();
    }
  });

  for (const colorScheme of ['light', 'dark']) {
    test(`axe finds no violations (${colorScheme})`, async () => {
      const pages = [
        { name: 'defaults', path: '' },
        {
          name: 'errors and a link notice',
          path: '#secret_name=bad%20name&kms=customer_managed&kms_key_arn=alias/x&account_id=12&tool=cli&junk',
        },
      ];
      for (const { name, path: where } of pages) {
        const { page } = await openApp(browser, { server, path: where });
        try {
          await page.emulateMedia({ colorScheme });
          await page.locator('#guide-panel section.step').first().waitFor();
          const results = await new AxeBuilder({ page }).analyze();
          const summary = results.violations.map(
            (violation) => `${violation.id}: ${violation.help} (${violation.nodes.map((node) => node.target.join(' ')).join(', ')})`,
          );
          assert.deepEqual(summary, [], `axe violations on ${name} (${colorScheme})`);
        } finally {
          await page.close();
        }
      }
    });
  }

  test('screenshots of the filled wizard', async () => {
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    for (const [width, colorScheme] of [
      [1280, 'light'],
      [390, 'light'],
      [1280, 'dark'],
      [390, 'dark'],
      [360, 'light'],
    ]) {
      const { page } = await openApp(browser, { server });
      try {
        await page.setViewportSize({ width, height: 900 });
        await page.emulateMedia({ colorScheme });
        await answerEveryQuestion(page, FLOWS.cli);
        await page.locator('#guide-panel section.step').first().waitFor();
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
        assert.equal(overflow, 0, `the page scrolls sideways at ${width} px`);
        // Answering scrolled the page down, and the steps column follows the
        // scroll on wide screens: start the picture at the top.
        await page.evaluate(() => window.scrollTo(0, 0));
        await page.screenshot({ path: path.join(SCREENSHOT_DIR, `wizard-${width}-${colorScheme}.png`), fullPage: true });
      } finally {
        await page.close();
      }
    }
  });
});
