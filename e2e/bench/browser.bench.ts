// `npm run bench:browser`: the browser half of the benchmarks, in the system Chromium.
// - OPFS and IndexedDB: the engine's AOF append per policy, in event-loop turns of 50 clients × 16
//   pipelined SETs, against a bare append+flush loop writing the same bytes per turn on the same
//   store with the same cadence (ratio engine ÷ bare).
// - Loading a large RDB in the worker with the UI open: time, progress updates, and the
//   longest main-thread task (PerformanceObserver long tasks).
// - The UI under the fastest workload for 10 minutes of server time: long tasks and frame times
//   while the timeline updates, and the page's and the worker's JS heaps staying bounded.
// - Compare of all seven presets on the 4-hour `rdb-1h` example (public/scenarios), as a person
//   runs it: wall time from the click to the table, and the longest main-thread task meanwhile.
// - The Files view's Analyze mode on a ~1 GB RDB (full; ~34 MB small): time, and the page's and the
//   worker's JS heaps, their peaks sampled while it runs and after a GC.
// The live workload, the RDB load and the analysis run in a profile on disk, as people's browsers
// keep OPFS: Playwright's default context keeps it in memory, where each OPFS write costs ~1.8 ms
// (measured here, against 40–200 µs on disk), which would make its throughput a measure of that.
// BENCH_FULL=1 runs the full sizes; results go to bench-results/browser-<mode>.json.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, expect, test, type Page } from '@playwright/test';
import { validateScenario } from '../../src/scenario/scenario.js';
import { encodeScenario } from '../../src/scenario/url.js';
import { RedisServer } from '../../tests/support/redis-server.js';
import { goTo } from '../support/lab.js';

/** A page in a fresh profile on disk. */
const diskTest = test.extend<{ diskPage: Page }>({
  diskPage: async ({ baseURL }, use, testInfo) => {
    const profile = mkdtempSync(join(tmpdir(), 'lab-bench-profile-'));
    const context = await chromium.launchPersistentContext(profile, { ...testInfo.project.use.launchOptions, baseURL, viewport: testInfo.project.use.viewport });
    try {
      await use(context.pages()[0] ?? (await context.newPage()));
    } finally {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    }
  },
});

const full = process.env.BENCH_FULL === '1';
const results: Record<string, unknown> = { mode: full ? 'full' : 'small', date: new Date().toISOString() };

// A run of some of the tests (-g) updates their entries and keeps the others' from earlier runs;
// `dates` says when each entry was measured.
test.afterAll(() => {
  const measured = Object.keys(results).filter((k) => k !== 'mode' && k !== 'date');
  if (measured.length === 0) return;
  mkdirSync('bench-results', { recursive: true });
  const file = `bench-results/browser-${results.mode}.json`;
  const earlier = (existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {}) as Record<string, unknown>;
  const dates = { ...(earlier.dates as Record<string, string> | undefined), ...Object.fromEntries(measured.map((k) => [k, results.date])) };
  writeFileSync(file, `${JSON.stringify({ ...earlier, ...results, dates }, null, 2)}\n`);
});

/** Records long tasks and frame gaps on the page from now on. */
async function observeMainThread(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as { longTasks: { start: number; duration: number }[]; frames: number[] };
    w.longTasks = [];
    w.frames = [];
    new PerformanceObserver((list) => list.getEntries().forEach((e) => w.longTasks.push({ start: e.startTime, duration: e.duration }))).observe({ type: 'longtask', buffered: false });
    let last = performance.now();
    const frame = (now: number) => {
      w.frames.push(now - last);
      last = now;
      requestAnimationFrame(frame);
    };
    requestAnimationFrame(frame);
  });
}

async function mainThreadStats(page: Page) {
  return page.evaluate(() => {
    const w = window as unknown as { longTasks: { start: number; duration: number }[]; frames: number[] };
    const frames = [...w.frames].sort((a, b) => a - b);
    const tasks = w.longTasks.map((t) => t.duration);
    return {
      longTasks: tasks.length,
      longestTaskMs: Math.round(Math.max(0, ...tasks)),
      frames: frames.length,
      medianFrameMs: Math.round(frames[Math.floor(frames.length / 2)] ?? 0),
      p99FrameMs: Math.round(frames[Math.floor(frames.length * 0.99)] ?? 0),
    };
  });
}

diskTest('OPFS and IndexedDB: engine AOF append in event-loop turns vs a bare append+flush loop with the same batching', async ({ diskPage: page }) => {
  test.setTimeout(600_000);
  await page.goto(`/e2e/bench/storage-bench.html?ops=${full ? 200_000 : 20_000}&alwaysOps=${full ? 40_000 : 4_000}`);
  // A page left out of the build is answered with the lab's own, which would never report.
  await expect(page).toHaveTitle('Storage benchmark');
  const handle = await page.waitForFunction(() => (window as unknown as { benchRows?: unknown }).benchRows, null, { timeout: 580_000 });
  const answer = (await handle.jsonValue()) as { backend: string; policy: string; ops: number; turns: number; engineOpsPerSecond: number; bareOpsPerSecond: number }[] | { error: string };
  if (!Array.isArray(answer)) throw new Error(`the storage benchmark's worker failed: ${answer.error}`);
  const rows = answer;
  results.storage = rows.map((r) => ({ ...r, ratio: r.engineOpsPerSecond / r.bareOpsPerSecond }));
  for (const r of rows) console.log(`  ${r.backend} ${r.policy} (${r.ops} SETs in ${r.turns} turns): engine ${Math.round(r.engineOpsPerSecond)} ops/s, bare ${Math.round(r.bareOpsPerSecond)} ops/s, ratio ${(r.engineOpsPerSecond / r.bareOpsPerSecond).toFixed(2)}`);
  expect(rows).toHaveLength(6);
});

/** redis-server's dump.rdb of `DEBUG POPULATE ...populate` in `dir` (the server is always stopped). */
async function redisDump(dir: string, populate: string[]): Promise<string> {
  const redis = await RedisServer.start({ dir });
  try {
    await redis.command('DEBUG', 'POPULATE', ...populate);
    await redis.command('SAVE');
  } finally {
    await redis.stop();
  }
  return join(dir, 'dump.rdb');
}

/**
 * Times long work started by choosing a file in the page, on the page's clock: from the input's
 * change event to the first time `[data-testid=<testId>]` shows text starting with `done`, with the
 * progress bar's value changes meanwhile (the first and last say when the worker's pass over the
 * file began and ended).
 */
async function timeFileWork(page: Page, testId: string, done: string): Promise<void> {
  await page.evaluate(
    ({ testId, done }) => {
      const w = window as unknown as { fileWork: { chosenAt?: number; doneAt?: number; progressAt: number[] } };
      const work: typeof w.fileWork = (w.fileWork = { progressAt: [] });
      document.addEventListener('change', () => (work.chosenAt ??= performance.now()), { capture: true });
      let bar: Element | null = null;
      new MutationObserver((records) => {
        // The bar appearing with its first value counts, as each later change of its value does.
        const shown = document.querySelector('progress');
        if (shown && shown !== bar) work.progressAt.push(performance.now());
        else for (const r of records) if (r.type === 'attributes' && r.attributeName === 'value' && r.target === bar) work.progressAt.push(performance.now());
        bar = shown;
        if (work.doneAt === undefined && document.querySelector(`[data-testid="${testId}"]`)?.textContent?.startsWith(done)) work.doneAt = performance.now();
      }).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true, attributeFilter: ['value'] });
    },
    { testId, done },
  );
  // fileWorkDone's waitForFunction compiles Playwright's injected script in the page's world on its
  // first use (a task of 30–70 ms here): done now, before the work starts.
  await page.waitForFunction(() => true);
}

/**
 * Waits for the work `timeFileWork` times, polling a flag: an expect() on the text would run
 * Playwright's own DOM walks on the page's main thread at every retry, long tasks of its own.
 */
async function fileWorkDone(page: Page, timeout: number): Promise<{ ms: number; progressUpdates: number; firstProgressMs: number | null; lastProgressMs: number | null }> {
  await page.waitForFunction(() => (window as unknown as { fileWork: { doneAt?: number } }).fileWork.doneAt !== undefined, null, { polling: 250, timeout });
  const work = await page.evaluate(() => (window as unknown as { fileWork: { chosenAt?: number; doneAt?: number; progressAt: number[] } }).fileWork);
  if (work.chosenAt === undefined || work.doneAt === undefined) throw new Error(`the file work was not timed: ${JSON.stringify(work)}`);
  const from = work.chosenAt;
  const at = (t: number | undefined) => (t === undefined ? null : Math.round(t - from));
  return { ms: Math.round(work.doneAt - from), progressUpdates: work.progressAt.length, firstProgressMs: at(work.progressAt[0]), lastProgressMs: at(work.progressAt.at(-1)) };
}

// In a profile on disk, as people's browsers keep OPFS. The file is chosen by its path, as a person
// picks it: the browser reads it from disk (a buffer would be injected by Playwright's script on the
// page's main thread, a long task that is not the lab's).
diskTest('loading a large RDB in the worker keeps the page responsive', async ({ diskPage: page }) => {
  test.setTimeout(600_000);
  const keys = full ? 1_000_000 : 100_000;
  const dir = mkdtempSync(join(tmpdir(), 'lab-bench-browser-'));
  try {
    const path = await redisDump(dir, [String(keys)]);
    const bytes = statSync(path).size;
    await page.goto('/?db=bench-load');
    await expect(page.getByRole('status').first()).toHaveText('Engine running');
    await page.getByRole('radio', { name: 'None' }).check();
    await expect(page.getByRole('status').first()).toHaveText('Engine running');
    // The upload is in the Files view (not on Play, where the page opens).
    await goTo(page, 'Files');
    await timeFileWork(page, 'upload-result', 'Loaded');
    await observeMainThread(page);
    await page.getByLabel('Load an RDB file').setInputFiles(path, { timeout: 30_000 });
    const { ms: loadMs, progressUpdates, firstProgressMs, lastProgressMs } = await fileWorkDone(page, 580_000);
    const stats = await mainThreadStats(page);
    await expect(page.getByTestId('upload-result')).toHaveText(`Loaded ${keys.toLocaleString('en-US')} keys from dump.rdb.`);
    results.rdbLoad = { keys, bytes, loadMs, progressUpdates, firstProgressMs, lastProgressMs, ...stats };
    console.log(`  RDB load of ${keys} keys (${bytes} bytes) in the worker: ${loadMs} ms, ${progressUpdates} progress updates (the first at ${firstProgressMs} ms, the last at ${lastProgressMs} ms), longest main-thread task ${stats.longestTaskMs} ms (${stats.longTasks} over 50 ms)`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

type HeapUsage = { usedSize: number; backingStorageSize?: number };

/**
 * The page's DevTools protocol session, with its workers' sessions reached through it
 * (auto-attached targets, the worker's commands sent as messages to its target).
 */
async function devtools(page: Page) {
  const cdp = await page.context().newCDPSession(page);
  const workers: string[] = [];
  cdp.on('Target.attachedToTarget', (e) => {
    if (e.targetInfo.type === 'worker') workers.push(e.sessionId);
  });
  cdp.on('Target.detachedFromTarget', (e) => {
    if (e.sessionId && workers.includes(e.sessionId)) workers.splice(workers.indexOf(e.sessionId), 1);
  });
  let nextId = 1;
  const pending = new Map<number, { resolve: (result: unknown) => void; reject: (error: Error) => void }>();
  cdp.on('Target.receivedMessageFromTarget', (e) => {
    const message = JSON.parse(e.message) as { id?: number; result?: unknown; error?: { message: string } };
    const waiting = message.id === undefined ? undefined : pending.get(message.id);
    if (!waiting) return;
    pending.delete(message.id!);
    if (message.error) waiting.reject(new Error(message.error.message));
    else waiting.resolve(message.result);
  });
  const inWorker = <T>(sessionId: string, method: string) =>
    new Promise<T>((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve: resolve as (result: unknown) => void, reject });
      cdp.send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id, method }) }).catch(reject);
    });
  await cdp.send('Target.setAutoAttach', { autoAttach: true, waitForDebuggerOnStart: false, flatten: false });
  return { cdp, workers, inWorker };
}

/** JS heap in use by the page and by each worker after a full GC. */
async function heapsAfterGc(page: Page): Promise<{ pageBytes: number; workerBytes: number[] }> {
  const { cdp, workers, inWorker } = await devtools(page);
  await cdp.send('HeapProfiler.collectGarbage');
  const pageBytes = (await cdp.send('Runtime.getHeapUsage')).usedSize;
  const workerBytes: number[] = [];
  for (const sessionId of workers) {
    await inWorker(sessionId, 'HeapProfiler.collectGarbage');
    workerBytes.push((await inWorker<HeapUsage>(sessionId, 'Runtime.getHeapUsage')).usedSize);
  }
  await cdp.detach();
  return { pageBytes, workerBytes };
}

interface HeapPeaks {
  samples: number;
  /** The JS heap in use (V8's used size), the page's and the workers' summed. */
  pageBytes: number;
  workerBytes: number;
  /** The same with the array buffers' and external strings' backing stores (outside the JS heap). */
  pageWithBuffersBytes: number;
  workerWithBuffersBytes: number;
}

/** Samples the page's and the workers' heaps every `everyMs` until stopped: the peaks. */
async function sampleHeaps(page: Page, everyMs = 200): Promise<{ stop: () => Promise<HeapPeaks> }> {
  const { cdp, workers, inWorker } = await devtools(page);
  const peaks: HeapPeaks = { samples: 0, pageBytes: 0, workerBytes: 0, pageWithBuffersBytes: 0, workerWithBuffersBytes: 0 };
  let stopped = false;
  const sampling = (async () => {
    while (!stopped) {
      const [pageHeap, ...workerHeaps] = await Promise.all([cdp.send('Runtime.getHeapUsage') as Promise<HeapUsage>, ...workers.map((s) => inWorker<HeapUsage>(s, 'Runtime.getHeapUsage'))]);
      const sum = (heaps: HeapUsage[], buffers: boolean) => heaps.reduce((a, h) => a + h.usedSize + (buffers ? (h.backingStorageSize ?? 0) : 0), 0);
      peaks.samples++;
      peaks.pageBytes = Math.max(peaks.pageBytes, sum([pageHeap!], false));
      peaks.pageWithBuffersBytes = Math.max(peaks.pageWithBuffersBytes, sum([pageHeap!], true));
      peaks.workerBytes = Math.max(peaks.workerBytes, sum(workerHeaps, false));
      peaks.workerWithBuffersBytes = Math.max(peaks.workerWithBuffersBytes, sum(workerHeaps, true));
      await new Promise((r) => setTimeout(r, everyMs));
    }
  })();
  return {
    stop: async () => {
      stopped = true;
      await sampling;
      await cdp.detach();
      return peaks;
    },
  };
}

const mib = (n: number) => Math.round((n / 1024 / 1024) * 10) / 10;

test('the UI under the fastest workload for 10 simulated minutes: long tasks, frame times, bounded memory', async ({ page }) => {
  test.setTimeout(300_000);
  const seconds = full ? 60 : 10;
  // Server time runs fast enough that the run covers 10 minutes of it: crons, fsyncs,
  // writeback and rewrites of 10 minutes, with the timeline drawing all along.
  const speed = 600 / seconds;
  await page.goto('/?db=bench-ui');
  await expect(page.getByRole('status').first()).toHaveText('Engine running');
  await page.getByLabel('Time speed').fill(String(Math.log10(speed)));
  await page.getByLabel('Rate').selectOption({ label: '5,000 writes/s' });
  await page.getByRole('button', { name: 'Start workload' }).click();
  await observeMainThread(page);
  await page.waitForTimeout((seconds * 1000) / 4);
  const early = await heapsAfterGc(page);
  await page.waitForTimeout((seconds * 3000) / 4);
  const late = await heapsAfterGc(page);
  const stats = await mainThreadStats(page);
  const acked = Number((await page.getByTestId('acked').textContent())!.replace(/,/g, ''));
  const memory = {
    pageMiB: [mib(early.pageBytes), mib(late.pageBytes)],
    workerMiB: [mib(early.workerBytes.reduce((a, b) => a + b, 0)), mib(late.workerBytes.reduce((a, b) => a + b, 0))],
  };
  results.ui = { seconds, simulatedMinutes: 10, speed, acked, ...stats, memory };
  console.log(`  UI with the workload at 5,000 writes/s for ${seconds} s (×${speed}: 10 simulated minutes): ${acked} writes acknowledged, ${stats.longTasks} long tasks (longest ${stats.longestTaskMs} ms), median frame ${stats.medianFrameMs} ms, p99 ${stats.p99FrameMs} ms`);
  console.log(`  JS heap after GC at 2.5 and 10 simulated minutes: page ${memory.pageMiB.join(' → ')} MiB, workers ${memory.workerMiB.join(' → ')} MiB`);
  expect(acked).toBeGreaterThan(0);
  expect(early.workerBytes.length).toBeGreaterThan(0);
  // Bounded: the last 7.5 minutes may not grow the heaps by more than half of what they were.
  expect(late.pageBytes).toBeLessThan(early.pageBytes * 1.5);
  expect(late.workerBytes.reduce((a, b) => a + b, 0)).toBeLessThan(early.workerBytes.reduce((a, b) => a + b, 0) * 1.5);
});

test('Compare of all seven presets on the 4-hour rdb-1h example', async ({ page }) => {
  test.setTimeout(600_000);
  const checked = validateScenario(JSON.parse(readFileSync('public/scenarios/rdb-1h.json', 'utf8')));
  if (!checked.ok) throw new Error(checked.errors.join('; '));
  const scenario = checked.scenario;
  await page.goto(`/?db=bench-compare#view=compare&s=${encodeScenario(scenario)}`);
  await expect(page.getByRole('status').first()).toHaveText('Engine running');
  await observeMainThread(page);
  const started = Date.now();
  await page.getByRole('button', { name: 'Compare', exact: true }).click();
  await expect(page.getByRole('table', { name: 'Comparison' })).toBeVisible({ timeout: 580_000 });
  const compareMs = Date.now() - started;
  const stats = await mainThreadStats(page);
  const writes = await page.getByRole('table', { name: 'Comparison' }).getByRole('row', { name: /^Writes lost/ }).getByRole('cell').first().textContent();
  results.compare = { scenario: 'public/scenarios/rdb-1h.json', compareMs, writes, ...stats };
  console.log(`  Compare of 7 presets on rdb-1h (4 simulated hours, ${writes} lost by the first): ${compareMs} ms, longest main-thread task ${stats.longestTaskMs} ms`);
  expect(compareMs).toBeGreaterThan(0);
});

diskTest('the live workload flat out on OPFS (a profile on disk) under each policy: acknowledged writes/s, ack latency, write and fsync calls', async ({ diskPage: page }) => {
  test.setTimeout(300_000);
  const seconds = full ? 20 : 8;
  await page.goto('/?db=bench-live');
  await expect(page.getByRole('status').first()).toHaveText('Engine running');
  await page.getByLabel('Rate').selectOption({ label: 'flat out (as fast as it answers)' });
  await page.getByLabel('Clients').selectOption({ label: '50' });
  await page.getByLabel('Pipeline').selectOption({ label: '16' });
  await observeMainThread(page);
  const rows: Record<string, unknown>[] = [];
  for (const policy of ['AOF every 1 second', 'AOF every write', 'None']) {
    await page.getByRole('radio', { name: policy }).check();
    await expect(page.getByRole('status').first()).toHaveText('Engine running');
    await page.getByRole('button', { name: 'Start workload' }).click();
    await page.waitForTimeout(2_000);
    const count = async () => Number((await page.getByTestId('acked').textContent())!.replace(/,/g, ''));
    const from = await count();
    const started = Date.now();
    await page.waitForTimeout(seconds * 1000);
    const acked = (await count()) - from;
    const elapsed = (Date.now() - started) / 1000;
    const latency = await page.getByTestId('ack-latency').textContent();
    const [aofWritesPerSecond, fsyncsPerSecond] = (await page.getByTestId('aof-calls-per-second').textContent())!.split('/').map((n) => Number(n.replace(/,/g, '')));
    await page.getByRole('button', { name: 'Stop workload' }).click();
    const row = { policy, ackedPerSecond: Math.round(acked / elapsed), latency, aofWritesPerSecond, fsyncsPerSecond };
    rows.push(row);
    console.log(`  live flat out, 50 clients × pipeline 16, ${policy}: ${row.ackedPerSecond} acknowledged writes/s, ack latency p50 / p99 ${latency}, AOF write() / fsync() ${aofWritesPerSecond} / ${fsyncsPerSecond} per s`);
  }
  // Group commit: under always one fsync serves a whole turn's writes.
  const always = rows.find((r) => r.policy === 'AOF every write')!;
  expect(always.fsyncsPerSecond).toBeGreaterThan(0);
  expect(always.fsyncsPerSecond as number).toBeLessThan((always.ackedPerSecond as number) / 10);
  const stats = await mainThreadStats(page);
  results.live = { seconds, rows, ...stats };
  console.log(`  longest main-thread task meanwhile: ${stats.longestTaskMs} ms (${stats.longTasks} over 50 ms)`);
  expect(rows.every((r) => (r.ackedPerSecond as number) > 0)).toBe(true);
});

// The Files view's Analyze mode reads a chosen RDB in the worker chunk by chunk without building a
// dataset (in constant memory). Full: a ~1 GB RDB (9M keys, 100-byte values, written without LZF
// compression, which would shrink DEBUG POPULATE's zero-padded values to nothing); small: ~34 MB.
// The page's and the worker's JS heaps are sampled every 200 ms meanwhile (the peaks), then read
// after a GC. Target: both under 256 MiB for the 1 GB file.
diskTest('Analyze of a large RDB in the Files view: time, and the page\'s and worker\'s JS heaps', async ({ diskPage: page }) => {
  test.setTimeout(full ? 1_200_000 : 120_000);
  const keys = full ? 9_000_000 : 300_000;
  const valueBytes = 100;
  const dir = mkdtempSync(join(tmpdir(), 'lab-bench-analyze-'));
  try {
    const redis = await RedisServer.start({ dir });
    try {
      await redis.command('CONFIG', 'SET', 'rdbcompression', 'no');
      await redis.command('DEBUG', 'POPULATE', String(keys), 'key', String(valueBytes));
      await redis.command('SAVE');
    } finally {
      await redis.stop();
    }
    const path = join(dir, 'dump.rdb');
    const bytes = statSync(path).size;
    await page.goto('/?db=bench-analyze#view=files');
    await expect(page.getByRole('status').first()).toHaveText('Engine running');
    await expect(page.getByLabel('Choose an RDB file to analyze')).toBeEnabled();
    await timeFileWork(page, 'analysis-result', 'dump.rdb:');
    const heaps = await sampleHeaps(page);
    await observeMainThread(page);
    let peaks: HeapPeaks;
    let work: Awaited<ReturnType<typeof fileWorkDone>>;
    try {
      // By its path: the browser reads the file, nothing goes through Playwright's protocol.
      await page.getByLabel('Choose an RDB file to analyze').setInputFiles(path, { timeout: 30_000 });
      work = await fileWorkDone(page, full ? 1_100_000 : 100_000);
    } finally {
      peaks = await heaps.stop();
    }
    const stats = await mainThreadStats(page);
    await expect(page.getByTestId('analysis-result')).toContainText(`dump.rdb: ${keys.toLocaleString('en-US')} keys`);
    const after = await heapsAfterGc(page);
    const memory = {
      peakPageMiB: mib(peaks.pageBytes),
      peakWorkersMiB: mib(peaks.workerBytes),
      peakPageWithBuffersMiB: mib(peaks.pageWithBuffersBytes),
      peakWorkersWithBuffersMiB: mib(peaks.workerWithBuffersBytes),
      heapSamples: peaks.samples,
      afterGcPageMiB: mib(after.pageBytes),
      afterGcWorkersMiB: mib(after.workerBytes.reduce((a, b) => a + b, 0)),
      workers: after.workerBytes.length,
    };
    results.analyze = { keys, valueBytes, bytes, analyzeMs: work.ms, progressUpdates: work.progressUpdates, mbPerSecond: Math.round(bytes / 1e3 / work.ms), ...memory, ...stats };
    console.log(`  Analyze of ${keys} keys (${(bytes / 1e6).toFixed(1)} MB) in the worker: ${work.ms} ms (${Math.round(bytes / 1e3 / work.ms)} MB/s), ${work.progressUpdates} progress updates, longest main-thread task ${stats.longestTaskMs} ms (${stats.longTasks} over 50 ms)`);
    console.log(`  JS heap peaks over ${peaks.samples} samples: page ${memory.peakPageMiB} MiB, workers ${memory.peakWorkersMiB} MiB (with array buffers: ${memory.peakPageWithBuffersMiB} / ${memory.peakWorkersWithBuffersMiB} MiB); after a GC: page ${memory.afterGcPageMiB} MiB, workers ${memory.afterGcWorkersMiB} MiB`);
    expect(peaks.samples).toBeGreaterThan(0);
    expect(after.workerBytes.length).toBeGreaterThan(0);
    // Constant memory: neither heap holds the file (the 1 GB target is 256 MiB each).
    expect(peaks.pageBytes).toBeLessThan(256 * 1024 * 1024);
    expect(peaks.workerBytes).toBeLessThan(256 * 1024 * 1024);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
