// Shared helpers for the browser tests and benchmarks: where dist/ is, how to
// launch Debian's Chromium with playwright-core, and a page watcher that
// records every console error, uncaught exception and request to another
// origin than the local server.
//
//   import { distDir, launchBrowser, openApp } from './lib/browser.mjs';
//   const browser = await launchBrowser();
//   const { page, watcher, server } = await openApp(browser, { prefix: '/docs/apm/lambda-secrets/' });
//   ...
//   watcher.assertClean();
//   await server.close(); await browser.close();

import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startServer } from './server.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));

/** Repository root (two levels above tests/browser/lib). */
export const repoRoot = path.resolve(here, '..', '..', '..');

/** The release build to test: DIST_DIR, or dist/ at the repository root. */
export const distDir = path.resolve(process.env.DIST_DIR ?? path.join(repoRoot, 'dist'));

/** The browser binary: CHROMIUM, or Debian's /usr/bin/chromium. */
export const chromiumPath = process.env.CHROMIUM ?? '/usr/bin/chromium';

/** The CSS selector of an element the app renders once it has mounted. */
export const APP_READY_SELECTOR = process.env.APP_READY_SELECTOR ?? 'main';

/** How long the app may take to mount (ms). */
export const MOUNT_TIMEOUT_MS = Number(process.env.MOUNT_TIMEOUT_MS ?? 20000);

/** Throws a clear error when dist/ has not been built. */
export function requireDist() {
  if (!existsSync(path.join(distDir, 'index.html'))) {
    throw new Error(`${distDir}/index.html is missing: build the site first with ./scripts/build.sh (or set DIST_DIR)`);
  }
}

// Flags for a closed network and a root user: no sandbox (root), no GPU, and no
// background connections to Google's services, which this machine refuses.
export const CHROMIUM_ARGS = Object.freeze([
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-default-apps',
  '--disable-extensions',
  '--metrics-recording-only',
  '--no-default-browser-check',
]);

/**
 * Launches headless Chromium. Each browser gets a fresh, empty profile that is
 * deleted again on close.
 * @param {import('playwright-core').LaunchOptions} [options]
 */
export async function launchBrowser(options = {}) {
  if (!existsSync(chromiumPath)) {
    throw new Error(
      `Chromium not found at ${chromiumPath}: install it with ./scripts/setup.sh browser (apt-get install -y chromium) or set CHROMIUM`,
    );
  }
  const userDataDir = mkdtempSync(path.join(os.tmpdir(), 'apm-wizard-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: chromiumPath,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1280, height: 900 },
    ...options,
  });
  const close = context.close.bind(context);
  context.close = async () => {
    try {
      await close();
    } finally {
      rmSync(userDataDir, { recursive: true, force: true });
    }
  };
  return context;
}

/**
 * Watches a page for problems: console messages of type error, uncaught
 * exceptions, failed requests and any request that leaves `allowedOrigin`.
 * @param {import('playwright-core').Page} page
 * @param {string} allowedOrigin  e.g. 'http://127.0.0.1:41234'
 */
export function watchPage(page, allowedOrigin) {
  const problems = [];
  const responses = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') {
      const loc = msg.location();
      problems.push(`console error: ${msg.text()}${loc?.url ? ` (${loc.url}:${loc.lineNumber})` : ''}`);
    }
  });
  page.on('pageerror', (err) => problems.push(`uncaught exception: ${err.stack || err.message || String(err)}`));
  page.on('request', (req) => {
    const url = req.url();
    if (url.startsWith('data:') || url.startsWith('blob:') || url === 'about:blank') return;
    let origin;
    try {
      origin = new URL(url).origin;
    } catch {
      origin = url;
    }
    if (origin !== allowedOrigin) problems.push(`request to another origin: ${req.method()} ${url}`);
  });
  page.on('requestfailed', (req) => {
    problems.push(`request failed: ${req.method()} ${req.url()} (${req.failure()?.errorText ?? 'unknown'})`);
  });
  page.on('response', (res) => {
    responses.push({ url: res.url(), status: res.status(), headers: res.headers() });
    if (res.status() >= 400) problems.push(`HTTP ${res.status()} for ${res.url()}`);
  });
  return {
    problems,
    responses,
    assertClean() {
      if (problems.length > 0) {
        throw new Error(`the page reported ${problems.length} problem(s):\n  - ${problems.join('\n  - ')}`);
      }
    },
  };
}

/**
 * Serves dist/ (optionally under a prefix and compressed), opens it in a new
 * page and waits for the app to mount. On failure it closes the page and the
 * server it started, so a failing test cannot leave the process hanging.
 * @param {import('playwright-core').BrowserContext} browser
 * @param {{prefix?: string, compress?: boolean|'gzip'|'br', path?: string, server?: Awaited<ReturnType<typeof startServer>>}} [options]
 */
export async function openApp(browser, options = {}) {
  requireDist();
  const ownServer = !options.server;
  const server =
    options.server ?? (await startServer({ root: distDir, prefix: options.prefix ?? '/', compress: options.compress ?? false }));
  let page;
  try {
    page = await browser.newPage();
    const watcher = watchPage(page, server.origin);
    const url = new URL(options.path ?? '', server.url).href;
    await page.goto(url, { waitUntil: 'load' });
    try {
      await page.waitForSelector(APP_READY_SELECTOR, { state: 'attached', timeout: MOUNT_TIMEOUT_MS });
    } catch (err) {
      const seen = watcher.problems.length ? `\n  - ${watcher.problems.join('\n  - ')}` : ' (no console error or exception was seen)';
      throw new Error(`the app did not render <${APP_READY_SELECTOR}> within ${MOUNT_TIMEOUT_MS} ms at ${url}${seen}`, { cause: err });
    }
    return { page, watcher, server, url };
  } catch (err) {
    await page?.close().catch(() => {});
    if (ownServer) await server.close();
    throw err;
  }
}
