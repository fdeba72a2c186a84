// Tests of the static file server itself (no browser needed).

import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import zlib from 'node:zlib';
import { chooseEncoding, mimeType, normalisePrefix, startServer } from './lib/server.mjs';

function get(url, headers = {}, method = 'GET') {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('static server', () => {
  let base;
  let dir;
  let server;
  const wasm = Buffer.concat([Buffer.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]), Buffer.alloc(4096, 7)]);

  before(async () => {
    base = mkdtempSync(path.join(os.tmpdir(), 'apm-wizard-server-'));
    writeFileSync(path.join(base, 'secret.txt'), 'outside the served root');
    dir = path.join(base, 'site');
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>t</title>'.repeat(50));
    writeFileSync(path.join(dir, 'app_bg.wasm'), wasm);
    mkdirSync(path.join(dir, 'sub'));
    writeFileSync(path.join(dir, 'sub', 'index.html'), 'sub');
    server = await startServer({ root: dir, prefix: '/docs/apm/lambda-secrets', compress: true });
  });

  after(async () => {
    await server?.close();
    rmSync(base, { recursive: true, force: true });
  });

  test('binds 127.0.0.1 on a port the OS chose', () => {
    assert.ok(server.port > 0);
    assert.equal(server.origin, `http://127.0.0.1:${server.port}`);
    assert.equal(server.url, `${server.origin}/docs/apm/lambda-secrets/`);
  });

  test('serves prefix and redirects slashless paths', async () => {
    const res = await get(server.url);
    assert.equal(res.status, 200);
    assert.equal(res.headers['content-type'], 'text/html; charset=utf-8');
    const redirect = await get(`${server.origin}/docs/apm/lambda-secrets?x=1`);
    assert.equal(redirect.status, 301);
    assert.equal(redirect.headers.location, '/docs/apm/lambda-secrets/?x=1');
    const dirRedirect = await get(`${server.url}sub`);
    assert.equal(dirRedirect.status, 301);
    assert.equal(dirRedirect.headers.location, '/docs/apm/lambda-secrets/sub/');
  });

  test('serves wasm as application/wasm', async () => {
    const res = await get(`${server.url}app_bg.wasm`);
    assert.equal(res.status, 200);
    assert.equal(res.headers['content-type'], 'application/wasm');
    assert.equal(res.headers['content-encoding'], undefined);
    assert.deepEqual(res.body, wasm);
  });

  test('compresses with brotli or gzip', async () => {
    const br = await get(`${server.url}app_bg.wasm`, { 'accept-encoding': 'gzip, deflate, br' });
    assert.equal(br.headers['content-encoding'], 'br');
    assert.equal(br.headers.vary, 'Accept-Encoding');
    assert.deepEqual(zlib.brotliDecompressSync(br.body), wasm);
    const gz = await get(`${server.url}app_bg.wasm`, { 'accept-encoding': 'gzip' });
    assert.equal(gz.headers['content-encoding'], 'gzip');
    assert.deepEqual(zlib.gunzipSync(gz.body), wasm);
    const none = await get(`${server.url}app_bg.wasm`, { 'accept-encoding': 'br;q=0, gzip;q=0' });
    assert.equal(none.headers['content-encoding'], undefined);
  });

  test('HEAD sends headers only', async () => {
    const res = await get(`${server.url}app_bg.wasm`, {}, 'HEAD');
    assert.equal(res.status, 200);
    assert.equal(Number(res.headers['content-length']), wasm.length);
    assert.equal(res.body.length, 0);
  });

  test('rejects paths outside prefix or root', async () => {
    assert.equal((await get(`${server.origin}/index.html`)).status, 404);
    assert.equal((await get(`${server.origin}/favicon.ico`)).status, 404);
    assert.equal((await get(`${server.url}missing.js`)).status, 404);
    assert.equal((await get(`${server.url}%2e%2e/secret.txt`)).status, 404);
    assert.equal((await get(`${server.url}..%2fsecret.txt`)).status, 404);
    assert.equal((await get(server.url, {}, 'POST')).status, 405);
  });

  test('reports a port in use', async () => {
    await assert.rejects(startServer({ root: dir, port: server.port }), { code: 'EADDRINUSE' });
  });

  test('MIME type and encoding helpers', () => {
    assert.equal(mimeType('a/b.WASM'), 'application/wasm');
    assert.equal(mimeType('x.js'), 'text/javascript; charset=utf-8');
    assert.equal(mimeType('x.unknown'), 'application/octet-stream');
    assert.equal(normalisePrefix(''), '/');
    assert.equal(normalisePrefix('docs/x'), '/docs/x/');
    assert.equal(chooseEncoding('gzip, br', true), 'br');
    assert.equal(chooseEncoding('gzip, br', 'gzip'), 'gzip');
    assert.equal(chooseEncoding('identity', true), null);
    assert.equal(chooseEncoding('*', true), 'br');
    assert.equal(chooseEncoding('gzip', false), null);
  });
});
