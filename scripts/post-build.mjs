#!/usr/bin/env node
// Finishes a trunk build, so that the page runs under a Content-Security-Policy
// without 'unsafe-inline' and works offline:
//
//  1. Moves every inline script of index.html into its own file, named after
//     its content hash and loaded with a Subresource Integrity hash. trunk 0.21
//     writes the module that starts the WebAssembly app inline, and its text
//     changes with every build (it names the hashed files), so a hash of it in
//     the policy would change with every build too. As a file it is covered by
//     script-src 'self', and the policy stays the same from build to build,
//     which is what a static host's header configuration needs.
//  2. Writes service-worker.js from web/service-worker.js with the list of the
//     build's files and a build id derived from their contents.
//
// trunk runs it after every build as a post_build hook (see Trunk.toml), on the
// staging directory before it becomes dist/. It can also run by hand on a
// built directory, and running it twice changes nothing more:
//
//   node scripts/post-build.mjs [DIR] [--public-url URL]
//
// DIR defaults to $TRUNK_STAGING_DIR, and URL to $TRUNK_PUBLIC_URL or './'.
// Node.js standard library only.

import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const scriptDir = path.dirname(fileURLToPath(import.meta.url));

/** The service worker template, with a BUILD_MANIFEST placeholder. */
export const SERVICE_WORKER_TEMPLATE = path.resolve(scriptDir, '..', 'web', 'service-worker.js');

/** Name of the built service worker, at the top of the build directory. */
export const SERVICE_WORKER_FILE = 'service-worker.js';

/** Prefix of the files that hold the former inline scripts. */
export const INLINE_SCRIPT_PREFIX = 'inline-script-';

// Host configuration files, which static hosts read and do not serve, and
// files the service worker must not cache.
const NOT_CACHED = new Set([SERVICE_WORKER_FILE, '_headers', '_redirects']);

// The placeholder line of the template that receives the build manifest.
const MANIFEST_PLACEHOLDER = 'const BUILD = BUILD_MANIFEST;';

// Script types that browsers run. Other types (JSON data blocks) are inert,
// and the Content-Security-Policy does not apply to them.
const EXECUTABLE_TYPES = new Set(['', 'module', 'text/javascript', 'application/javascript']);

const SCRIPT_ELEMENT = /<script\b([^>]*)>([\s\S]*?)<\/script\s*>/gi;

/** Returns the base64 sha384 Subresource Integrity value of `content`. */
export function integrity(content) {
  return `sha384-${createHash('sha384').update(content).digest('base64')}`;
}

function attribute(attributes, name) {
  const match = new RegExp(`(?:^|\\s)${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)'|([^\\s>]+))`, 'i').exec(attributes);
  if (match) return match[1] ?? match[2] ?? match[3];
  return new RegExp(`(?:^|\\s)${name}(?=\\s|$)`, 'i').test(attributes) ? '' : undefined;
}

/**
 * Lists the inline scripts of `html` that a browser would run.
 * @returns {{element: string, attributes: string, content: string, type: string}[]}
 */
export function inlineScripts(html) {
  const scripts = [];
  for (const match of html.matchAll(SCRIPT_ELEMENT)) {
    const [element, attributes, content] = match;
    if (attribute(attributes, 'src') !== undefined) continue;
    const type = (attribute(attributes, 'type') ?? '').trim().toLowerCase();
    if (type === 'importmap') {
      throw new Error('index.html has an inline import map, which cannot be moved to a file: remove it or give it a hash in script-src');
    }
    if (!EXECUTABLE_TYPES.has(type)) continue;
    scripts.push({ element, attributes, content, type });
  }
  return scripts;
}

/**
 * Replaces every inline script of `html` with a script element that loads the
 * same text from a file named after its content hash.
 * @param {string} html
 * @param {string} publicUrl  the prefix trunk puts before asset names, e.g. './'
 * @returns {{html: string, files: {name: string, content: string}[]}}
 */
export function externaliseInlineScripts(html, publicUrl) {
  const files = [];
  let result = html;
  for (const script of inlineScripts(html)) {
    const hash = createHash('sha256').update(script.content).digest('hex').slice(0, 16);
    const name = `${INLINE_SCRIPT_PREFIX}${hash}.js`;
    files.push({ name, content: script.content });
    const attributes = script.attributes.trimEnd();
    const replacement = `<script${attributes} src="${publicUrl}${name}" integrity="${integrity(script.content)}"></script>`;
    result = result.replace(script.element, () => replacement);
  }
  return { html: result, files };
}

/** Throws when `html` still contains script that the policy would block. */
export function assertNoInlineCode(html) {
  const remaining = inlineScripts(html);
  if (remaining.length > 0) {
    throw new Error(`index.html still has ${remaining.length} inline script(s) after moving them to files`);
  }
  const handler = /<[a-z][^>]*\son[a-z]+\s*=/i.exec(html);
  if (handler) {
    throw new Error(`index.html has an inline event handler, which the Content-Security-Policy blocks: ${handler[0]}`);
  }
  if (/\bhref\s*=\s*["']?\s*javascript:/i.test(html)) {
    throw new Error('index.html has a javascript: link, which the Content-Security-Policy blocks');
  }
}

/** Lists the files under `dir` as sorted '/'-separated relative paths. */
export function listFiles(dir) {
  const found = [];
  const walk = (relative) => {
    for (const entry of readdirSync(path.join(dir, relative), { withFileTypes: true })) {
      const name = relative ? `${relative}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(name);
      else if (entry.isFile()) found.push(name);
    }
  };
  walk('');
  return found.sort();
}

/** Lists the files the service worker stores: every file of the build but host configuration and hidden files. */
export function cachedFiles(dir) {
  return listFiles(dir).filter((name) => !NOT_CACHED.has(name) && !name.split('/').some((part) => part.startsWith('.')));
}

/** Returns an id that changes whenever a name or the content of `files` changes. */
export function buildId(dir, files) {
  const hash = createHash('sha256');
  for (const name of files) {
    hash.update(name).update('\0').update(readFileSync(path.join(dir, name))).update('\0');
  }
  return hash.digest('hex').slice(0, 16);
}

/** Returns the service worker source for a build manifest. */
export function renderServiceWorker(template, manifest) {
  const count = template.split(MANIFEST_PLACEHOLDER).length - 1;
  if (count !== 1) {
    throw new Error(`${SERVICE_WORKER_TEMPLATE} must contain the line '${MANIFEST_PLACEHOLDER}' exactly once (found ${count})`);
  }
  return template.replace(MANIFEST_PLACEHOLDER, () => `const BUILD = ${JSON.stringify(manifest, null, 2)};`);
}

/**
 * Applies both steps to the build in `dir`.
 * @returns {{id: string, files: string[], externalised: string[]}}
 */
export function finishBuild(dir, { publicUrl = './', template = SERVICE_WORKER_TEMPLATE } = {}) {
  const indexPath = path.join(dir, 'index.html');
  const original = readFileSync(indexPath, 'utf8');
  const { html, files: scripts } = externaliseInlineScripts(original, publicUrl);
  assertNoInlineCode(html);
  for (const file of scripts) writeFileSync(path.join(dir, file.name), file.content);
  if (html !== original) writeFileSync(indexPath, html);

  const files = cachedFiles(dir);
  const id = buildId(dir, files);
  writeFileSync(path.join(dir, SERVICE_WORKER_FILE), renderServiceWorker(readFileSync(template, 'utf8'), { id, files }));
  return { id, files, externalised: scripts.map((file) => file.name) };
}

function parseArguments(argv) {
  const options = { dir: process.env.TRUNK_STAGING_DIR, publicUrl: process.env.TRUNK_PUBLIC_URL || './' };
  for (let i = 0; i < argv.length; i++) {
    const argument = argv[i];
    if (argument === '--public-url') {
      if (i + 1 >= argv.length) throw new Error('--public-url needs a value, as in --public-url ./');
      options.publicUrl = argv[++i];
    } else if (argument === '-h' || argument === '--help') {
      options.help = true;
    } else if (argument.startsWith('-')) {
      throw new Error(`unknown option ${argument}`);
    } else {
      options.dir = argument;
    }
  }
  return options;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    const options = parseArguments(process.argv.slice(2));
    if (options.help) {
      console.log('usage: node scripts/post-build.mjs [DIR] [--public-url URL]\n(DIR defaults to $TRUNK_STAGING_DIR)');
      process.exit(0);
    }
    if (!options.dir) throw new Error('no build directory: give one, or run this as a trunk post_build hook');
    const result = finishBuild(options.dir, { publicUrl: options.publicUrl });
    const moved = result.externalised.length ? `moved ${result.externalised.join(', ')} out of index.html; ` : '';
    console.log(`post-build: ${moved}service worker caches ${result.files.length} files as build ${result.id}`);
  } catch (error) {
    console.error(`post-build: ${error.message}`);
    process.exit(1);
  }
}
