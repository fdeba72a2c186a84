// Chromium performance traces of a page load and of typing, summarised as
// the self time of each trace event on the page's main thread, so the
// benchmark can show where the milliseconds go.

import { readFileSync } from 'node:fs';
import { SELECTORS, loadOnce, measureKeystrokes } from './page.mjs';

/** Trace categories: the DevTools timeline, V8 (JavaScript and WebAssembly) and loading. */
export const TRACE_CATEGORIES = Object.freeze([
  'devtools.timeline',
  'disabled-by-default-devtools.timeline',
  'v8',
  'v8.execute',
  'v8.wasm',
  'disabled-by-default-v8.compile',
  'blink',
  'blink.user_timing',
  'loading',
  'toplevel',
]);

/**
 * Sums the self time (an event's duration minus the events nested in it) of
 * each event name on the main thread of the page served from `origin`: the
 * renderer main thread with the most events that name that origin.
 * @returns {{thread: string, totalMs: number, top: {name: string, selfMs: number, count: number}[]}}
 */
export function summariseTrace(file, origin, { limit = 15 } = {}) {
  const { traceEvents } = JSON.parse(readFileSync(file, 'utf8'));
  const threadNames = new Map();
  for (const event of traceEvents) {
    if (event.ph === 'M' && event.name === 'thread_name') threadNames.set(`${event.pid}:${event.tid}`, event.args.name);
  }

  // Complete events ('X') and begin/end pairs ('B'/'E') per thread.
  const byThread = new Map();
  const open = new Map();
  for (const event of traceEvents) {
    const thread = `${event.pid}:${event.tid}`;
    let span = null;
    if (event.ph === 'X' && typeof event.dur === 'number') {
      span = { name: event.name, start: event.ts, end: event.ts + event.dur };
    } else if (event.ph === 'B') {
      const stack = open.get(thread) ?? [];
      stack.push(event);
      open.set(thread, stack);
    } else if (event.ph === 'E') {
      const begin = open.get(thread)?.pop();
      if (begin) span = { name: begin.name, start: begin.ts, end: event.ts };
    }
    if (span) {
      if (!byThread.has(thread)) byThread.set(thread, []);
      byThread.get(thread).push(span);
    }
  }

  const mentions = new Map();
  for (const event of traceEvents) {
    if (event.args && JSON.stringify(event.args).includes(origin)) {
      const thread = `${event.pid}:${event.tid}`;
      mentions.set(thread, (mentions.get(thread) ?? 0) + 1);
    }
  }
  let best = null;
  for (const [thread, spans] of byThread) {
    if (threadNames.get(thread) !== 'CrRendererMain') continue;
    const score = mentions.get(thread) ?? 0;
    if (score > 0 && (!best || score > best.score)) best = { thread, spans, score };
  }
  if (!best) return { thread: 'none', totalMs: 0, top: [] };

  // Self time: walk the spans in start order with a stack of enclosing spans.
  const spans = best.spans.sort((a, b) => a.start - b.start || b.end - a.end);
  const self = new Map();
  const stack = [];
  const add = (name, micros) => {
    const entry = self.get(name) ?? { selfMs: 0, count: 0 };
    entry.selfMs += micros / 1000;
    self.set(name, entry);
  };
  for (const span of spans) {
    while (stack.length > 0 && stack[stack.length - 1].end <= span.start) stack.pop();
    const parent = stack[stack.length - 1];
    if (parent) add(parent.name, -(Math.min(span.end, parent.end) - span.start));
    add(span.name, span.end - span.start);
    self.get(span.name).count += 1;
    stack.push(span);
  }
  let rootTotal = 0;
  let lastEnd = -Infinity;
  for (const span of spans) {
    if (span.start >= lastEnd) {
      rootTotal += span.end - span.start;
      lastEnd = span.end;
    } else if (span.end > lastEnd) {
      rootTotal += span.end - lastEnd;
      lastEnd = span.end;
    }
  }

  const top = [...self.entries()]
    .map(([name, { selfMs, count }]) => ({ name, selfMs: Math.round(selfMs * 100) / 100, count }))
    .filter((entry) => entry.selfMs > 0)
    .sort((a, b) => b.selfMs - a.selfMs)
    .slice(0, limit);
  return { thread: `${threadNames.get(best.thread)} (${best.thread})`, totalMs: Math.round(rootTotal / 10) / 100, top };
}

/**
 * Records traces of one load per profile and of typing into the secret name
 * and key fields on the AWS CLI tab, into `directory`, and returns their
 * summaries.
 */
export async function traceRuns(browser, url, profiles, directory, { keystrokes = 50 } = {}) {
  const results = [];
  for (const profile of profiles) {
    const path = `${directory}/load-${profile.cpuRate === 1 ? 'unthrottled' : 'slow-4g'}.json`;
    await browser.startTracing(undefined, { path, categories: [...TRACE_CATEGORIES] });
    await loadOnce(browser, url, profile);
    await browser.stopTracing();
    results.push({ run: `load, ${profile.name}`, path, ...summariseTrace(path, new URL(url).origin) });
  }
  for (const field of ['secretName', 'keyValue']) {
    const path = `${directory}/keystrokes-${field}.json`;
    await measureKeystrokes(browser, url, {
      field,
      tool: 'cli',
      count: keystrokes,
      warmup: 0,
      beforeTyping: (page) => browser.startTracing(page, { path, categories: [...TRACE_CATEGORIES] }),
      afterTyping: () => browser.stopTracing(),
    });
    results.push({ run: `${keystrokes} keystrokes in ${SELECTORS[field]}, AWS CLI tab, 4 KB key embedded`, path, ...summariseTrace(path, new URL(url).origin) });
  }
  return results;
}
