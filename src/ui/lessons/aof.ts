// Lessons 3 to 5: the append-only file and its fsync policies, rewriting it, and the hybrid file.
import { DEFAULT_SCENARIO, withCrash, type Scenario } from '../../scenario/scenario.js';
import type { Lesson } from './lesson.js';
import { compare, crashedBy, fileBytes, fileNames, formatBytes, formatCount, formatLossWindow, formatMs, latencyOf, lostOf, run, under, withEvents } from './measure.js';

const APPENDFSYNC_NO = 'appendonly yes\nappendfsync no\nsave ""';

export const AOF_FSYNC: Lesson = {
  slug: 'aof-fsync',
  title: 'The append-only file and fsync',
  question: 'What do always, everysec and no each keep through a process crash and a power loss, and what does always cost?',
  scenario: withCrash({ ...DEFAULT_SCENARIO, preset: 'aof-everysec' }, 9_700, 'power'),
  steps: [
    {
      title: 'always against everysec, on a power loss',
      says: 'Every write is appended to the AOF before its reply. With always, Redis also fsyncs before it answers; with everysec, a background fsync runs about once a second, so a power loss takes what the kernel still held.',
      action: 'Run both and cut the power',
      see: { view: 'compare', label: 'Compare all policies' },
      async play(context) {
        const [always, everysec] = await compare(context, crashedBy(context.scenario, 'power'), ['aof-always', 'aof-everysec']);
        return {
          measured: [
            { label: 'always lost', value: lostOf(always!.report) },
            { label: 'everysec lost', value: lostOf(everysec!.report) },
            { label: 'everysec loss window', value: formatLossWindow(everysec!.report.lostWindowMs, everysec!.report.lostWrites) },
          ],
          verdict: { claim: 'always loses nothing; everysec loses only its last moments, within its promise.', held: always!.report.lostWrites === 0 && everysec!.report.promiseHeld },
        };
      },
    },
    {
      title: 'A process crash is not a power loss',
      says: 'With appendfsync no, Redis never asks for an fsync and the kernel writes back when it likes. A crash of the Redis process loses nothing the kernel already has; a power loss takes everything it had not yet written to the disk.',
      action: 'Crash the process, then cut the power',
      async play(context) {
        const scenario = under(context.scenario, 'custom', APPENDFSYNC_NO);
        const process = await run(context, crashedBy(scenario, 'process'));
        const power = await run(context, crashedBy(scenario, 'power'));
        return {
          measured: [
            { label: 'Process crash lost', value: lostOf(process) },
            { label: 'Power loss lost', value: lostOf(power) },
            { label: 'fsyncs Redis asked for', value: formatCount(power.stats.fsyncs) },
          ],
          verdict: { claim: 'The process crash loses nothing; the power loss takes what was not on disk.', held: process.lostWrites === 0 && power.lostWrites > 0 },
        };
      },
    },
    {
      title: 'What always costs',
      says: 'An fsync waits for the disk. Redis groups the writes of one event-loop turn behind a single fsync, but under always no reply leaves before it, so clients wait and throughput falls once the disk is the bottleneck. Here fifty clients offer more writes than the disk can confirm one by one.',
      action: 'Offer a heavy load to both',
      see: { view: 'compare', label: 'Compare all policies' },
      async play(context) {
        const heavy: Scenario = { ...crashedBy(context.scenario, 'process'), durationMs: 1_000, events: [], workload: { ...context.scenario.workload, rate: 30_000 } };
        const [always, everysec] = await compare(context, heavy, ['aof-always', 'aof-everysec']);
        const a = always!.report;
        const e = everysec!.report;
        return {
          measured: [
            { label: 'always: acknowledged writes/s', value: `${formatCount(a.throughput)} writes/s` },
            { label: 'everysec: acknowledged writes/s', value: `${formatCount(e.throughput)} writes/s` },
            { label: 'Ack latency p50 / p99, always', value: latencyOf(a) },
            { label: 'Ack latency p50 / p99, everysec', value: latencyOf(e) },
            { label: 'fsyncs for how many writes, always', value: `${formatCount(a.stats.fsyncs)} for ${formatCount(a.acknowledgedWrites)}` },
          ],
          verdict: { claim: 'always acknowledges fewer writes per second than everysec, and each one later.', held: a.throughput < e.throughput && (a.latencyMs.p99 ?? 0) > (e.latencyMs.p99 ?? 0) },
        };
      },
    },
    {
      title: '“Between one and two seconds”',
      says: 'The Redis documentation says everysec can lose between one and two seconds of writes on a power loss, on average closer to one. The explorer crashes the same run at many instants and measures the loss window each time.',
      action: 'Crash it at many instants',
      see: { view: 'explore', label: 'Open the crash explorer' },
      async play(context) {
        const scenario: Scenario = { ...under(context.scenario, 'aof-everysec'), durationMs: 4_000, events: [] };
        const { points } = await context.lab.api.runs.explore(scenario, 12, context.call);
        const windows = points.filter((p) => p.crash === 'power').map((p) => p.lostWindowMs);
        const mean = windows.reduce((sum, w) => sum + w, 0) / Math.max(1, windows.length);
        const worst = Math.max(0, ...windows);
        return {
          measured: [
            { label: 'Power losses measured', value: formatCount(windows.length) },
            { label: 'Average loss window', value: formatMs(mean) },
            { label: 'Worst loss window', value: formatMs(worst) },
          ],
          verdict: { claim: 'Never more than two seconds lost, on average no more than one.', held: worst <= 2_000 && mean <= 1_000 },
        };
      },
    },
  ],
};

/** Counters and small collections written over and over: the log grows, the data does not. */
const REWRITE_SCENARIO: Scenario = { ...DEFAULT_SCENARIO, preset: 'aof-everysec', events: [], workload: { ...DEFAULT_SCENARIO.workload, keys: 20, mix: { set: 0, incr: 6, list: 1, hash: 1, sadd: 0, zadd: 0, del: 0 } } };

export const REWRITE: Lesson = {
  slug: 'rewrite',
  title: 'Rewrite and compaction',
  question: 'How does the AOF stop growing forever?',
  scenario: REWRITE_SCENARIO,
  steps: [
    {
      title: 'The log grows, the data does not',
      says: 'Counters incremented again and again add a command to the AOF each time, while the dataset keeps one small value per key.',
      action: 'Run the workload',
      see: { view: 'files', label: 'Inspect the files' },
      async play(context) {
        const report = await run(context, crashedBy(withEvents(context.scenario, []), 'process'));
        return {
          measured: [
            { label: 'Writes appended', value: formatCount(report.acknowledgedWrites) },
            { label: 'AOF on disk', value: formatBytes(fileBytes(report, '.incr.aof')) },
            { label: 'Files', value: fileNames(report) },
          ],
          verdict: { claim: 'Every write is in the log.', held: report.lostWrites === 0 && fileBytes(report, '.incr.aof') > 0 },
        };
      },
    },
    {
      title: 'BGREWRITEAOF',
      says: 'A rewrite forks a child that writes the current data as a new base file; writes after the fork go to a new incremental file, and the manifest switches to both at once. The history before the fork is gone.',
      action: 'Run the same with a rewrite near the end',
      see: { view: 'files', label: 'See the new base and the manifest' },
      async play(context) {
        const plain = withEvents(context.scenario, []);
        const near = Math.round(plain.durationMs * 0.9);
        const before = await run(context, crashedBy(plain, 'process'));
        const after = await run(context, crashedBy(withEvents(plain, [{ at: near, kind: 'bgrewriteaof' }]), 'process'));
        const bytesBefore = fileBytes(before, '.aof') + fileBytes(before, '.rdb');
        const bytesAfter = fileBytes(after, '.aof') + fileBytes(after, '.rdb');
        return {
          measured: [
            { label: 'AOF without a rewrite', value: formatBytes(bytesBefore) },
            { label: 'AOF after the rewrite', value: formatBytes(bytesAfter) },
            { label: 'Files now (listed in the manifest)', value: fileNames(after) },
            { label: 'Writes still recovered', value: `${formatCount(after.recoveredWrites)} of ${formatCount(after.acknowledgedWrites)}` },
          ],
          verdict: { claim: 'The rewritten files are smaller and rebuild the same data.', held: bytesAfter < bytesBefore && after.lostWrites === 0 && after.digest === before.digest },
        };
      },
    },
    {
      title: 'Automatic rewrites',
      says: 'Redis rewrites by itself when the AOF has grown by auto-aof-rewrite-percentage since the last rewrite and is at least auto-aof-rewrite-min-size. This step sets a small minimum so that it happens within the run.',
      action: 'Run with a small threshold',
      async play(context) {
        const config = [context.scenario.config, 'auto-aof-rewrite-min-size 16kb', 'auto-aof-rewrite-percentage 100'].filter(Boolean).join('\n');
        const report = await run(context, crashedBy(withEvents({ ...context.scenario, config }, []), 'process'));
        return {
          measured: [
            { label: 'Rewrites Redis started', value: formatCount(report.stats.rewrites) },
            { label: 'Files at the end', value: fileNames(report) },
            { label: 'Writes recovered', value: `${formatCount(report.recoveredWrites)} of ${formatCount(report.acknowledgedWrites)}` },
          ],
          verdict: { claim: 'The AOF was rewritten without anyone asking.', held: report.stats.rewrites > 0 },
        };
      },
    },
  ],
};

/** Many keys, then a rewrite, then a few more writes: a base file worth loading, and a tail. */
const HYBRID_SCENARIO: Scenario = {
  ...DEFAULT_SCENARIO,
  preset: 'aof-everysec',
  config: 'aof-use-rdb-preamble yes',
  durationMs: 2_000,
  workload: { ...DEFAULT_SCENARIO.workload, rate: 5_000, keys: 10_000, mix: { set: 1, incr: 0, list: 0, hash: 1, sadd: 1, zadd: 1, del: 0 } },
  events: [
    { at: 1_500, kind: 'bgrewriteaof' },
    { at: 1_990, kind: 'crash', crash: 'process' },
  ],
};

export const HYBRID: Lesson = {
  slug: 'hybrid',
  title: 'Hybrid persistence',
  question: 'What is in the AOF base file, and why does it load faster?',
  scenario: HYBRID_SCENARIO,
  steps: [
    {
      title: 'An RDB preamble, a RESP tail',
      says: 'With aof-use-rdb-preamble yes, a rewrite writes its base as an RDB snapshot; the writes after it are appended as commands to the incremental file.',
      action: 'Run, rewrite and restart',
      see: { view: 'files', label: 'Inspect the base file' },
      async play(context) {
        const report = await run(context, context.scenario);
        const base = report.files.find((f) => f.name.includes('.base.'));
        return {
          measured: [
            { label: 'Base file', value: base ? `${base.name.replace(/^appendonlydir\//, '')} (${formatBytes(base.bytes)})` : 'none' },
            { label: 'Tail of commands', value: formatBytes(fileBytes(report, '.incr.aof')) },
            { label: 'Writes recovered', value: `${formatCount(report.recoveredWrites)} of ${formatCount(report.acknowledgedWrites)}` },
          ],
          verdict: { claim: 'The base is an RDB file.', held: base?.name.endsWith('.rdb') === true },
        };
      },
    },
    {
      title: 'Against a pure command log',
      says: 'The same run with aof-use-rdb-preamble no writes the base as commands. Both rebuild the same data; the RDB base is denser and is read without parsing commands.',
      action: 'Run both and time the restart',
      async play(context) {
        const withPreamble = await run(context, { ...context.scenario, config: setPreamble(context.scenario.config, 'yes') });
        const withoutPreamble = await run(context, { ...context.scenario, config: setPreamble(context.scenario.config, 'no') });
        const baseOf = (r: typeof withPreamble) => r.files.find((f) => f.name.includes('.base.'))?.bytes ?? 0;
        return {
          measured: [
            { label: 'RDB base', value: formatBytes(baseOf(withPreamble)) },
            { label: 'Command base', value: formatBytes(baseOf(withoutPreamble)) },
            { label: 'Restart with the RDB base', value: formatMs(withPreamble.recoveryMs) },
            { label: 'Restart with the command base', value: formatMs(withoutPreamble.recoveryMs) },
          ],
          verdict: {
            claim: 'The RDB base is smaller and loads faster.',
            held: baseOf(withPreamble) < baseOf(withoutPreamble) && withPreamble.recoveryMs < withoutPreamble.recoveryMs && withPreamble.digest === withoutPreamble.digest,
          },
        };
      },
    },
  ],
};

function setPreamble(config: string, value: 'yes' | 'no'): string {
  return [...config.split('\n').filter((line) => line.trim() && !line.startsWith('aof-use-rdb-preamble')), `aof-use-rdb-preamble ${value}`].join('\n');
}
