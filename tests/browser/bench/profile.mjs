// V8 CPU profiles of a page load and of typing, on a copy of the build whose
// .wasm keeps its function names (scripts/wasm-sizes.sh makes it), so the
// time can be attributed to Rust functions and crates.

import { copyFileSync, cpSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { SELECTORS, measureKeystrokes } from './page.mjs';
import { crateOf } from './wasm-crates.mjs';

/** Sampling interval of the profiler, in microseconds. */
const SAMPLING_INTERVAL_US = 100;

/**
 * Copies `dist` to `target` and puts `namedWasm` (the same module with its
 * name section) in place of the shipped .wasm. The wasm's integrity hash no
 * longer matches, so its preload link is removed; the loader fetches it anyway.
 */
export function makeNamedDist(dist, namedWasm, target) {
  rmSync(target, { recursive: true, force: true });
  cpSync(dist, target, { recursive: true });
  const wasm = readdirSync(target).find((name) => name.endsWith('_bg.wasm'));
  if (!wasm) throw new Error(`no *_bg.wasm in ${dist}`);

  // wasm-bindgen names its imports after a hash of the code, so a module from
  // another build has imports that this build's JavaScript does not provide.
  const glue = readFileSync(path.join(target, wasm.replace(/_bg\.wasm$/, '.js')), 'utf8');
  const missing = WebAssembly.Module.imports(new WebAssembly.Module(readFileSync(namedWasm))).filter((entry) => !glue.includes(entry.name));
  if (missing.length > 0) {
    throw new Error(
      `${namedWasm} does not belong to the build in ${dist} (imports such as ${missing[0].name} are missing from its JavaScript). ` +
        'Build again and run scripts/wasm-sizes.sh right after it, as ./scripts/bench.sh --profile DIR does.',
    );
  }
  copyFileSync(namedWasm, path.join(target, wasm));
  const indexPath = path.join(target, 'index.html');
  const html = readFileSync(indexPath, 'utf8').replace(/<link rel="preload"[^>]*\.wasm"[^>]*>/, '');
  writeFileSync(indexPath, html);
  return target;
}

/** Sums the self time of each function of a V8 CPU profile, in milliseconds. */
export function selfTimes(profile) {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const totals = new Map();
  for (let i = 0; i < profile.samples.length; i++) {
    const node = nodes.get(profile.samples[i]);
    const delta = (profile.timeDeltas[i + 1] ?? 0) / 1000;
    const name = node.callFrame.functionName || `(anonymous ${path.basename(node.callFrame.url || 'native')})`;
    totals.set(name, (totals.get(name) ?? 0) + delta);
  }
  return totals;
}

/** Strips V8's `$` prefix and Rust's `::h0123…` hash suffix from a function name. */
export function cleanName(name) {
  return name.replace(/^\$/, '').replace(/::h[0-9a-f]{16}$/, '');
}

/** Summarises a profile: the top functions and the time per crate (JavaScript and the browser are groups of their own). */
export function summariseProfile(profile, { limit = 20 } = {}) {
  const totals = selfTimes(profile);
  const functions = [...totals.entries()]
    .map(([name, ms]) => ({ name: cleanName(name), ms: Math.round(ms * 100) / 100 }))
    .sort((a, b) => b.ms - a.ms);
  const crates = new Map();
  for (const { name, ms } of functions) {
    let group;
    if (['(idle)', '(program)', '(garbage collector)', '(root)'].includes(name)) group = name;
    else if (name.includes('::') || name.startsWith('<')) group = crateOf(name);
    else group = 'JavaScript and browser functions';
    crates.set(group, (crates.get(group) ?? 0) + ms);
  }
  return {
    functions: functions.slice(0, limit),
    crates: [...crates.entries()].map(([crate, ms]) => ({ crate, ms: Math.round(ms * 100) / 100 })).sort((a, b) => b.ms - a.ms),
  };
}

/** Profiles `count` keystrokes in `field` ('secretName' or 'keyValue') on the AWS CLI tab with a 4 KB embedded key. */
export async function profileKeystrokes(browser, url, field, count, outFile) {
  let session;
  let profile;
  await measureKeystrokes(browser, url, {
    field,
    tool: 'cli',
    count,
    warmup: 10,
    embedKey: true,
    beforeTyping: async (page) => {
      session = await page.context().newCDPSession(page);
      await session.send('Profiler.enable');
      await session.send('Profiler.setSamplingInterval', { interval: SAMPLING_INTERVAL_US });
      await session.send('Profiler.start');
    },
    afterTyping: async () => {
      ({ profile } = await session.send('Profiler.stop'));
    },
  });
  writeFileSync(outFile, JSON.stringify(profile));
  return { run: `${count + 10} keystrokes in ${SELECTORS[field]}, AWS CLI tab, 4 KB key embedded`, path: outFile, ...summariseProfile(profile) };
}

/** Profiles one load in a new context, from navigation to the first guide. */
export async function profileLoad(browser, url, outFile) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  try {
    const page = await context.newPage();
    // A first page of the same origin puts the tab in the renderer process
    // that the app will use, so the profiler's session survives the navigation.
    await page.goto(new URL('/profile-start-404', url).href);
    const session = await context.newCDPSession(page);
    await session.send('Profiler.enable');
    await session.send('Profiler.setSamplingInterval', { interval: SAMPLING_INTERVAL_US });
    await session.send('Profiler.start');
    await page.goto(url, { waitUntil: 'commit' });
    await page.waitForSelector(SELECTORS.guideCode, { timeout: 60_000 });
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => resolve())));
    const { profile } = await session.send('Profiler.stop');
    writeFileSync(outFile, JSON.stringify(profile));
    return { run: 'load, unthrottled, until the guide is rendered', path: outFile, ...summariseProfile(profile) };
  } finally {
    await context.close();
  }
}
