// A small static file server for the release build in dist/.
//
// Node standard library only, so tests, benchmarks and a person checking a
// build can all use it:
//
//   import { startServer } from './lib/server.mjs';
//   const server = await startServer({ root: 'dist', prefix: '/docs/apm/lambda-secrets/', compress: true });
//   // server.url -> 'http://127.0.0.1:PORT/docs/apm/lambda-secrets/'
//   await server.close();
//
// or from the command line:
//
//   node tests/browser/lib/server.mjs --root dist --prefix /docs/apm/lambda-secrets/ --port 8080 --compress
//
// It binds 127.0.0.1 only. Port 0 (the default) lets the OS pick a free port.

import { createServer } from 'node:http';
import { createReadStream } from 'node:fs';
import { stat, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';

export const MIME_TYPES = Object.freeze({
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
  '.xml': 'application/xml; charset=utf-8',
  '.yaml': 'application/yaml; charset=utf-8',
  '.yml': 'application/yaml; charset=utf-8',
  '.tf': 'text/plain; charset=utf-8',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
});

// Types worth compressing; images, fonts and archives are already compressed.
const COMPRESSIBLE = /^(text\/|application\/(wasm|json|manifest\+json|xml|yaml)|image\/svg\+xml)/;

export function mimeType(filePath) {
  return MIME_TYPES[path.extname(filePath).toLowerCase()] ?? 'application/octet-stream';
}

/** Normalises a URL prefix to the form '/a/b/' ('' and '/' both mean the root). */
export function normalisePrefix(prefix = '/') {
  let p = String(prefix).trim();
  if (!p.startsWith('/')) p = `/${p}`;
  if (!p.endsWith('/')) p = `${p}/`;
  return p.replace(/\/{2,}/g, '/');
}

/**
 * Picks the response encoding from an Accept-Encoding header.
 * @param {string|undefined} header
 * @param {boolean|'gzip'|'br'} compress  true allows both, a name allows only that one
 * @returns {'br'|'gzip'|null}
 */
export function chooseEncoding(header, compress) {
  if (!compress || !header) return null;
  const accepted = new Map();
  for (const part of header.split(',')) {
    const [name, ...params] = part.trim().split(';');
    if (!name) continue;
    const q = params.map((s) => s.trim()).find((s) => s.startsWith('q='));
    accepted.set(name.trim().toLowerCase(), q ? Number(q.slice(2)) : 1);
  }
  const ok = (enc) => (compress === true || compress === enc) && (accepted.get(enc) ?? accepted.get('*') ?? 0) > 0;
  if (ok('br')) return 'br';
  if (ok('gzip')) return 'gzip';
  return null;
}

/**
 * Starts the server.
 * @param {object} [options]
 * @param {string} [options.root='dist']       directory to serve
 * @param {string} [options.prefix='/']        URL prefix the site lives under, e.g. '/docs/apm/lambda-secrets/'
 * @param {number} [options.port=0]            0 lets the OS choose a free port
 * @param {string} [options.host='127.0.0.1']
 * @param {boolean|'gzip'|'br'} [options.compress=false]  compress responses the client accepts
 * @param {Record<string,string>} [options.headers]  extra headers on every response
 * @param {(entry: {method: string, url: string, status: number, encoding: string|null}) => void} [options.onRequest]
 * @returns {Promise<{url: string, origin: string, port: number, prefix: string, root: string, requests: object[], close: () => Promise<void>}>}
 */
export async function startServer(options = {}) {
  const root = path.resolve(options.root ?? 'dist');
  const prefix = normalisePrefix(options.prefix ?? '/');
  const host = options.host ?? '127.0.0.1';
  const compress = options.compress ?? false;
  const extraHeaders = options.headers ?? {};
  const requests = [];
  const compressedCache = new Map(); // `${file}:${mtimeMs}:${encoding}` -> Buffer

  const rootStat = await stat(root).catch(() => null);
  if (!rootStat?.isDirectory()) {
    throw new Error(`static server: ${root} is not a directory (build the site first: ./scripts/build.sh)`);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err) => {
      if (!res.headersSent) send(res, 500, `internal error: ${err.message}\n`);
      else res.destroy(err);
    });
  });

  function send(res, status, body, headers = {}) {
    res.writeHead(status, {
      'content-type': 'text/plain; charset=utf-8',
      'content-length': Buffer.byteLength(body),
      ...extraHeaders,
      ...headers,
    });
    res.end(res.req.method === 'HEAD' ? undefined : body);
  }

  async function compressed(file, mtimeMs, encoding) {
    const key = `${file}:${mtimeMs}:${encoding}`;
    let buf = compressedCache.get(key);
    if (!buf) {
      const data = await readFile(file);
      buf =
        encoding === 'br'
          ? zlib.brotliCompressSync(data, {
              params: {
                [zlib.constants.BROTLI_PARAM_QUALITY]: 11,
                [zlib.constants.BROTLI_PARAM_SIZE_HINT]: data.length,
              },
            })
          : zlib.gzipSync(data, { level: 9 });
      compressedCache.set(key, buf);
    }
    return buf;
  }

  async function handle(req, res) {
    const log = { method: req.method, url: req.url, status: 0, encoding: null };
    res.on('finish', () => {
      log.status = res.statusCode;
      requests.push(log);
      options.onRequest?.(log);
    });

    if (req.method !== 'GET' && req.method !== 'HEAD') {
      return send(res, 405, 'method not allowed\n', { allow: 'GET, HEAD' });
    }

    let pathname;
    try {
      pathname = decodeURIComponent(new URL(req.url, 'http://localhost').pathname);
    } catch {
      return send(res, 400, 'bad request\n');
    }
    if (pathname.includes('\0')) return send(res, 400, 'bad request\n');

    // The prefix without its trailing slash redirects, so relative asset URLs resolve under it.
    if (prefix !== '/' && pathname === prefix.slice(0, -1)) {
      const query = new URL(req.url, 'http://localhost').search;
      return send(res, 301, `moved to ${prefix}\n`, { location: prefix + query });
    }
    if (!pathname.startsWith(prefix)) return send(res, 404, 'not found\n');

    const relative = pathname.slice(prefix.length);
    let file = path.resolve(root, `.${path.posix.sep}${relative}`);
    if (file !== root && !file.startsWith(root + path.sep)) return send(res, 404, 'not found\n');

    let info = await stat(file).catch(() => null);
    if (info?.isDirectory()) {
      if (!pathname.endsWith('/')) {
        return send(res, 301, 'moved\n', { location: `${pathname}/` });
      }
      file = path.join(file, 'index.html');
      info = await stat(file).catch(() => null);
    }
    if (!info?.isFile()) return send(res, 404, 'not found\n');

    const type = mimeType(file);
    const headers = {
      'content-type': type,
      'cache-control': 'no-cache',
      'x-content-type-options': 'nosniff',
      'last-modified': info.mtime.toUTCString(),
      ...extraHeaders,
    };
    const canCompress = COMPRESSIBLE.test(type);
    if (compress && canCompress) headers.vary = 'Accept-Encoding';

    const encoding = canCompress ? chooseEncoding(req.headers['accept-encoding'], compress) : null;
    if (encoding) {
      const body = await compressed(file, info.mtimeMs, encoding);
      log.encoding = encoding;
      res.writeHead(200, { ...headers, 'content-encoding': encoding, 'content-length': body.length });
      return res.end(req.method === 'HEAD' ? undefined : body);
    }

    res.writeHead(200, { ...headers, 'content-length': info.size });
    if (req.method === 'HEAD') return res.end();
    await new Promise((resolve, reject) => {
      const stream = createReadStream(file);
      stream.on('error', reject);
      res.on('close', resolve);
      stream.pipe(res);
    });
  }

  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });

  const { port } = server.address();
  const origin = `http://${host}:${port}`;
  return {
    url: `${origin}${prefix}`,
    origin,
    port,
    prefix,
    root,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections?.();
      }),
  };
}

function parseArgs(argv) {
  const opts = { root: 'dist', prefix: '/', port: 0, compress: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) throw new Error(`${arg} needs a value`);
      return argv[++i];
    };
    if (arg === '--root') opts.root = value();
    else if (arg === '--prefix') opts.prefix = value();
    else if (arg === '--port') opts.port = Number(value());
    else if (arg === '--host') opts.host = value();
    else if (arg === '--compress') opts.compress = true;
    else if (arg === '--gzip') opts.compress = 'gzip';
    else if (arg === '--brotli') opts.compress = 'br';
    else if (arg === '--help' || arg === '-h') {
      console.log(
        'usage: node server.mjs [--root DIR] [--prefix /sub/path/] [--port N] [--host 127.0.0.1] [--compress|--gzip|--brotli]',
      );
      process.exit(0);
    } else throw new Error(`unknown argument ${arg}`);
  }
  if (!Number.isInteger(opts.port) || opts.port < 0 || opts.port > 65535) throw new Error('--port must be 0..65535');
  return opts;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  let opts;
  try {
    opts = parseArgs(process.argv.slice(2));
  } catch (err) {
    console.error(`server: ${err.message}`);
    process.exit(2);
  }
  startServer(opts).then(
    (server) => {
      console.log(`serving ${server.root} at ${server.url}`);
      const stop = () => server.close().then(() => process.exit(0));
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    },
    (err) => {
      if (err.code === 'EADDRINUSE') {
        console.error(`server: port ${opts.port} is already in use; pick another with --port N (0 picks a free one)`);
      } else {
        console.error(`server: ${err.message}`);
      }
      process.exit(1);
    },
  );
}
