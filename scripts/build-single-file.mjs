#!/usr/bin/env node
// Builds the single-file form of the wizard: one HTML file with the style
// sheet, the JavaScript glue and the WebAssembly module inside, which works
// when opened from disk (file://) with no network at all.
//
//   ./scripts/build.sh                       # the release build in dist/ first
//   node scripts/build-single-file.mjs [--dist DIR] [--out FILE]
//
// DIR defaults to dist/ and FILE to dist-single/apm-lambda-secrets-wizard.html.
//
// The WebAssembly module is gzip-compressed and base64-encoded, and the page
// decompresses it with DecompressionStream, which needs Chromium 80, Firefox
// 113 or Safari 16.4 or newer. The page's Content-Security-Policy forbids
// every connection and every script or style sheet except the two inline
// ones, by hash. It has no service worker or manifest: browsers allow neither
// on file:// pages, and a file on disk is already offline.
// Node.js standard library only.

import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';

const scriptDir = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(scriptDir, '..');

export const DEFAULT_DIST = path.join(repoRoot, 'dist');
export const DEFAULT_OUT = path.join(repoRoot, 'dist-single', 'apm-lambda-secrets-wizard.html');

/** Returns the CSP source for `text` by its sha256 hash, e.g. 'sha256-…'. */
export function hashSource(text) {
  return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
}

/** Returns the policy of the single file for its one script and one style element. */
export function singleFilePolicy(script, style) {
  return [
    "default-src 'none'",
    `script-src ${hashSource(script)} 'wasm-unsafe-eval'`,
    `style-src ${hashSource(style)}`,
    'img-src data:',
    "connect-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

/** Finds the wasm-bindgen output in `distDir`: the `*_bg.wasm` file and its glue module. */
export function findApp(distDir) {
  const wasmFiles = readdirSync(distDir).filter((name) => name.endsWith('_bg.wasm'));
  if (wasmFiles.length !== 1) {
    throw new Error(`expected one *_bg.wasm file in ${distDir}, found ${wasmFiles.length}: build the site first with ./scripts/build.sh`);
  }
  const wasm = wasmFiles[0];
  const glue = `${wasm.slice(0, -'_bg.wasm'.length)}.js`;
  return { wasmPath: path.join(distDir, wasm), gluePath: path.join(distDir, glue) };
}

/**
 * Turns the wasm-bindgen glue module into the inline script that starts the
 * app from `wasmBytes`.
 */
export function startScript(glue, wasmBytes) {
  if (/^\s*import[\s{*'"]/m.test(glue)) {
    throw new Error('the wasm-bindgen glue imports other modules (snippets), which the single file cannot inline yet');
  }
  const init = /export\s*\{[^}]*?\b(\w+)\s+as\s+default\b[^}]*\}/.exec(glue) ?? /export\s+default\s+(\w+)\s*;/.exec(glue);
  if (!init) throw new Error('the wasm-bindgen glue has no default export (its init function)');

  const compressed = zlib.gzipSync(wasmBytes, { level: 9 }).toString('base64');
  // The block keeps these names apart from the glue's top-level names.
  const start = `
// Starts the app from the WebAssembly module embedded below as gzip and base64,
// so the page needs no other file.
{
  const embeddedWasm = '${compressed}';
  const binary = atob(embeddedWasm);
  const gzipped = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) gzipped[i] = binary.charCodeAt(i);
  const stream = new Blob([gzipped]).stream().pipeThrough(new DecompressionStream('gzip'));
  const moduleBytes = await new Response(stream).arrayBuffer();
  const instance = await ${init[1]}({ module_or_path: moduleBytes });
  dispatchEvent(new CustomEvent('TrunkApplicationStarted', { detail: { wasm: instance } }));
}
`;
  return assertInlineSafe(`${glue}\n${start}`, 'script');
}

// Text inside <script> or <style> ends at the first closing tag, and '<!--'
// switches the HTML parser into another state, so neither may occur.
function assertInlineSafe(text, element) {
  if (new RegExp(`</${element}`, 'i').test(text) || text.includes('<!--')) {
    throw new Error(`the inlined ${element} contains '</${element}' or '<!--', which would end it early`);
  }
  return text;
}

function attribute(tag, name) {
  const match = new RegExp(`\\s${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)'|([^\\s>]+))`, 'i').exec(tag);
  return match ? (match[1] ?? match[2] ?? match[3]) : undefined;
}

function localFile(distDir, href) {
  const clean = href.split(/[?#]/)[0].replace(/^\.?\//, '');
  return path.join(distDir, decodeURIComponent(clean));
}

/** Builds the single-file HTML from the release build in `distDir`. */
export function buildSingleFile(distDir = DEFAULT_DIST) {
  let html = readFileSync(path.join(distDir, 'index.html'), 'utf8');

  // One style element with every style sheet, in document order.
  const sheets = [];
  html = html.replace(/<link\b[^>]*>/gi, (tag) => {
    const rel = (attribute(tag, 'rel') ?? '').toLowerCase();
    if (rel === 'stylesheet') {
      sheets.push(readFileSync(localFile(distDir, attribute(tag, 'href')), 'utf8'));
      return '';
    }
    // Preloads, the manifest and anything else that would fetch a file go.
    if (rel === 'icon' && (attribute(tag, 'href') ?? '').startsWith('data:')) return tag;
    return '';
  });
  const style = assertInlineSafe(sheets.join('\n'), 'style');
  if (/url\(\s*["']?(?!data:|#)/i.test(style)) {
    throw new Error('a style sheet refers to a file with url(), which the single file cannot load');
  }

  // Every script element goes: trunk's loader and the service worker
  // registration are replaced by the one inline module below.
  html = html.replace(/<script\b[^>]*>[\s\S]*?<\/script\s*>/gi, '');
  // Comments describe the hosted page, not this file.
  html = html.replace(/<!--[\s\S]*?-->\s*/g, '');

  const { wasmPath, gluePath } = findApp(distDir);
  const script = startScript(readFileSync(gluePath, 'utf8'), readFileSync(wasmPath));

  const policy = singleFilePolicy(script, style);
  let replaced = 0;
  html = html.replace(/<meta\b[^>]*http-equiv\s*=\s*["']?Content-Security-Policy["']?[^>]*>/i, () => {
    replaced++;
    return `<meta http-equiv="Content-Security-Policy" content="${policy}" />`;
  });
  if (replaced !== 1) throw new Error(`${distDir}/index.html has no Content-Security-Policy meta element to replace`);

  // Drop the blank lines that the removed elements left behind, before the
  // hashed elements go in, because the hashes cover their exact text.
  html = html.replace(/\n(?:[ \t]*\n)+/g, '\n');

  const closeHead = html.search(/<\/head>/i);
  if (closeHead < 0) throw new Error(`${distDir}/index.html has no </head>`);
  html = `${html.slice(0, closeHead)}<style>${style}</style>\n<script type="module">${script}</script>\n${html.slice(closeHead)}`;
  return { html, policy, wasmBytes: readFileSync(wasmPath).length };
}

function parseArguments(argv) {
  const options = { dist: DEFAULT_DIST, out: DEFAULT_OUT };
  for (let i = 0; i < argv.length; i++) {
    const argument = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) throw new Error(`${argument} needs a value`);
      return argv[++i];
    };
    if (argument === '--dist') options.dist = path.resolve(value());
    else if (argument === '--out') options.out = path.resolve(value());
    else if (argument === '-h' || argument === '--help') options.help = true;
    else throw new Error(`unknown argument ${argument}`);
  }
  return options;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    const options = parseArguments(process.argv.slice(2));
    if (options.help) {
      console.log('usage: node scripts/build-single-file.mjs [--dist DIR] [--out FILE]');
      process.exit(0);
    }
    const { html, wasmBytes } = buildSingleFile(options.dist);
    mkdirSync(path.dirname(options.out), { recursive: true });
    writeFileSync(options.out, html);
    const kib = (bytes) => `${(bytes / 1024).toFixed(0)} KiB`;
    console.log(`single file: wrote ${options.out} (${kib(Buffer.byteLength(html))}; WebAssembly ${kib(wasmBytes)} before gzip and base64)`);
  } catch (error) {
    console.error(`build-single-file: ${error.message}`);
    process.exit(1);
  }
}
