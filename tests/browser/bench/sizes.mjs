// Sizes of the release build's files: raw, gzip level 9 and brotli quality
// 11. The compression settings are the ones lib/server.mjs uses, so these
// figures are also the body sizes the benchmark's server sends.

import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

/** Returns the size of `data` compressed with gzip at level 9, as by `gzip -9`. */
export function gzipSize(data) {
  return zlib.gzipSync(data, { level: 9 }).length;
}

/** Returns the size of `data` compressed with brotli at quality 11 and the default window, as by `brotli -q 11`. */
export function brotliSize(data) {
  return zlib.brotliCompressSync(data, {
    params: {
      [zlib.constants.BROTLI_PARAM_QUALITY]: 11,
      [zlib.constants.BROTLI_PARAM_SIZE_HINT]: data.length,
    },
  }).length;
}

/** Names the kind of asset from its file name, for the table. */
export function assetKind(relativePath) {
  const name = path.posix.basename(relativePath).toLowerCase();
  const extension = path.posix.extname(name);
  if (name === 'manifest.json' || extension === '.webmanifest') return 'manifest';
  if (extension === '.js' && /(^|[-_.])(sw|service-?worker)([-_.]|$)/.test(name)) return 'service worker';
  if (extension === '.wasm') return 'WebAssembly';
  if (extension === '.js' || extension === '.mjs') return 'JavaScript';
  if (extension === '.html') return 'HTML';
  if (extension === '.css') return 'CSS';
  if (['.png', '.svg', '.ico', '.webp', '.jpg', '.jpeg', '.gif'].includes(extension)) return 'icon or image';
  return extension ? extension.slice(1) : 'other';
}

/**
 * Lists every file under `root` (hidden directories such as trunk's .stage
 * are skipped) with its raw, gzip and brotli size in bytes, largest first.
 * @returns {{path: string, kind: string, raw: number, gzip: number, brotli: number}[]}
 */
export function measureAssets(root) {
  const assets = [];
  const walk = (directory) => {
    for (const entry of readdirSync(directory, { withFileTypes: true })) {
      if (entry.name.startsWith('.')) continue;
      const full = path.join(directory, entry.name);
      if (entry.isDirectory()) {
        walk(full);
      } else if (entry.isFile()) {
        const data = readFileSync(full);
        const relative = path.relative(root, full).split(path.sep).join('/');
        assets.push({
          path: relative,
          kind: assetKind(relative),
          raw: data.length,
          gzip: gzipSize(data),
          brotli: brotliSize(data),
        });
      }
    }
  };
  walk(root);
  assets.sort((a, b) => b.raw - a.raw || a.path.localeCompare(b.path));
  return assets;
}
