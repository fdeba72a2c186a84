// Tests of the build steps that run after trunk (no browser needed): moving
// inline scripts into files, writing the service worker's file list, the
// single-file builder, the icons and the web app manifest.

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import vm from 'node:vm';
import { buildSingleFile, hashSource, startScript } from '../../scripts/build-single-file.mjs';
import { staleIcons } from '../../scripts/make-icons.mjs';
import {
  SERVICE_WORKER_FILE,
  assertNoInlineCode,
  buildId,
  cachedFiles,
  externaliseInlineScripts,
  finishBuild,
  inlineScripts,
  integrity,
} from '../../scripts/post-build.mjs';
import { distDir, repoRoot, requireDist } from './lib/browser.mjs';
import { metaPolicies, parsePolicy } from './lib/policy.mjs';

const LOADER = `
import init, * as bindings from './app-0123.js';
const wasm = await init({ module_or_path: './app-0123_bg.wasm' });
`;

const PAGE = `<!doctype html>
<html><head>
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'self'" />
<script type="application/json" id="data">{"a": 1}</script>
<script type="module">${LOADER}</script>
</head><body><script>console.log("reload");</script></body></html>
`;

function readServiceWorkerManifest(source) {
  const match = /const BUILD = (\{[\s\S]*?\});/.exec(source);
  assert.ok(match, 'the service worker has no build manifest');
  return JSON.parse(match[1]);
}

describe('post-build: inline scripts', () => {
  test('moves module and classic scripts into hashed files', () => {
    const { html, files } = externaliseInlineScripts(PAGE, './');
    assert.equal(files.length, 2);
    for (const file of files) {
      const hash = createHash('sha256').update(file.content).digest('hex').slice(0, 16);
      assert.equal(file.name, `inline-script-${hash}.js`);
      assert.ok(html.includes(`src="./${file.name}" integrity="${integrity(file.content)}"`), `${file.name} is not referenced with its integrity`);
    }
    assert.equal(files[0].content, LOADER);
    assert.match(html, /<script type="module" src="\.\/inline-script-[0-9a-f]{16}\.js"/);
    assert.deepEqual(inlineScripts(html), []);
    assert.ok(html.includes('<script type="application/json" id="data">{"a": 1}</script>'), 'a JSON data block was changed');
  });

  test('uses the public URL for the new files', () => {
    const { html } = externaliseInlineScripts(PAGE, '/docs/apm/lambda-secrets/');
    assert.match(html, /src="\/docs\/apm\/lambda-secrets\/inline-script-[0-9a-f]{16}\.js"/);
  });

  test('changes nothing the second time', () => {
    const once = externaliseInlineScripts(PAGE, './').html;
    const twice = externaliseInlineScripts(once, './');
    assert.equal(twice.html, once);
    assert.deepEqual(twice.files, []);
  });

  test('rejects what the policy would block', () => {
    assert.throws(() => externaliseInlineScripts('<script type="importmap">{}</script>', './'), /import map/);
    assert.throws(() => assertNoInlineCode('<button onclick="go()">'), /inline event handler/);
    assert.throws(() => assertNoInlineCode('<a href="javascript:void(0)">'), /javascript: link/);
    assert.doesNotThrow(() => assertNoInlineCode('<p>the word onclick= in text is fine</p>'));
  });
});

describe('post-build: service worker', () => {
  let dir;

  before(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'apm-wizard-post-build-'));
    writeFileSync(path.join(dir, 'index.html'), PAGE);
    writeFileSync(path.join(dir, 'app-0123.js'), 'export default async function init() {}');
    writeFileSync(path.join(dir, 'app-0123_bg.wasm'), Buffer.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]));
    writeFileSync(path.join(dir, '_headers'), '/*\n  X-Content-Type-Options: nosniff\n');
    writeFileSync(path.join(dir, '.hidden'), 'not a build file');
    mkdirSync(path.join(dir, 'icons'));
    writeFileSync(path.join(dir, 'icons', 'icon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  test('lists every build file but host configuration', () => {
    const result = finishBuild(dir);
    assert.equal(result.externalised.length, 2);
    const source = readFileSync(path.join(dir, SERVICE_WORKER_FILE), 'utf8');
    const manifest = readServiceWorkerManifest(source);
    assert.deepEqual(manifest.files, ['app-0123.js', 'app-0123_bg.wasm', 'icons/icon.svg', 'index.html', ...result.externalised.sort()]);
    assert.equal(manifest.id, result.id);
    assert.match(manifest.id, /^[0-9a-f]{16}$/);
    assert.doesNotMatch(source, /const BUILD = BUILD_MANIFEST;/);
    assert.doesNotThrow(() => new vm.Script(source, { filename: SERVICE_WORKER_FILE }), 'the service worker is not valid JavaScript');
  });

  test('gets a new build id when a file changes', () => {
    const first = finishBuild(dir);
    const again = finishBuild(dir);
    assert.equal(again.id, first.id, 'the id changed without a change to the files');
    writeFileSync(path.join(dir, 'app-0123.js'), 'export default async function init() { return 1; }');
    const changed = finishBuild(dir);
    assert.notEqual(changed.id, first.id);
    writeFileSync(path.join(dir, 'icons', 'extra.png'), 'x');
    assert.notEqual(finishBuild(dir).id, changed.id, 'a new file did not change the id');
  });
});

describe('release build in dist/', () => {
  before(() => requireDist());

  test('service worker lists exactly the files of this build', () => {
    const source = readFileSync(path.join(distDir, SERVICE_WORKER_FILE), 'utf8');
    const manifest = readServiceWorkerManifest(source);
    const files = cachedFiles(distDir);
    assert.deepEqual(manifest.files, files);
    assert.equal(manifest.id, buildId(distDir, files), 'dist/ changed after the service worker was written');
    const html = readFileSync(path.join(distDir, 'index.html'), 'utf8');
    for (const [, url] of html.matchAll(/\s(?:src|href)="\.\/([^"]+)"/g)) {
      assert.ok(files.includes(url), `${url} is loaded by index.html but not cached for offline use`);
    }
  });

  test('manifest is valid and its icons exist', () => {
    const manifest = JSON.parse(readFileSync(path.join(distDir, 'manifest.webmanifest'), 'utf8'));
    assert.equal(manifest.start_url, './', 'start_url must be relative, so that the app works under any sub-path');
    assert.equal(manifest.scope, './');
    assert.equal(manifest.display, 'standalone');
    assert.ok(manifest.name, 'the manifest has no name');
    assert.ok(manifest.short_name, 'the manifest has no short_name');
    const sizes = new Set();
    for (const icon of manifest.icons) {
      assert.doesNotMatch(icon.src, /^\/|^[a-z]+:/i, `icon ${icon.src} must be relative`);
      assert.ok(existsSync(path.join(distDir, icon.src)), `icon ${icon.src} is not in dist/`);
      sizes.add(icon.sizes);
    }
    assert.ok(sizes.has('192x192'), 'installable apps need a 192 pixel icon');
    assert.ok(sizes.has('512x512'), 'installable apps need a 512 pixel icon');
    assert.ok(manifest.icons.some((icon) => icon.purpose === 'maskable'));
  });

  test('single-file policy hashes the inline elements exactly', () => {
    const { html, policy } = buildSingleFile(distDir);
    const [meta] = metaPolicies(html);
    assert.equal(meta, policy);
    const directives = parsePolicy(policy);
    assert.deepEqual(directives.get('default-src'), ["'none'"]);
    assert.deepEqual(directives.get('connect-src'), ["'none'"]);
    const script = /<script type="module">([\s\S]*?)<\/script>/.exec(html)[1];
    const style = /<style>([\s\S]*?)<\/style>/.exec(html)[1];
    assert.deepEqual(directives.get('script-src'), [hashSource(script), "'wasm-unsafe-eval'"]);
    assert.deepEqual(directives.get('style-src'), [hashSource(style)]);
    assert.equal((html.match(/<script\b/g) ?? []).length, 1, 'the single file must have one script element');
    assert.doesNotMatch(html, /<link\b(?![^>]*href="data:)/i, 'the single file still links to another file');
  });
});

describe('single-file builder', () => {
  test('rejects glue that imports other modules', () => {
    assert.throws(() => startScript("import { x } from './snippets/a.js';\nexport default init;", Buffer.alloc(8)), /imports other modules/);
  });

  test('rejects glue without an init function', () => {
    assert.throws(() => startScript('export function f() {}', Buffer.alloc(8)), /no default export/);
  });

  test('finds both export forms of the init function', () => {
    assert.match(startScript('async function __wbg_init() {}\nexport { initSync, __wbg_init as default };', Buffer.alloc(8)), /await __wbg_init\(/);
    assert.match(startScript('async function init() {}\nexport default init;', Buffer.alloc(8)), /await init\(/);
  });
});

describe('icons', () => {
  test('public/icons matches scripts/make-icons.mjs', () => {
    assert.deepEqual(staleIcons(path.join(repoRoot, 'public', 'icons')), [], 'run: node scripts/make-icons.mjs');
  });
});
