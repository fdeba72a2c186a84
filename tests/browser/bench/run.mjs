// Benchmark of the release build: transfer size, time to the first guide,
// time per keystroke and the renderer's native throughput. Prints tables,
// then the whole result as JSON on the last line. Progress goes to stderr.
//
//   node tests/browser/bench/run.mjs [--dist DIR] [--loads N] [--keystrokes N]
//        [--criterion DIR [--criterion-since UNIX_SECONDS]] [--trace DIR] [--profile DIR --named-wasm FILE] [--out FILE]
//
// ./scripts/bench.sh builds the site and runs the native benchmark first,
// then runs this; see BENCHMARKS.md for the method.

import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { distDir as defaultDistDir, repoRoot } from '../lib/browser.mjs';
import { startServer } from '../lib/server.mjs';
import { SLOW_4G, UNTHROTTLED, launch, loadOnce, measureKeystrokes, recordFirstVisit } from './page.mjs';
import { makeNamedDist, profileKeystrokes, profileLoad } from './profile.mjs';
import { measureAssets } from './sizes.mjs';
import { kib, median, ms, round, summarise, table } from './stats.mjs';
import { traceRuns } from './trace.mjs';

/** The targets the figures are compared with (BENCHMARKS.md gives the reasons). */
export const TARGETS = Object.freeze({
  firstVisitBrotliBytes: 48 * 1024,
  firstGuideMedianMs: 150,
  firstGuideSlow4gMedianMs: 2500,
  keystrokeP95Ms: 5,
});

/**
 * The typing runs. The secret name and an embedded key appear in the AWS CLI
 * tab's commands, so every keystroke there changes the output. The default
 * tab (AWS console) with the key not embedded is what most visitors type into.
 */
const KEYSTROKE_SERIES = Object.freeze([
  { name: 'secretName cli embedded', field: 'secretName', tool: 'cli', embedKey: true },
  { name: 'keyValue cli embedded', field: 'keyValue', tool: 'cli', embedKey: true },
  { name: 'secretName default tab', field: 'secretName', tool: null, embedKey: false },
  { name: 'keyValue default tab', field: 'keyValue', tool: null, embedKey: false },
]);

const MIN_LOADS = 7;
const MIN_KEYSTROKES = 200;

function log(message) {
  process.stderr.write(`[bench] ${message}\n`);
}

function parseArgs(argv) {
  const options = {
    dist: defaultDistDir,
    loads: 9,
    keystrokes: MIN_KEYSTROKES,
    criterion: path.join(process.env.CARGO_TARGET_DIR ?? path.join(repoRoot, 'target'), 'criterion'),
    criterionSince: 0,
    trace: null,
    profile: null,
    namedWasm: null,
    out: null,
  };
  for (let i = 0; i < argv.length; i++) {
    const argument = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) throw new Error(`${argument} needs a value`);
      return argv[++i];
    };
    if (argument === '--dist') options.dist = path.resolve(value());
    else if (argument === '--loads') options.loads = Number(value());
    else if (argument === '--keystrokes') options.keystrokes = Number(value());
    else if (argument === '--criterion') options.criterion = path.resolve(value());
    else if (argument === '--criterion-since') options.criterionSince = Number(value()) * 1000;
    else if (argument === '--trace') options.trace = path.resolve(value());
    else if (argument === '--profile') options.profile = path.resolve(value());
    else if (argument === '--named-wasm') options.namedWasm = path.resolve(value());
    else if (argument === '--out') options.out = path.resolve(value());
    else throw new Error(`unknown argument ${argument} (see the header of tests/browser/bench/run.mjs)`);
  }
  if (!Number.isInteger(options.loads) || options.loads < 1) throw new Error(`--loads must be a positive whole number (got ${options.loads})`);
  if (!Number.isInteger(options.keystrokes) || options.keystrokes < 1) {
    throw new Error(`--keystrokes must be a positive whole number (got ${options.keystrokes})`);
  }
  if (options.profile && !options.namedWasm) throw new Error('--profile needs --named-wasm FILE (scripts/wasm-sizes.sh writes one)');
  if (options.loads < MIN_LOADS) log(`note: ${options.loads} loads is below the ${MIN_LOADS} the published figures use`);
  if (options.keystrokes < MIN_KEYSTROKES) log(`note: ${options.keystrokes} keystrokes is below the ${MIN_KEYSTROKES} the published figures use`);
  return options;
}

function git(...args) {
  try {
    return execFileSync('git', ['-C', repoRoot, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}

/** Returns the machine, the commit and the load average that the figures were taken under. */
function environment() {
  const cpuinfo = existsSync('/proc/cpuinfo') ? readFileSync('/proc/cpuinfo', 'utf8') : '';
  const model = cpuinfo.match(/^model name\s*:\s*(.+)$/m)?.[1] ?? os.cpus()[0]?.model ?? 'unknown';
  const changed = git('status', '--porcelain');
  let chromium = null;
  try {
    chromium = execFileSync('/usr/bin/chromium', ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    chromium = null;
  }
  return {
    date: new Date().toISOString(),
    commit: git('rev-parse', '--short', 'HEAD'),
    uncommittedChanges: changed === null ? null : changed.split('\n').filter(Boolean).length,
    cpu: model,
    cores: os.cpus().length,
    memoryGiB: round(os.totalmem() / 2 ** 30, 1),
    node: process.version,
    chromium,
    loadAverageAtStart: os.loadavg().map((value) => round(value)),
  };
}

/**
 * Reads the criterion estimates of every benchmark under `directory`
 * (target/criterion) that was measured at `sinceMs` (Unix time) or later,
 * so the results of a benchmark that no longer exists are left out.
 */
function readCriterion(directory, sinceMs) {
  if (!existsSync(directory)) return [];
  const results = [];
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    const folder = path.join(directory, entry.name, 'new');
    if (!entry.isDirectory() || !existsSync(path.join(folder, 'estimates.json'))) continue;
    const measuredAt = statSync(path.join(folder, 'estimates.json')).mtimeMs;
    if (measuredAt < sinceMs) continue;
    const estimates = JSON.parse(readFileSync(path.join(folder, 'estimates.json'), 'utf8'));
    const benchmark = JSON.parse(readFileSync(path.join(folder, 'benchmark.json'), 'utf8'));
    const meanNs = estimates.mean.point_estimate;
    results.push({
      name: benchmark.full_id ?? benchmark.title ?? entry.name,
      measuredAt: new Date(measuredAt).toISOString(),
      meanUs: round(meanNs / 1000),
      medianUs: round(estimates.median.point_estimate / 1000),
      meanLowerUs: round(estimates.mean.confidence_interval.lower_bound / 1000),
      meanUpperUs: round(estimates.mean.confidence_interval.upper_bound / 1000),
      perSecond: Math.round(1e9 / meanNs),
    });
  }
  return results.sort((a, b) => a.name.localeCompare(b.name));
}

/** Maps each request in the server's log to its file and the body bytes the server sent. */
function transferOf(requests, assets, prefix) {
  const byPath = new Map(assets.map((asset) => [asset.path, asset]));
  return requests
    .filter((request) => request.method === 'GET')
    .map((request) => {
      let file = decodeURIComponent(new URL(request.url, 'http://127.0.0.1').pathname).slice(prefix.length);
      if (file === '' || file.endsWith('/')) file += 'index.html';
      const asset = byPath.get(file);
      let bytes = 0;
      if (asset && request.status === 200) {
        if (request.encoding === 'br') bytes = asset.brotli;
        else if (request.encoding === 'gzip') bytes = asset.gzip;
        else bytes = asset.raw;
      }
      return { path: file, status: request.status, encoding: request.encoding ?? 'identity', bytes, brotliBytes: asset?.brotli ?? 0 };
    });
}

/** The median of one timestamp across loads; `pick` returns null where a load lacks it. */
function medianOf(loads, pick) {
  const values = loads.map(pick).filter((value) => typeof value === 'number');
  return values.length === 0 ? null : round(median(values));
}

/** Splits the loads of one profile into the medians of their phases. */
function phases(loads) {
  const resourceEnd = (load, extension) => {
    const ends = load.resources.filter((resource) => resource.name.endsWith(extension)).map((resource) => resource.responseEnd);
    return ends.length === 0 ? null : Math.max(...ends);
  };
  const resourceStart = (load, name) => load.resources.find((resource) => resource.name.endsWith(name))?.startTime ?? null;
  const bindings = (load) => load.resources.find((resource) => /\.js$/.test(resource.name) && resource.name.includes('apm-secrets-wizard'));
  return {
    'HTML response start': medianOf(loads, (load) => load.navigation?.responseStart),
    'HTML response end': medianOf(loads, (load) => load.navigation?.responseEnd),
    'CSS request start': medianOf(loads, (load) => resourceStart(load, '.css')),
    'CSS response end': medianOf(loads, (load) => resourceEnd(load, '.css')),
    'wasm-bindgen JS request start': medianOf(loads, (load) => bindings(load)?.startTime),
    'wasm-bindgen JS response end': medianOf(loads, (load) => bindings(load)?.responseEnd),
    'wasm request start': medianOf(loads, (load) => resourceStart(load, '.wasm')),
    'wasm response end': medianOf(loads, (load) => resourceEnd(load, '.wasm')),
    'wasm instantiate called': medianOf(loads, (load) => load.wasm.at(-1)?.start),
    'wasm instantiated': medianOf(loads, (load) => load.wasm.at(-1)?.end),
    'DOMContentLoaded end': medianOf(loads, (load) => load.navigation?.domContentLoadedEventEnd),
    'guide in the DOM': medianOf(loads, (load) => load.guideAt),
    'next frame': medianOf(loads, (load) => load.frameAfterGuide),
    'after that frame': medianOf(loads, (load) => load.paintedAfterGuide),
    'first contentful paint': medianOf(loads, (load) => load.firstContentfulPaint),
  };
}

function verdict(value, limit) {
  if (value === null || value === undefined) return 'not measured';
  return value <= limit ? 'met' : 'MISSED';
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  const env = environment();
  // scripts/bench.sh records the commit it built from next to the build.
  const buildInfo = path.join(path.dirname(options.dist), 'build.json');
  env.build = existsSync(buildInfo) ? JSON.parse(readFileSync(buildInfo, 'utf8')) : null;
  log(`dist: ${options.dist}`);
  if (!existsSync(path.join(options.dist, 'index.html'))) {
    throw new Error(`${options.dist}/index.html is missing: build the site first (./scripts/bench.sh builds it)`);
  }

  log('measuring the files in dist/ (raw, gzip -9, brotli -q 11)');
  const assets = measureAssets(options.dist);

  const server = await startServer({ root: options.dist, prefix: '/', compress: true });
  const browser = await launch();
  const result = { environment: env, targets: TARGETS, assets };
  try {
    // The first visit also fills the server's compression cache, so the
    // timed loads below do not wait for brotli.
    log(`recording a first visit to ${server.url}`);
    const visit = await recordFirstVisit(browser, server);
    // The page's own requests, with the body bytes the browser received.
    const untilGuide = [
      { path: 'index.html', bytes: visit.timings.navigation?.encodedBodySize ?? 0 },
      ...visit.timings.resources.map((resource) => ({ path: resource.name.slice(server.prefix.length), bytes: resource.encodedBodySize })),
    ];
    const all = transferOf(visit.all, assets, server.prefix);
    const sum = (list, key) => list.reduce((total, item) => total + item[key], 0);
    const firstOfEachFile = all.filter((request, index) => all.findIndex((other) => other.path === request.path) === index);
    result.firstVisit = {
      serviceWorker: visit.serviceWorker,
      requests: all,
      requestsUntilGuide: untilGuide,
      bytesUntilGuide: sum(untilGuide, 'bytes'),
      // A host that responds 304 Not Modified to revalidation sends each file once.
      distinctFiles: firstOfEachFile.length,
      bytesDistinctFiles: sum(firstOfEachFile, 'bytes'),
      bytes: sum(all, 'bytes'),
    };

    result.firstGuide = {};
    for (const profile of [UNTHROTTLED, SLOW_4G]) {
      log(`time to first guide, ${profile.name}: ${options.loads} fresh loads`);
      const loads = [];
      for (let i = 0; i < options.loads; i++) loads.push(await loadOnce(browser, server.url, profile));
      const guide = loads.map((load) => load.guideAt);
      result.firstGuide[profile === UNTHROTTLED ? 'unthrottled' : 'slow4g'] = {
        profile,
        guideInDom: summarise(guide),
        paintedAfterGuide: summarise(loads.map((load) => load.paintedAfterGuide)),
        stepsAtGuide: [...new Set(loads.map((load) => load.stepsAtGuide))],
        phases: phases(loads),
        samples: guide.map((value) => round(value)),
      };
    }

    result.keystrokes = {};
    for (const series of KEYSTROKE_SERIES) {
      log(`time per keystroke: ${options.keystrokes} keystrokes in ${series.field} on the ${series.tool ?? 'default'} tab, 4 KB key${series.embedKey ? ' embedded in the snippets' : ', not embedded'}`);
      const run = await measureKeystrokes(browser, server.url, { ...series, count: options.keystrokes });
      const changed = run.samples.filter((sample) => sample.output !== null);
      result.keystrokes[series.name] = {
        field: series.field,
        tool: run.tool,
        embedKey: series.embedKey,
        keyShownInOutput: run.keyShown,
        keyLength: run.keyLength,
        finalLength: run.finalLength,
        warmup: run.warmup,
        keystrokes: run.samples.length,
        outputChanged: changed.length,
        lateMutations: run.lateMutations,
        output: summarise(changed.map((sample) => sample.output)),
        handled: summarise(run.samples.map((sample) => sample.handled)),
        frame: summarise(run.samples.map((sample) => sample.frame)),
        painted: summarise(run.samples.map((sample) => sample.painted)),
      };
    }

    if (options.trace) {
      mkdirSync(options.trace, { recursive: true });
      log(`recording Chromium traces into ${options.trace}`);
      result.traces = await traceRuns(browser, server.url, [UNTHROTTLED, SLOW_4G], options.trace);
    }

    if (options.profile) {
      mkdirSync(options.profile, { recursive: true });
      const namedDist = makeNamedDist(options.dist, options.namedWasm, path.join(options.profile, 'dist-with-names'));
      const namedServer = await startServer({ root: namedDist, prefix: '/', compress: true });
      try {
        log(`recording V8 CPU profiles with function names into ${options.profile}`);
        result.profiles = [
          await profileLoad(browser, namedServer.url, path.join(options.profile, 'load.cpuprofile')),
          await profileKeystrokes(browser, namedServer.url, 'secretName', 100, path.join(options.profile, 'keystrokes-secretName.cpuprofile')),
          await profileKeystrokes(browser, namedServer.url, 'keyValue', 100, path.join(options.profile, 'keystrokes-keyValue.cpuprofile')),
        ];
      } finally {
        await namedServer.close();
      }
    }
  } finally {
    await browser.close();
    await server.close();
  }

  result.native = readCriterion(options.criterion, options.criterionSince);
  result.environment.loadAverageAtEnd = os.loadavg().map((value) => round(value));

  // The worst 95th percentile among the runs whose output changes on every keystroke.
  const keyP95 = Math.max(
    ...Object.values(result.keystrokes)
      .filter((entry) => entry.outputChanged > 0)
      .map((entry) => entry.output.p95),
  );
  result.verdicts = {
    firstVisitBrotliBytes: {
      value: result.firstVisit.bytesDistinctFiles,
      target: TARGETS.firstVisitBrotliBytes,
      result: verdict(result.firstVisit.bytesDistinctFiles, TARGETS.firstVisitBrotliBytes),
    },
    firstGuideMedianMs: {
      value: result.firstGuide.unthrottled.guideInDom.median,
      target: TARGETS.firstGuideMedianMs,
      result: verdict(result.firstGuide.unthrottled.guideInDom.median, TARGETS.firstGuideMedianMs),
    },
    firstGuideSlow4gMedianMs: {
      value: result.firstGuide.slow4g.guideInDom.median,
      target: TARGETS.firstGuideSlow4gMedianMs,
      result: verdict(result.firstGuide.slow4g.guideInDom.median, TARGETS.firstGuideSlow4gMedianMs),
    },
    keystrokeP95Ms: {
      value: Number.isFinite(keyP95) ? keyP95 : null,
      target: TARGETS.keystrokeP95Ms,
      result: verdict(Number.isFinite(keyP95) ? keyP95 : null, TARGETS.keystrokeP95Ms),
    },
  };

  if (options.out) {
    mkdirSync(path.dirname(options.out), { recursive: true });
    writeFileSync(options.out, `${JSON.stringify(result, null, 2)}\n`);
    log(`wrote ${options.out}`);
  }

  printTables(result);
  // The last line: the whole result as one JSON document.
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

function printTables(result) {
  const out = (text = '') => process.stdout.write(`${text}\n`);
  const env = result.environment;
  out(`Benchmark of the release build, ${env.date}`);
  const describe = (commit, changes) => `commit ${commit}${changes ? ` with ${changes} uncommitted changes` : ''}`;
  const built = env.build ? `built from ${describe(env.build.commit, env.build.uncommittedChanges)} at ${env.build.builtAt}` : 'build of unknown origin';
  out(`${built}; ${describe(env.commit, env.uncommittedChanges)} when measured`);
  out(`${env.cpu}, ${env.cores} cores, ${env.memoryGiB} GiB`);
  out(`load average at start ${env.loadAverageAtStart.join(' ')}, at end ${env.loadAverageAtEnd.join(' ')}; ${env.chromium ?? 'Chromium'}; Node ${env.node}`);
  out();

  out('Files in dist/');
  const totals = result.assets.reduce((sum, asset) => ({ raw: sum.raw + asset.raw, gzip: sum.gzip + asset.gzip, brotli: sum.brotli + asset.brotli }), { raw: 0, gzip: 0, brotli: 0 });
  out(
    table(
      ['file', 'kind', 'raw', 'gzip -9', 'brotli -q 11'],
      [
        ...result.assets.map((asset) => [asset.path, asset.kind, kib(asset.raw), kib(asset.gzip), kib(asset.brotli)]),
        ['all files', '', kib(totals.raw), kib(totals.gzip), kib(totals.brotli)],
      ],
    ),
  );
  out();

  const visit = result.firstVisit;
  out(`First visit: every request in the server's log (service worker ${visit.serviceWorker ? 'registered' : 'not registered'})`);
  out(
    table(
      ['request', 'status', 'encoding', 'bytes sent'],
      [
        ...visit.requests.map((request) => [request.path, String(request.status), request.encoding, kib(request.bytes)]),
        [`the page's own requests until the guide (${visit.requestsUntilGuide.length})`, '', '', kib(visit.bytesUntilGuide)],
        [`whole first visit, each file once (${visit.distinctFiles} files)`, '', '', kib(visit.bytesDistinctFiles)],
        [`whole first visit as served here (${visit.requests.length} requests)`, '', '', kib(visit.bytes)],
      ],
    ),
  );
  out();

  out('Time to first guide (navigation start to the first code block of the guide in the DOM; fresh context each load)');
  const guideRows = Object.values(result.firstGuide).map((entry) => [
    entry.profile.name,
    String(entry.guideInDom.n),
    ms(entry.guideInDom.median),
    ms(entry.guideInDom.min),
    ms(entry.guideInDom.max),
    ms(entry.paintedAfterGuide.median),
  ]);
  out(table(['profile', 'loads', 'median', 'min', 'max', 'painted, median'], guideRows));
  out();
  out('Phases of the load (medians, ms after navigation start)');
  const phaseNames = Object.keys(result.firstGuide.unthrottled.phases);
  out(
    table(
      ['phase', ...Object.values(result.firstGuide).map((entry) => entry.profile.name)],
      phaseNames.map((name) => [name, ...Object.values(result.firstGuide).map((entry) => ms(entry.phases[name]))]),
    ),
  );
  out();

  out('Time per keystroke, ms from the input event (4 KB key present; BENCHMARKS.md explains each column)');
  out(
    table(
      ['field', 'tab', 'key embedded', 'n', 'changed', 'output p50', 'output p95', 'output max', 'handled p50', 'handled p95', 'painted p50', 'painted p95'],
      Object.values(result.keystrokes).map((entry) => [
        entry.field,
        entry.tool,
        entry.embedKey ? 'yes' : 'no',
        String(entry.keystrokes),
        String(entry.outputChanged),
        ms(entry.output.median),
        ms(entry.output.p95),
        ms(entry.output.max),
        ms(entry.handled.median),
        ms(entry.handled.p95),
        ms(entry.painted.median),
        ms(entry.painted.p95),
      ]),
    ),
  );
  out();

  out('Renderer, native (criterion, cargo bench -p apm-secrets-renderer)');
  out(
    table(
      ['benchmark', 'mean', '95% interval', 'renderings per second', 'measured at'],
      result.native.map((entry) => [
        entry.name,
        `${entry.meanUs.toFixed(2)} us`,
        `${entry.meanLowerUs.toFixed(2)}-${entry.meanUpperUs.toFixed(2)} us`,
        String(entry.perSecond),
        entry.measuredAt,
      ]),
    ),
  );
  if (result.native.length === 0) out('(no criterion results found: run cargo bench -p apm-secrets-renderer)');
  out();

  if (result.traces) {
    for (const trace of result.traces) {
      out(`Trace: ${trace.run}; main thread busy ${trace.totalMs} ms; ${trace.path}`);
      out(table(['event', 'self time', 'count'], trace.top.map((entry) => [entry.name, ms(entry.selfMs), String(entry.count)])));
      out();
    }
  }

  if (result.profiles) {
    for (const profile of result.profiles) {
      out(`CPU profile: ${profile.run}; ${profile.path}`);
      out(table(['crate or group', 'self time'], profile.crates.slice(0, 12).map((entry) => [entry.crate, ms(entry.ms)])));
      out(table(['function', 'self time'], profile.functions.slice(0, 15).map((entry) => [entry.name.slice(0, 110), ms(entry.ms)])));
      out();
    }
  }

  out('Targets');
  const labels = {
    firstVisitBrotliBytes: ['first-visit transfer, brotli, each file once', kib],
    firstGuideMedianMs: ['time to first guide, median, unthrottled', ms],
    firstGuideSlow4gMedianMs: ['time to first guide, median, slow 4G + 4x CPU', ms],
    keystrokeP95Ms: ['time per keystroke, p95, worst field', ms],
  };
  out(
    table(
      ['figure', 'value', 'target', 'result'],
      Object.entries(result.verdicts).map(([name, entry]) => [labels[name][0], labels[name][1](entry.value), `<= ${labels[name][1](entry.target)}`, entry.result]),
    ),
  );
}

main().catch((error) => {
  process.stderr.write(`[bench] ERROR: ${error.stack ?? error.message}\n`);
  process.exit(1);
});
