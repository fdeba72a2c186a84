// Tests of the Content-Security-Policy. index.html, the built page,
// public/_headers and the nginx example must carry the same policy, which
// allows nothing from another origin and no inline script. Chromium must
// enforce it on the release build.

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { inlineScripts } from '../../scripts/post-build.mjs';
import { APP_READY_SELECTOR, distDir, launchBrowser, openApp, repoRoot, requireDist } from './lib/browser.mjs';
import { metaPolicies, nginxHeaders, parsePolicy, policyObject, siteWideHeaders } from './lib/policy.mjs';
import { startServer } from './lib/server.mjs';

const SOURCE_HTML = path.join(repoRoot, 'index.html');
const HEADERS_FILE = path.join(repoRoot, 'public', '_headers');
const NGINX_FILE = path.join(repoRoot, 'docs', 'hosting', 'nginx.conf');

// Directives that browsers ignore in a meta element, so only the header
// versions of the policy carry them.
const HEADER_ONLY = { 'frame-ancestors': ["'none'"] };

function sourcePolicy() {
  const policies = metaPolicies(readFileSync(SOURCE_HTML, 'utf8'));
  assert.equal(policies.length, 1, `index.html must have exactly one Content-Security-Policy meta element, found ${policies.length}`);
  return policies[0];
}

function withHeaderOnly(policy) {
  return { ...policyObject(policy), ...HEADER_ONLY };
}

describe('Content-Security-Policy text', () => {
  test('forbids inline script, eval and other origins', () => {
    const policy = parsePolicy(sourcePolicy());
    assert.deepEqual(policy.get('default-src'), ["'none'"], 'default-src must be none, so every unlisted kind of request is blocked');
    assert.deepEqual(policy.get('connect-src'), ["'self'"], 'connect-src must allow only the page origin');

    const scriptSources = policy.get('script-src') ?? [];
    assert.ok(scriptSources.includes("'wasm-unsafe-eval'"), "script-src needs 'wasm-unsafe-eval', or Chromium refuses to compile the WebAssembly module");
    for (const source of scriptSources) {
      assert.match(source, /^('self'|'wasm-unsafe-eval'|'sha(256|384|512)-[A-Za-z0-9+/=]+')$/, `script-src allows ${source}`);
    }

    for (const [directive, sources] of policy) {
      for (const source of sources) {
        assert.doesNotMatch(source, /^'unsafe-(inline|eval|hashes)'$|^'strict-dynamic'$/, `${directive} allows ${source}`);
        assert.doesNotMatch(source, /^(\*|https?:|wss?:|blob:|filesystem:)|\.|\*/, `${directive} allows another origin or scheme: ${source}`);
      }
    }
    assert.deepEqual(policy.get('base-uri'), ["'none'"]);
    assert.deepEqual(policy.get('form-action'), ["'none'"]);
  });

  test('public/_headers sends the same policy', () => {
    const headers = siteWideHeaders(readFileSync(HEADERS_FILE, 'utf8'));
    assert.ok(headers['Content-Security-Policy'], 'public/_headers has no Content-Security-Policy for /*');
    assert.deepEqual(policyObject(headers['Content-Security-Policy']), withHeaderOnly(sourcePolicy()));
    assert.equal(headers['X-Content-Type-Options'], 'nosniff');
    assert.equal(headers['Referrer-Policy'], 'no-referrer');
  });

  test('the nginx example sends the same policy', () => {
    const headers = nginxHeaders(readFileSync(NGINX_FILE, 'utf8'));
    assert.ok(headers['Content-Security-Policy'], `${NGINX_FILE} has no add_header Content-Security-Policy line`);
    assert.deepEqual(policyObject(headers['Content-Security-Policy']), withHeaderOnly(sourcePolicy()));
    assert.equal(headers['X-Content-Type-Options'], 'nosniff');
    assert.equal(headers['Referrer-Policy'], 'no-referrer');
  });
});

describe('Content-Security-Policy of the release build', () => {
  let html;

  before(() => {
    requireDist();
    html = readFileSync(path.join(distDir, 'index.html'), 'utf8');
  });

  test('keeps the policy of index.html', () => {
    const policies = metaPolicies(html);
    assert.equal(policies.length, 1);
    assert.deepEqual(policyObject(policies[0]), policyObject(sourcePolicy()));
  });

  test('has no inline script left', () => {
    const scripts = inlineScripts(html);
    assert.deepEqual(
      scripts.map((script) => script.content.slice(0, 80)),
      [],
      'dist/index.html has inline scripts: is the post_build hook in Trunk.toml missing?',
    );
    assert.doesNotMatch(html, /<[a-z][^>]*\son[a-z]+\s*=/i, 'dist/index.html has an inline event handler');
  });

  test('loads every script and style from its own files, with matching integrity', () => {
    const elements = [...html.matchAll(/<(script|link)\b[^>]*>/gi)].map(([tag]) => tag);
    const references = [];
    for (const tag of elements) {
      const url = /\s(?:src|href)\s*=\s*"([^"]*)"/i.exec(tag)?.[1];
      if (!url || url.startsWith('data:')) continue;
      references.push(url);
      assert.doesNotMatch(url, /^[a-z][a-z0-9+.-]*:|^\/\//i, `dist/index.html loads ${url} from another origin`);
      const file = path.join(distDir, url.replace(/^\.\//, ''));
      assert.ok(existsSync(file), `dist/index.html refers to ${url}, which is not in ${distDir}`);
      const integrity = /\sintegrity\s*=\s*"([^"]*)"/i.exec(tag)?.[1];
      if (/^<script/i.test(tag) || /rel\s*=\s*"(stylesheet|modulepreload|preload)"/i.test(tag)) {
        assert.ok(integrity, `${url} has no integrity attribute`);
        const [algorithm, expected] = integrity.split(/-(.*)/s);
        const actual = createHash(algorithm).update(readFileSync(file)).digest('base64');
        assert.equal(actual, expected, `the integrity of ${url} does not match the file`);
      }
    }
    assert.ok(references.some((url) => url.endsWith('.wasm')), 'no reference to the WebAssembly module');
    assert.ok(references.some((url) => /inline-script-[0-9a-f]+\.js$/.test(url)), 'no reference to the moved loader script');
  });
});

describe('Content-Security-Policy in Chromium', () => {
  let browser;
  let otherOrigin;

  before(async () => {
    requireDist();
    browser = await launchBrowser();
    // Another origin on this machine: same address, another port.
    otherOrigin = await startServer({ root: distDir });
  });

  after(async () => {
    await otherOrigin?.close();
    await browser?.close();
  });

  test('the app runs under the header policy of _headers too', async () => {
    const headersFile = existsSync(path.join(distDir, '_headers')) ? path.join(distDir, '_headers') : HEADERS_FILE;
    const headers = siteWideHeaders(readFileSync(headersFile, 'utf8'));
    const server = await startServer({ root: distDir, prefix: '/docs/apm/lambda-secrets/', headers });
    const { page, watcher } = await openApp(browser, { server });
    try {
      const response = watcher.responses.find((entry) => entry.url === server.url);
      assert.ok(response?.headers['content-security-policy'], 'the server did not send the policy header');
      assert.ok((await page.locator(APP_READY_SELECTOR).first().textContent()).trim().length > 0);
      await page.waitForTimeout(300);
      watcher.assertClean();
    } finally {
      await page.close();
      await server.close();
    }
  });

  test('blocks connections to another origin and inline script', async () => {
    const { page, server } = await openApp(browser, { prefix: '/docs/apm/lambda-secrets/' });
    try {
      await page.evaluate(() => {
        window.violations = [];
        document.addEventListener('securitypolicyviolation', (event) => {
          window.violations.push(`${event.effectiveDirective} ${event.blockedURI}`);
        });
      });
      const results = await page.evaluate(async (other) => {
        const outcome = {};
        try {
          await fetch(`${other}/index.html`);
          outcome.fetch = 'loaded';
        } catch (error) {
          outcome.fetch = `blocked: ${error.name}`;
        }
        outcome.image = await new Promise((resolve) => {
          const image = new Image();
          image.onload = () => resolve('loaded');
          image.onerror = () => resolve('blocked');
          image.src = `${other}/icons/icon-192.png`;
        });
        const script = document.createElement('script');
        script.textContent = 'window.inlineScriptRan = true;';
        document.head.append(script);
        outcome.inlineScript = window.inlineScriptRan === true ? 'ran' : 'blocked';
        try {
          // eslint-disable-next-line no-eval
          eval('1');
          outcome.eval = 'ran';
        } catch (error) {
          outcome.eval = `blocked: ${error.name}`;
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
        return outcome;
      }, otherOrigin.origin);

      assert.equal(results.fetch, 'blocked: TypeError');
      assert.equal(results.image, 'blocked');
      assert.equal(results.inlineScript, 'blocked');
      assert.equal(results.eval, 'blocked: EvalError');
      assert.deepEqual(otherOrigin.requests, [], 'a request reached the other origin');

      const violations = await page.evaluate(() => window.violations);
      for (const directive of ['connect-src', 'img-src', 'script-src-elem', 'script-src']) {
        assert.ok(
          violations.some((entry) => entry.startsWith(`${directive} `)),
          `no ${directive} violation was reported; saw: ${violations.join(', ')}`,
        );
      }
      for (const request of server.requests) {
        assert.ok(request.url.startsWith(server.prefix), `the page requested ${request.url}`);
      }
    } finally {
      await page.close();
      await server.close();
    }
  });
});
