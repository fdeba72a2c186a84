// In-page measurements: what a first visit requests, the time from
// navigation start to the first rendered guide, and the time from a
// keystroke to the updated output. Every timestamp is taken inside the page
// with performance.now(), so Playwright's own round trips are not counted.

import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, chromiumPath } from '../lib/browser.mjs';

/** Selectors of the elements the measurements wait for and type into (see src/output.rs and src/questions.rs). */
export const SELECTORS = Object.freeze({
  // The first code block of the selected tool's steps. The app mounts the
  // whole guide in one pass, so its first code block with text means the
  // guide is rendered. The step count at that moment is recorded as a check.
  guideCode: process.env.BENCH_GUIDE_SELECTOR ?? '#guide-panel .step pre code',
  guideStep: process.env.BENCH_STEP_SELECTOR ?? '#guide-panel .step',
  // The tab panel that shows the selected tool's guide. It stays in the
  // DOM while the user types, so a MutationObserver on it records every update.
  output: process.env.BENCH_OUTPUT_SELECTOR ?? '#guide-panel',
  secretName: process.env.BENCH_NAME_SELECTOR ?? '#field-secret_name',
  keyValue: process.env.BENCH_KEY_SELECTOR ?? '#field-key_value',
  embedKey: process.env.BENCH_EMBED_SELECTOR ?? '#field-embed_key',
  selectedTab: '[role="tab"][aria-selected="true"]',
});

/**
 * The slow 4G profile: 1.6 Mbit/s down, 750 kbit/s up and 150 ms latency per
 * request, with the main thread slowed 4 times. Chromium's throughput
 * values are in bytes per second.
 */
export const SLOW_4G = Object.freeze({
  name: 'slow 4G, 4x CPU throttling',
  network: { offline: false, latency: 150, downloadThroughput: 1_600_000 / 8, uploadThroughput: 750_000 / 8 },
  cpuRate: 4,
});

/** No emulation: loopback network and the machine's own CPU. */
export const UNTHROTTLED = Object.freeze({ name: 'unthrottled', network: null, cpuRate: 1 });

/**
 * Browser-interface features that Chromium 156 in headless mode preloads in a
 * renderer of their own for every new window: the WebUI omnibox popups. That
 * renderer is busy for about a second right when the page starts loading,
 * which on a 2-core machine slows the page being measured. A user's browser
 * preloads it once at start-up, not per page, so the benchmark turns it off.
 */
export const EXTRA_CHROMIUM_ARGS = Object.freeze(['--disable-features=PreloadTopChromeWebUI,WebUIOmniboxPopup,WebUIOmniboxAimPopup']);

/** Launches headless Chromium with the project's flags (tests/browser/lib/browser.mjs) and EXTRA_CHROMIUM_ARGS. */
export function launch() {
  return chromium.launch({ executablePath: chromiumPath, headless: true, args: [...CHROMIUM_ARGS, ...EXTRA_CHROMIUM_ARGS] });
}

/** Applies a profile's network and CPU emulation to `page` through a CDP session. */
async function emulate(context, page, profile) {
  if (!profile.network && profile.cpuRate === 1) return;
  const session = await context.newCDPSession(page);
  if (profile.network) {
    await session.send('Network.enable');
    await session.send('Network.emulateNetworkConditions', profile.network);
  }
  if (profile.cpuRate !== 1) {
    await session.send('Emulation.setCPUThrottlingRate', { rate: profile.cpuRate });
  }
}

// Runs in the page before any of its scripts. Records when the guide's first
// code block has text, the first animation frame after that, a message
// posted from that frame (after its style, layout and paint), and when the
// WebAssembly module was compiled and instantiated.
function loadProbe(selectors) {
  const record = { guideAt: null, frameAfterGuide: null, paintedAfterGuide: null, stepsAtGuide: null, wasm: [] };
  window.__benchLoad = record;

  const observer = new MutationObserver(() => {
    const code = document.querySelector(selectors.guideCode);
    if (!code || code.textContent.trim() === '') return;
    record.guideAt = performance.now();
    record.stepsAtGuide = document.querySelectorAll(selectors.guideStep).length;
    observer.disconnect();
    requestAnimationFrame(() => {
      record.frameAfterGuide = performance.now();
      const channel = new MessageChannel();
      channel.port1.onmessage = () => {
        record.paintedAfterGuide = performance.now();
      };
      channel.port2.postMessage(null);
    });
  });
  observer.observe(document, { childList: true, subtree: true, characterData: true });

  // Only timestamps are added; the arguments and results pass through.
  for (const name of ['instantiateStreaming', 'instantiate']) {
    const original = WebAssembly[name];
    if (typeof original !== 'function') continue;
    WebAssembly[name] = function (...args) {
      const start = performance.now();
      return original.apply(this, args).then((result) => {
        record.wasm.push({ api: name, start, end: performance.now() });
        return result;
      });
    };
  }
}

// Runs in the page once the guide is there: the navigation, paint and
// resource timing entries that split the load into its parts.
function collectLoadTimings() {
  const navigation = performance.getEntriesByType('navigation')[0];
  const paints = Object.fromEntries(performance.getEntriesByType('paint').map((entry) => [entry.name, entry.startTime]));
  const resources = performance.getEntriesByType('resource').map((entry) => ({
    name: new URL(entry.name).pathname,
    startTime: entry.startTime,
    responseStart: entry.responseStart,
    responseEnd: entry.responseEnd,
    encodedBodySize: entry.encodedBodySize,
    decodedBodySize: entry.decodedBodySize,
  }));
  return {
    ...window.__benchLoad,
    navigation: navigation && {
      responseStart: navigation.responseStart,
      responseEnd: navigation.responseEnd,
      domInteractive: navigation.domInteractive,
      domContentLoadedEventEnd: navigation.domContentLoadedEventEnd,
      loadEventEnd: navigation.loadEventEnd,
      encodedBodySize: navigation.encodedBodySize,
    },
    firstContentfulPaint: paints['first-contentful-paint'] ?? null,
    resources,
  };
}

/**
 * Loads the page once in a new browser context (empty cache) under
 * `profile`, and returns the in-page timings of that load.
 */
export async function loadOnce(browser, url, profile, { timeoutMs = 60_000 } = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  try {
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await emulate(context, page, profile);
    await page.addInitScript(loadProbe, SELECTORS);
    await page.goto(url, { waitUntil: 'commit', timeout: timeoutMs });
    await page.waitForFunction(() => window.__benchLoad?.paintedAfterGuide != null, null, { timeout: timeoutMs, polling: 50 });
    const timings = await page.evaluate(collectLoadTimings);
    if (errors.length > 0) throw new Error(`the page threw while loading: ${errors.join('; ')}`);
    return timings;
  } finally {
    await context.close();
  }
}

/**
 * Records one first visit: the page's own requests until the guide was
 * rendered (from its resource timing entries, so a service worker's requests
 * are not among them), and every request in the server's log until none
 * came for `quietMs` (so a service worker's precaching counts too).
 * @returns {Promise<{all: object[], serviceWorker: boolean, timings: object}>}
 */
export async function recordFirstVisit(browser, server, { quietMs = 1500, maxWaitMs = 15_000 } = {}) {
  server.requests.length = 0;
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  try {
    const page = await context.newPage();
    await page.addInitScript(loadProbe, SELECTORS);
    await page.goto(server.url, { waitUntil: 'commit' });
    await page.waitForFunction(() => window.__benchLoad?.paintedAfterGuide != null, null, { timeout: 60_000, polling: 50 });
    const timings = await page.evaluate(collectLoadTimings);

    // A registered service worker fetches what it caches while installing.
    const serviceWorker = await page.evaluate(async (waitMs) => {
      if (!('serviceWorker' in navigator)) return false;
      const registration = await navigator.serviceWorker.getRegistration();
      if (!registration) return false;
      await Promise.race([navigator.serviceWorker.ready, new Promise((resolve) => setTimeout(resolve, waitMs))]);
      return true;
    }, maxWaitMs);

    const deadline = Date.now() + maxWaitMs;
    let count = -1;
    while (count !== server.requests.length && Date.now() < deadline) {
      count = server.requests.length;
      await page.waitForTimeout(quietMs);
    }
    return { all: [...server.requests], serviceWorker, timings };
  } finally {
    await context.close();
  }
}

// Runs in the page: starts recording the keystrokes in the field `inputSelector`.
// For each input event it takes performance.now() at these points:
//   start    A capturing input listener on window, which runs before the
//            app's own listeners.
//   output   The last MutationObserver callback on the output before the
//            next animation frame. The output is then updated in the DOM.
//   handled  A bubbling input listener on window, added after the app's
//            delegated one. It runs after the app's listener and the
//            microtasks that listener queued, where Leptos runs its effects.
//            So the keystroke's script work is done, even when no output changed.
//   frame    The first requestAnimationFrame callback after the input.
//   painted  A MessageChannel message posted from that callback. It runs
//            after the frame's style, layout and paint.
function installKeyProbe({ inputSelector, outputSelector }) {
  window.__benchKeys?.stop();
  const input = document.querySelector(inputSelector);
  const output = document.querySelector(outputSelector);
  if (!input) throw new Error(`no element matches ${inputSelector}`);
  if (!output) throw new Error(`no element matches ${outputSelector}`);

  const records = [];
  let current = null;
  let lateMutations = 0;

  const onInputCapture = (event) => {
    if (event.target !== input) return;
    const record = { start: performance.now(), output: null, mutations: 0, handled: null, frame: null, painted: null };
    record.done = new Promise((resolve) => {
      record.resolve = resolve;
    });
    records.push(record);
    current = record;
    requestAnimationFrame(() => {
      record.frame = performance.now();
      const channel = new MessageChannel();
      channel.port1.onmessage = () => {
        record.painted = performance.now();
        record.resolve();
      };
      channel.port2.postMessage(null);
    });
  };
  const onInputBubble = (event) => {
    if (event.target === input && current !== null && current.handled === null) current.handled = performance.now();
  };
  window.addEventListener('input', onInputCapture, { capture: true });
  window.addEventListener('input', onInputBubble);

  const observer = new MutationObserver((mutations) => {
    const now = performance.now();
    if (current === null || current.frame !== null) {
      lateMutations += mutations.length;
      return;
    }
    current.mutations += mutations.length;
    current.output = now;
  });
  observer.observe(output, { subtree: true, childList: true, characterData: true, attributes: true });

  window.__benchKeys = {
    // Waits for the `index`-th recorded input event to complete.
    async result(index, timeoutMs) {
      const deadline = performance.now() + timeoutMs;
      while (records.length <= index) {
        if (performance.now() > deadline) throw new Error(`no input event for keystroke ${index} in ${inputSelector}`);
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
      const record = records[index];
      let timer;
      await Promise.race([
        record.done,
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error(`keystroke ${index} in ${inputSelector} did not complete in ${timeoutMs} ms`)), timeoutMs);
        }),
      ]);
      clearTimeout(timer);
      const since = (time) => (time === null ? null : time - record.start);
      return {
        output: since(record.output),
        handled: since(record.handled),
        frame: since(record.frame),
        painted: since(record.painted),
        mutations: record.mutations,
        outputConnected: output.isConnected,
      };
    },
    lateMutations: () => lateMutations,
    stop() {
      window.removeEventListener('input', onInputCapture, { capture: true });
      window.removeEventListener('input', onInputBubble);
      observer.disconnect();
    },
  };
}

/** Returns a deterministic key of `length` characters from the base64 alphabet. */
export function makeKey(length) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  let key = '';
  let state = 12345;
  for (let i = 0; i < length; i++) {
    state = (state * 1103515245 + 12345) % 2147483648;
    key += alphabet[state % alphabet.length];
  }
  return key;
}

/**
 * Opens the page and selects the tab of `tool`, a tool's JSON name such as
 * 'cli' (null keeps the default tab). Enters a key of `keyLength` characters,
 * embedded in the snippets when `embedKey`. Then types `count` characters
 * at the end of the field `field` ('secretName' or 'keyValue'), after
 * `warmup` uncounted ones. Each keystroke is a real key press through
 * Chromium's input pipeline, and the next one is sent only after the
 * previous one has been painted. `beforeTyping` and `afterTyping` (async,
 * given the page) run right before and after the typing, for example to
 * start and stop a trace.
 */
export async function measureKeystrokes(
  browser,
  url,
  { field, tool = null, count, warmup = 10, keyLength = 4096, embedKey = true, timeoutMs = 5000, beforeTyping, afterTyping },
) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  try {
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(url, { waitUntil: 'load' });
    await page.waitForSelector(SELECTORS.guideCode, { timeout: 30_000 });

    if (tool !== null) await page.locator(`#tab-${tool}`).click();
    const key = makeKey(keyLength);
    await page.locator(SELECTORS.keyValue).fill(key);
    const embed = page.locator(SELECTORS.embedKey);
    if ((await embed.isChecked()) !== embedKey) await embed.setChecked(embedKey);
    await page.waitForTimeout(200);

    const toolLabel = (await page.locator(SELECTORS.selectedTab).first().textContent())?.trim() ?? '(none)';
    const keyShown = await page.evaluate(
      ({ output, fragment }) => document.querySelector(output)?.textContent.includes(fragment) ?? false,
      { output: SELECTORS.output, fragment: key.slice(0, 64) },
    );

    const inputSelector = SELECTORS[field];
    await page.locator(inputSelector).focus();
    await page.keyboard.press('End');
    await page.evaluate(installKeyProbe, { inputSelector, outputSelector: SELECTORS.output });

    const letters = 'abcdefghijklmnopqrstuvwxyz';
    const samples = [];
    let typed = '';
    await beforeTyping?.(page);
    for (let i = 0; i < warmup + count; i++) {
      const letter = letters[i % letters.length];
      typed += letter;
      await page.keyboard.press(letter);
      const result = await page.evaluate(([index, limit]) => window.__benchKeys.result(index, limit), [i, timeoutMs]);
      if (i >= warmup) samples.push(result);
    }
    await afterTyping?.(page);
    const lateMutations = await page.evaluate(() => window.__benchKeys.lateMutations());

    // The last typed text must be in the field, and in the output when it
    // is the secret name or an embedded key.
    const value = await page.locator(inputSelector).inputValue();
    if (!value.endsWith(typed)) throw new Error(`${inputSelector} does not end with the typed text after the run`);
    const outputText = await page.locator(SELECTORS.output).textContent();
    const expectInOutput = field === 'secretName' || (field === 'keyValue' && embedKey && keyShown);
    if (expectInOutput && !outputText.includes(typed.slice(-40))) {
      throw new Error(`the output does not show the text typed into ${inputSelector}`);
    }
    if (errors.length > 0) throw new Error(`the page threw while typing: ${errors.join('; ')}`);

    return { field, tool: toolLabel, keyLength, embedKey, keyShown, warmup, samples, lateMutations, finalLength: value.length };
  } finally {
    await context.close();
  }
}
