// Lessons 1 and 2: why persist at all, and what snapshots keep.
import { DEFAULT_SCENARIO, withCrash } from '../../scenario/scenario.js';
import type { Lesson } from './lesson.js';
import { compare, crashedBy, execute, formatBytes, formatCount, formatLossWindow, formatMs, diskBytes, infoField, lostOf, pause, run } from './measure.js';

export const WHY_PERSIST: Lesson = {
  slug: 'why-persist',
  title: 'Why persist at all',
  question: 'What comes back after a restart when Redis keeps data only in memory?',
  scenario: withCrash({ ...DEFAULT_SCENARIO, preset: 'none' }, 9_700, 'process'),
  steps: [
    {
      title: 'Write, then restart',
      says: 'With persistence off, Redis keeps every key in memory and writes no file. The scenario acknowledges its writes, then the process dies and a fresh one starts from the disk.',
      action: 'Run and crash',
      see: { view: 'scenario', label: 'Open the run in Scenario' },
      async play(context) {
        const report = await run(context, context.scenario);
        return {
          measured: [
            { label: 'Acknowledged writes', value: formatCount(report.acknowledgedWrites) },
            { label: 'Recovered after the restart', value: formatCount(report.recoveredWrites) },
            { label: 'Files on disk', value: report.files.length === 0 ? 'none' : `${report.files.length} (${formatBytes(diskBytes(report))})` },
          ],
          verdict: { claim: 'Nothing written before the crash comes back.', held: report.recoveredWrites === 0 && report.acknowledgedWrites > 0 },
        };
      },
    },
    {
      title: 'Now on the live engine',
      says: 'The same happens to the engine running in this page. The workload writes for a few seconds, then the worker is killed as a crashed process would be, and a new one starts on the same storage.',
      action: 'Write, then kill the process',
      see: { view: 'play', label: 'Keep exploring in Play' },
      async play(context) {
        const { lab, call } = context;
        await lab.startWorkload();
        await pause(3_000, call.signal);
        await lab.crash('process');
        const outcome = lab.lastCrash;
        if (!outcome) throw new Error('The engine did not come back from the crash.');
        return {
          measured: [
            { label: 'Keys before the crash', value: formatCount(outcome.keysBefore) },
            { label: 'Keys after the restart', value: formatCount(outcome.keysAfter) },
            { label: 'Restart took', value: formatMs(outcome.replayMs) },
          ],
          verdict: { claim: 'Memory alone keeps nothing across a restart.', held: outcome.keysBefore > 0 && outcome.keysAfter === 0 },
        };
      },
    },
  ],
};

/** Four hours at two writes a second, a power loss forty minutes after the third hourly snapshot. */
const SNAPSHOT_SCENARIO = withCrash({ ...DEFAULT_SCENARIO, preset: 'rdb-1h', workload: { ...DEFAULT_SCENARIO.workload, rate: 2 }, durationMs: 4 * 3600_000 }, 3 * 3600_000 + 40 * 60_000 + 1_234, 'power');

export const SNAPSHOTS: Lesson = {
  slug: 'snapshots',
  title: 'Snapshots (RDB)',
  question: 'What does a snapshot cost to take, and what does a crash between snapshots take?',
  scenario: SNAPSHOT_SCENARIO,
  steps: [
    {
      title: 'SAVE blocks, BGSAVE forks',
      says: 'SAVE writes the whole dataset before it answers, so every client waits. BGSAVE answers at once and a forked child writes the file; pages the parent changes meanwhile are copied, which costs memory. This step fills the live engine, then times both.',
      action: 'Fill the engine, then SAVE and BGSAVE',
      see: { view: 'files', label: 'See dump.rdb in Files' },
      async play(context) {
        const { call } = context;
        await execute(context, 'DEBUG POPULATE 50000 lesson:snapshot 64');
        const keys = (await execute(context, 'DBSIZE')).replace(/\D/g, '');
        const saveStarted = performance.now();
        await execute(context, 'SAVE');
        const saveMs = performance.now() - saveStarted;
        const bgStarted = performance.now();
        await execute(context, 'BGSAVE');
        const replyMs = performance.now() - bgStarted;
        // Writes while the child runs: the parent copies the pages they touch.
        await execute(context, `MSET ${Array.from({ length: 2_000 }, (_, i) => `lesson:snapshot:${i} changed`).join(' ')}`);
        let info = await execute(context, 'INFO persistence');
        while (infoField(info, 'rdb_bgsave_in_progress') === '1') {
          await pause(50, call.signal);
          info = await execute(context, 'INFO persistence');
        }
        const childMs = performance.now() - bgStarted;
        const cow = Number(infoField(info, 'rdb_last_cow_size') ?? 0);
        return {
          measured: [
            { label: 'Keys in memory', value: formatCount(Number(keys)) },
            { label: 'SAVE answered after', value: formatMs(saveMs) },
            { label: 'BGSAVE answered after', value: formatMs(replyMs) },
            { label: 'The child finished after', value: formatMs(childMs) },
            { label: 'Copied on write while it ran', value: formatBytes(cow) },
          ],
          verdict: { claim: 'BGSAVE answers sooner than SAVE: the work moves to the child.', held: replyMs < saveMs },
        };
      },
    },
    {
      title: 'A crash between snapshots',
      says: 'With a save point of an hour, a snapshot completes every hour while anything changed. A power loss some time after the last one takes every write since it completed, and nothing before.',
      action: 'Run four hours and pull the plug',
      see: { view: 'scenario', label: 'Open the run in Scenario' },
      async play(context) {
        const report = await run(context, context.scenario);
        return {
          measured: [
            { label: 'Snapshots completed', value: formatCount(report.stats.snapshots) },
            { label: 'Writes in the last snapshot', value: formatCount(report.lastSnapshotWrites) },
            { label: 'Lost', value: lostOf(report) },
            { label: 'Loss window', value: formatLossWindow(report.lostWindowMs, report.lostWrites) },
          ],
          verdict: {
            claim: 'The crash takes exactly what came after the last completed snapshot.',
            held: report.promiseHeld && report.recoveredWrites === report.lastSnapshotWrites,
          },
        };
      },
    },
    {
      title: 'Compact, and quick to load',
      says: 'A snapshot holds each key once, however often it was written, so it is small and loads in one pass. The same writes under an AOF keep every command.',
      action: 'Compare the files',
      see: { view: 'files', label: 'Inspect the files' },
      async play(context) {
        const scenario = crashedBy(context.scenario, 'process');
        const [snapshot, aof] = await compare(context, scenario, ['rdb-1h', 'aof-everysec']);
        return {
          measured: [
            { label: 'Snapshot on disk', value: formatBytes(diskBytes(snapshot!.report)) },
            { label: 'AOF on disk', value: formatBytes(diskBytes(aof!.report)) },
            { label: 'Loading the snapshot took', value: formatMs(snapshot!.report.recoveryMs) },
            { label: 'Replaying the AOF took', value: formatMs(aof!.report.recoveryMs) },
          ],
          verdict: { claim: 'The snapshot is the smaller file.', held: diskBytes(snapshot!.report) < diskBytes(aof!.report) },
        };
      },
    },
  ],
};
