// Why a recovery came out as it did, in plain English, from the same facts the verdict is judged
// on — one storyteller for every way data comes back (the primary's disk, a replica's memory,
// both lost), so a report never says two different things.
import type { CrashKind } from '../scenario/scenario.js';
import { formatCount, formatDuration } from '../scenario/words.js';

export interface StoryFacts {
  crash: CrashKind | 'none';
  /** Virtual ms from the start of the run. */
  crashAt: number;
  lost: number;
  acknowledged: number;
  firstLostAt: number | null;
  lastFsyncAt: number | null;
  lastSnapshotAt: number | null;
  aof: boolean;
  promise: string;
  recoveryError: string | null;
  /** Where the data came back from; a replica that took over, or one lost with the primary. */
  recoveredFrom: 'disk' | 'replica';
  replica: { linkDelayMs: number; lost: boolean } | null;
}

const at = (ms: number) => `${formatDuration(ms)} in`;

export function explain(f: StoryFacts): string {
  const ending = f.crash === 'none' ? 'a clean shutdown' : f.crash === 'process' ? 'a process crash' : f.crash === 'torn' ? 'a power loss that tore the last write' : 'a power loss';
  const parts = [`The run ended with ${ending}, ${at(f.crashAt)}.`];
  if (f.recoveryError !== null) {
    parts.push(`The restarted server refused to load its files (${f.recoveryError}), so none of the ${formatCount(f.acknowledged)} acknowledged writes came back until the files are repaired.`);
  } else if (f.recoveredFrom === 'replica') {
    parts.push(`The replica took over from its memory; no disk was read.`);
    parts.push(
      f.lost === 0
        ? 'It had received every acknowledged write.'
        : `The ${formatCount(f.lost)} writes acknowledged in the last ${formatDuration(f.crashAt - (f.firstLostAt ?? f.crashAt))} were still on the link (delay ${formatCount(f.replica?.linkDelayMs ?? 0)} ms), so they were lost.`,
    );
  } else {
    if (f.replica?.lost) parts.push('The replica was lost with the primary, so the data came back from the primary’s disk.');
    if (f.aof) {
      if (f.lastFsyncAt !== null) parts.push(`The last fsync of the AOF completed ${at(f.lastFsyncAt)}.`);
      if (f.lost === 0) parts.push(f.crash === 'process' ? 'Every acknowledged write had been handed to the kernel, which still wrote it to disk.' : 'Every acknowledged write was on disk.');
      else parts.push(`The ${formatCount(f.lost)} writes acknowledged from ${formatDuration(f.firstLostAt ?? f.crashAt)} on ${f.crash === 'process' ? 'were still waiting in the AOF buffer behind a busy fsync' : 'were only in the page cache when the power went'}, so they were lost.`);
    } else if (f.lastSnapshotAt !== null) {
      parts.push(`The last snapshot to complete was taken ${at(f.lastSnapshotAt)}; recovery starts from it${f.lost > 0 ? `, so the ${formatCount(f.lost)} writes acknowledged after it were lost` : ''}.`);
    } else {
      parts.push(f.lost > 0 ? `No snapshot had completed, so all ${formatCount(f.lost)} acknowledged writes were lost.` : 'Nothing had to be recovered.');
    }
  }
  parts.push(`The promise: ${f.promise}`);
  return parts.join(' ');
}
