// Service worker of the wizard. It stores every file of one build in Cache
// Storage, so that the installed app and a reload without network both work.
//
// This is a template: scripts/post-build.mjs writes the built copy to
// dist/service-worker.js and replaces BUILD_MANIFEST below with the build's
// id and file list. The id is a hash of the build's files, so every build
// that changes a file gets a new cache, and the old one is deleted when the
// new worker activates.
//
// The worker only reads files of its own build. The key never reaches it,
// because the key stays in page memory and is not part of any request.

const BUILD = BUILD_MANIFEST;

// Files are listed relative to this script, which sits at the top of dist/.
const BASE_URL = new URL('./', self.location.href);
const INDEX_URL = new URL('index.html', BASE_URL).href;

// Several builds may be hosted under different paths of one origin, and they
// share Cache Storage, so cache names carry the path of this worker.
const CACHE_PREFIX = `apm-secrets-wizard ${BASE_URL.pathname} `;
const CACHE_NAME = `${CACHE_PREFIX}${BUILD.id}`;

// trunk and the post-build step name built files `NAME-HASH.EXT`, with a
// hash of at least 8 hex digits (trunk drops leading zeros).
const HASHED_NAME = /-[0-9a-f]{8,}(_bg)?\.(js|wasm|css)$/;

const PRECACHED_URLS = new Set(BUILD.files.map((file) => new URL(file, BASE_URL).href));

self.addEventListener('install', (event) => {
  event.waitUntil(precache());
});

self.addEventListener('activate', (event) => {
  event.waitUntil(deleteOldCaches().then(() => self.clients.claim()));
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  const address = url.origin + url.pathname;

  if (request.mode === 'navigate') {
    // Only the wizard's own page: a link to another page under the same
    // path (such as the README) goes to the network as usual.
    if (address === BASE_URL.href || address === INDEX_URL) {
      event.respondWith(pageFromNetworkOrCache(request));
    }
    return;
  }
  if (PRECACHED_URLS.has(address)) {
    event.respondWith(fileFromCacheOrNetwork(request));
  }
});

async function precache() {
  const cache = await caches.open(CACHE_NAME);
  // A file whose name carries a content hash never changes, so the copy the
  // page has just downloaded into the HTTP cache is reused ('force-cache')
  // instead of being downloaded a second time. Other files are revalidated
  // ('no-cache'), so a stale copy cannot end up in this build's cache.
  const requests = [...PRECACHED_URLS].map(
    (url) => new Request(url, { cache: HASHED_NAME.test(url) ? 'force-cache' : 'no-cache' }),
  );
  await cache.addAll(requests);
  // The page is usually opened as the directory, not as index.html.
  const index = await cache.match(INDEX_URL);
  if (index) await cache.put(BASE_URL.href, index);
  // A new build replaces the old one at once. Every page loads its scripts,
  // style sheet and WebAssembly at start, so an open page of the old build
  // needs nothing more from the old cache (anything else falls back to the
  // network).
  await self.skipWaiting();
}

async function deleteOldCaches() {
  const names = await caches.keys();
  await Promise.all(
    names.filter((name) => name.startsWith(CACHE_PREFIX) && name !== CACHE_NAME).map((name) => caches.delete(name)),
  );
}

// The page comes from the network when it can, so a new deployment shows at
// the next reload, and from the cache when the network fails.
async function pageFromNetworkOrCache(request) {
  try {
    return await fetch(request);
  } catch (error) {
    const cache = await caches.open(CACHE_NAME);
    const cached = (await cache.match(BASE_URL.href)) ?? (await cache.match(INDEX_URL));
    if (cached) return cached;
    throw error;
  }
}

// The cache contains one build, the worker's own, and most of its files have
// content hashes in their names, so a cached copy matches the page.
async function fileFromCacheOrNetwork(request) {
  const cache = await caches.open(CACHE_NAME);
  // The server may vary responses by Accept-Encoding, but the cache stores
  // decoded bodies, so that header does not matter here.
  const cached = await cache.match(request, { ignoreVary: true });
  return cached ?? fetch(request);
}
