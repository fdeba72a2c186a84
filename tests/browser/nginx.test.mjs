// Serves the release build with the example nginx configuration
// (docs/hosting/nginx.conf) on 127.0.0.1 and checks that its headers are
// right and that the app starts, installs its service worker and reloads
// offline under it. Skipped when nginx is not installed
// (apt-get install nginx-light).

import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { APP_READY_SELECTOR, MOUNT_TIMEOUT_MS, distDir, launchBrowser, repoRoot, requireDist, watchPage } from './lib/browser.mjs';
import { nginxHeaders } from './lib/policy.mjs';

const SNIPPET = path.join(repoRoot, 'docs', 'hosting', 'nginx.conf');
const SNIPPET_ROOT = '/srv/www/apm-lambda-secrets/';
const SUB_PATH = '/docs/apm/lambda-secrets/';

const nginxPath = ['/usr/sbin/nginx', '/usr/local/sbin/nginx', '/usr/local/bin/nginx'].find(
  (candidate) => spawnSync(candidate, ['-v']).status === 0,
);

async function freePort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function waitForPort(port, timeoutMs = 10000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const open = await new Promise((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => socket.end(() => resolve(true)));
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`nginx did not listen on 127.0.0.1:${port} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('example nginx configuration', { skip: nginxPath ? false : 'nginx is not installed' }, () => {
  let dir;
  let nginx;
  let origin;
  let browser;
  let nginxOutput = '';

  before(async () => {
    requireDist();
    const snippet = readFileSync(SNIPPET, 'utf8');
    assert.ok(snippet.includes(SNIPPET_ROOT), `${SNIPPET} no longer serves ${SNIPPET_ROOT}; update this test`);
    assert.ok(snippet.includes(`location ${SUB_PATH}`), `${SNIPPET} no longer serves ${SUB_PATH}; update this test`);

    dir = mkdtempSync(path.join(os.tmpdir(), 'apm-wizard-nginx-'));
    for (const temp of ['body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) mkdirSync(path.join(dir, temp));
    const port = await freePort();
    origin = `http://127.0.0.1:${port}`;
    // The worker processes must read dist/; as root they would otherwise run as nobody.
    const user = process.getuid?.() === 0 ? 'user root;' : '';
    writeFileSync(
      path.join(dir, 'nginx.conf'),
      `${user}
worker_processes 1;
error_log ${dir}/error.log;
pid ${dir}/nginx.pid;
events {}
http {
  access_log ${dir}/access.log;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  default_type application/octet-stream;
  server {
    listen 127.0.0.1:${port};
${snippet.replaceAll(SNIPPET_ROOT, `${distDir}/`)}
  }
}
`,
    );
    const check = spawnSync(nginxPath, ['-t', '-p', dir, '-c', path.join(dir, 'nginx.conf')], { encoding: 'utf8' });
    assert.equal(check.status, 0, `nginx rejects the configuration:\n${check.stderr}`);

    nginx = spawn(nginxPath, ['-p', dir, '-c', path.join(dir, 'nginx.conf'), '-g', 'daemon off;'], { stdio: ['ignore', 'pipe', 'pipe'] });
    nginx.stdout.on('data', (chunk) => (nginxOutput += chunk));
    nginx.stderr.on('data', (chunk) => (nginxOutput += chunk));
    await waitForPort(port);
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    if (nginx && nginx.exitCode === null) {
      const exited = new Promise((resolve) => nginx.once('exit', resolve));
      nginx.kill('SIGTERM');
      await exited;
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('sends the policy and the right content types', async () => {
    const expected = nginxHeaders(readFileSync(SNIPPET, 'utf8'));
    const page = await fetch(`${origin}${SUB_PATH}`);
    assert.equal(page.status, 200, nginxOutput);
    assert.equal(page.headers.get('content-security-policy'), expected['Content-Security-Policy']);
    assert.equal(page.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(page.headers.get('referrer-policy'), 'no-referrer');
    assert.equal(page.headers.get('cache-control'), 'no-cache');
    assert.match(page.headers.get('content-type'), /^text\/html/);

    const wasmName = /href="\.\/([^"]+_bg\.wasm)"/.exec(await page.text())[1];
    const wasm = await fetch(`${origin}${SUB_PATH}${wasmName}`);
    assert.equal(wasm.headers.get('content-type'), 'application/wasm');
    assert.equal(wasm.headers.get('content-security-policy'), expected['Content-Security-Policy']);
    const manifest = await fetch(`${origin}${SUB_PATH}manifest.webmanifest`);
    assert.equal(manifest.headers.get('content-type'), 'application/manifest+json');
  });

  test('runs the app and reloads it offline', async () => {
    const page = await browser.newPage();
    const watcher = watchPage(page, origin);
    try {
      await page.goto(`${origin}${SUB_PATH}`, { waitUntil: 'load' });
      await page.waitForSelector(APP_READY_SELECTOR, { state: 'attached', timeout: MOUNT_TIMEOUT_MS });
      await page.evaluate(async () => {
        await navigator.serviceWorker.ready;
        if (!navigator.serviceWorker.controller) {
          await new Promise((resolve) => navigator.serviceWorker.addEventListener('controllerchange', resolve, { once: true }));
        }
      });
      await page.waitForTimeout(300);
      watcher.assertClean();

      await browser.setOffline(true);
      await page.reload({ waitUntil: 'load' });
      await page.waitForSelector(APP_READY_SELECTOR, { state: 'attached', timeout: MOUNT_TIMEOUT_MS });
      assert.match(await page.locator('h1').first().textContent(), /AWS Secrets Manager/);
    } finally {
      await browser.setOffline(false);
      await page.close();
    }
  });
});
