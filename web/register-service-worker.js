// Registers the service worker that keeps this build available offline.
//
// trunk copies this module into dist/ under a content-hashed name, next to
// service-worker.js, so both URLs are resolved against this module's own URL:
// that works at the root of a site and under any sub-path.
//
// Pages opened from disk (file://) cannot register a service worker, and
// pages served over plain HTTP from another host than localhost have no
// service worker API. The wizard works there without one.

const WORKER_URL = new URL('service-worker.js', import.meta.url);
const SCOPE_URL = new URL('./', import.meta.url);

function register() {
  navigator.serviceWorker.register(WORKER_URL, { scope: SCOPE_URL.href }).catch((error) => {
    // Offline use is lost, but the page itself keeps working.
    console.warn(`The offline copy of the wizard could not be set up: ${error}`);
  });
}

if ('serviceWorker' in navigator && (location.protocol === 'https:' || location.protocol === 'http:')) {
  // After the load event, so that storing the files for offline use does
  // not compete with the first start of the page.
  if (document.readyState === 'complete') {
    register();
  } else {
    window.addEventListener('load', register, { once: true });
  }
}
