// Lessons 6 to 8: the six options on one run, replication, and backups.
import { presetById, type PresetId } from '../../scenario/presets.js';
import { DEFAULT_SCENARIO, withCrash, type Scenario } from '../../scenario/scenario.js';
import type { Lesson } from './lesson.js';
import { compare, execute, formatBytes, formatCount, formatLossWindow, formatMs, lostOf, run } from './measure.js';

const SIX: readonly PresetId[] = ['none', 'aof-always', 'aof-everysec', 'rdb-1h', 'rdb-6h', 'rdb-12h'];

export const SIX_OPTIONS: Lesson = {
  slug: 'six-options',
  title: 'The six options side by side',
  question: 'On one workload and one crash, what does each option cost and keep?',
  scenario: withCrash({ ...DEFAULT_SCENARIO, preset: 'aof-everysec', workload: { ...DEFAULT_SCENARIO.workload, rate: 2 }, durationMs: 4 * 3600_000 }, 3 * 3600_000 + 40 * 60_000 + 1_234, 'power'),
  steps: [
    {
      title: 'One run, six policies',
      says: 'None, AOF on every write, AOF every second, and snapshots every one, six or twelve hours, on the same seeded writes and the same power loss. Change the workload or the crash in Scenario and play it again: the table is measured each time.',
      action: 'Run all six',
      see: { view: 'compare', label: 'Compare with the hybrid too' },
      async play(context) {
        const comparison = await compare(context, context.scenario, SIX);
        const best = comparison.reduce((a, b) => (b.report.lostWrites < a.report.lostWrites ? b : a));
        const always = comparison.find((c) => c.preset === 'aof-always')!.report;
        const none = comparison.find((c) => c.preset === 'none')!.report;
        return {
          measured: [
            { label: 'Fewest writes lost', value: `${formatCount(best.report.lostWrites)} (${presetById(best.preset)!.label})` },
            { label: 'AOF every write, fsyncs', value: formatCount(always.stats.fsyncs) },
            { label: 'None lost', value: lostOf(none) },
          ],
          verdict: { claim: 'Every option kept its own promise on this crash.', held: comparison.every((c) => c.report.promiseHeld) },
          comparison,
        };
      },
    },
  ],
};

const REPLICA_SCENARIO: Scenario = { ...withCrash({ ...DEFAULT_SCENARIO, preset: 'aof-everysec' }, 9_700, 'power'), replica: { linkDelayMs: 150 } };

export const REPLICATION: Lesson = {
  slug: 'replication',
  title: 'Replication: availability and durability',
  question: 'When the primary fails, what does a replica keep, and when is the disk read at all?',
  scenario: REPLICA_SCENARIO,
  steps: [
    {
      title: 'The replica takes over',
      says: 'A replica holds the data in its own memory, a little behind the primary. When the primary fails, the replica is promoted and serves at once; what was still on the link is lost, whatever the disk policy.',
      action: 'Fail the primary',
      see: { view: 'replication', label: 'Try it live in Replication & backups' },
      async play(context) {
        const linkDelayMs = context.scenario.replica?.linkDelayMs ?? 150;
        const report = await run(context, { ...context.scenario, replica: { linkDelayMs } });
        return {
          measured: [
            { label: 'Recovered from', value: report.recoveredFrom === 'replica' ? "the replica's memory" : 'the disk' },
            { label: 'Lost', value: lostOf(report) },
            { label: 'Loss window', value: formatLossWindow(report.lostWindowMs, report.lostWrites) },
            { label: 'Link delay', value: formatMs(linkDelayMs) },
          ],
          verdict: { claim: 'The data comes back from memory; only the writes still on the link are lost.', held: report.recoveredFrom === 'replica' && report.lostWindowMs <= linkDelayMs + 1 },
        };
      },
    },
    {
      title: 'Both lost: back to the disk',
      says: 'When the replica is lost with the primary, nothing remains in memory. Only then is the primary’s disk read, and its persistence policy decides what comes back.',
      action: 'Lose both',
      async play(context) {
        const linkDelayMs = context.scenario.replica?.linkDelayMs ?? 150;
        const report = await run(context, { ...context.scenario, replica: { linkDelayMs, lost: true } });
        return {
          measured: [
            { label: 'Recovered from', value: report.recoveredFrom === 'replica' ? "the replica's memory" : 'the disk' },
            { label: 'Lost', value: lostOf(report) },
            { label: 'Restart took', value: formatMs(report.recoveryMs) },
          ],
          verdict: { claim: 'The disk is read only when no replica survives.', held: report.recoveredFrom === 'disk' },
        };
      },
    },
  ],
};

export const BACKUPS: Lesson = {
  slug: 'backups',
  title: 'Snapshots and backups',
  question: 'What brings the data back when the whole machine is gone?',
  scenario: { ...DEFAULT_SCENARIO, preset: 'rdb-1h', events: [] },
  steps: [
    {
      title: 'Take a backup',
      says: 'A snapshot on the server’s own disk survives a crash but not the loss of the machine. A backup is a copy of a snapshot kept somewhere else; here, in a separate store of this browser.',
      action: 'Write keys and back up',
      see: { view: 'replication', label: 'See the backups' },
      async play(context) {
        await execute(context, 'DEBUG POPULATE 1000 lesson:backup 32');
        const entry = await context.lab.api.backups.take();
        return {
          measured: [
            { label: 'Backed up', value: `${formatCount(entry.keys)} keys` },
            { label: 'Backup size', value: formatBytes(entry.bytes) },
          ],
          verdict: { claim: 'The backup holds the live keys.', held: entry.keys > 0 },
        };
      },
    },
    {
      title: 'Disaster',
      says: 'Memory, the data disk and any replica are lost at once. The snapshot went with the disk.',
      action: 'Lose memory and disks',
      async play(context) {
        await context.lab.disaster();
        const outcome = context.lab.lastCrash;
        if (!outcome) throw new Error('The engine did not come back from the disaster.');
        return {
          measured: [
            { label: 'Keys before', value: formatCount(outcome.keysBefore) },
            { label: 'Keys after the restart', value: formatCount(outcome.keysAfter) },
          ],
          verdict: { claim: 'Nothing on the machine survives a disaster.', held: outcome.keysAfter === 0 },
        };
      },
    },
    {
      title: 'Restore',
      says: 'Restoring loads the backup as the new dataset. In production one restores beside the live server and switches clients over; here the live engine loads it in place.',
      action: 'Restore the newest backup',
      see: { view: 'play', label: 'Keep exploring in Play' },
      async play(context) {
        const backups = await context.lab.api.backups.list();
        const newest = backups.reduce<(typeof backups)[number] | null>((a, b) => (a === null || b.at > a.at ? b : a), null);
        if (!newest) throw new Error('There is no backup to restore: play the first step.');
        const { keys } = await context.lab.api.backups.restore(newest.name, context.call);
        const now = Number((await execute(context, 'DBSIZE')).replace(/\D/g, ''));
        return {
          measured: [
            { label: 'Keys in the backup', value: formatCount(newest.keys) },
            { label: 'Keys restored', value: formatCount(keys) },
            { label: 'Keys live now', value: formatCount(now) },
          ],
          verdict: { claim: 'The backup brought the data back after the disaster.', held: keys === newest.keys && now === keys },
        };
      },
    },
  ],
};
