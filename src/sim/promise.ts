// What a configuration promises about acknowledged writes, and the judgement of one recovery
// against it. The bounds are Redis's documented ones plus the kernel's writeback timing.
import type { Config } from '../engine/config.js';
import type { CrashKind } from '../scenario/scenario.js';

/** everysec: "you can lose up to 2 seconds of writes". */
export const EVERYSEC_WINDOW_MS = 2_000;
/** appendfsync no: dirty_expire (30 s) plus one flusher interval (5 s). */
export const NO_FSYNC_WINDOW_MS = 35_000;

const n = (value: number) => value.toLocaleString('en-US');

export interface Judgement {
  held: boolean;
  verdict: string;
}

export interface RecoveryFacts {
  crash: CrashKind | 'none';
  /** Acknowledged writes the recovered data contains, or null when it is no prefix at all. */
  prefix: number | null;
  acknowledged: number;
  lostWindowMs: number;
  /** All prefix lengths equivalent to the recovered data (see PrefixAnalysis.feasible). */
  feasible: readonly [number, number][];
  /** Writes contained in the last snapshot that completed before the crash. */
  lastSnapshotSeq: number;
}

function contains(ranges: readonly [number, number][], n: number): boolean {
  return ranges.some(([lo, hi]) => lo <= n && n <= hi);
}

export interface PersistencePromise {
  policy: string;
  text: string;
  judge(facts: RecoveryFacts): Judgement;
}

export function promiseFor(config: Config): PersistencePromise {
  const aof = config.getBool('appendonly');
  const fsync = config.get('appendfsync');
  const saves = config.get('save').trim() !== '';
  const lost = (f: RecoveryFacts) => Math.max(0, f.acknowledged - (f.prefix ?? 0));
  const inconsistent = (f: RecoveryFacts): Judgement | null =>
    f.prefix === null ? { held: false, verdict: 'The recovered data is not the state after any prefix of the acknowledged writes.' } : null;
  const noLoss = (f: RecoveryFacts, why: string): Judgement =>
    lost(f) === 0 ? { held: true, verdict: `Every acknowledged write was recovered: ${why}.` } : { held: false, verdict: `${n(lost(f))} acknowledged writes were lost although ${why}.` };
  const window = (f: RecoveryFacts, limit: number, why: string): Judgement =>
    f.lostWindowMs <= limit
      ? { held: true, verdict: `${n(lost(f))} acknowledged writes from the last ${n(f.lostWindowMs)} ms were lost, within the ${n(limit)} ms ${why} allows.` }
      : { held: false, verdict: `Writes acknowledged ${n(f.lostWindowMs)} ms before the crash were lost, beyond the ${n(limit)} ms ${why} allows.` };

  if (aof) {
    const policy = `aof-${fsync}${saves ? '+rdb' : ''}`;
    return {
      policy,
      text:
        fsync === 'always'
          ? 'No acknowledged write is ever lost.'
          : fsync === 'everysec'
            ? 'A power loss loses at most ~2 s of writes; a process crash nothing, unless a busy disk held writes back (up to 2 s).'
            : 'A process crash loses nothing; a power loss what the kernel had not written back (~30 s).',
      judge(f) {
        const bad = inconsistent(f);
        if (bad) return bad;
        if (fsync === 'always') return noLoss(f, 'each write was fsynced before its reply');
        if (f.crash === 'none') return noLoss(f, 'shutdown writes and fsyncs the AOF');
        // everysec may hold aof_buf back behind a running fsync for up to 2 s, even from the kernel.
        if (f.crash === 'process') return fsync === 'everysec' && lost(f) > 0 ? window(f, EVERYSEC_WINDOW_MS, 'postponing writes behind a busy fsync') : noLoss(f, 'the kernel still had every written byte');
        return fsync === 'everysec' ? window(f, EVERYSEC_WINDOW_MS, 'appendfsync everysec') : window(f, NO_FSYNC_WINDOW_MS, 'kernel writeback');
      },
    };
  }
  return {
    policy: saves ? 'rdb' : 'none',
    text: saves ? 'What survives is the last completed snapshot; every write after it is lost.' : 'Nothing survives a restart, unless a snapshot was asked for by hand.',
    judge(f) {
      const bad = inconsistent(f);
      if (bad) return bad;
      if (f.crash === 'none' && saves) return noLoss(f, 'shutdown saves a final snapshot');
      if (contains(f.feasible, f.lastSnapshotSeq)) {
        return f.lastSnapshotSeq === 0
          ? { held: true, verdict: `All ${n(f.acknowledged)} acknowledged writes were lost, as promised: no snapshot had completed.` }
          : { held: true, verdict: `The last completed snapshot held ${n(f.lastSnapshotSeq)} writes; the ${n(f.acknowledged - f.lastSnapshotSeq)} after it were lost, as promised.` };
      }
      return { held: false, verdict: `Recovered ${n(f.prefix ?? 0)} writes, but the last completed snapshot held ${n(f.lastSnapshotSeq)}.` };
    },
  };
}

export function failoverPromise(linkDelayMs: number): string {
  return `A failover keeps every write the replica had received: at most the last ${linkDelayMs} ms (the link delay) is lost.`;
}

/** With a replica taking over: only what was still on the link (at most its delay) is lost. */
export function judgeFailover(f: RecoveryFacts, linkDelayMs: number): Judgement {
  if (f.prefix === null) return { held: false, verdict: 'The replica holds no prefix of the acknowledged writes.' };
  const lost = Math.max(0, f.acknowledged - f.prefix);
  if (lost === 0) return { held: true, verdict: 'The replica had received every acknowledged write: the failover lost nothing.' };
  return f.lostWindowMs <= linkDelayMs
    ? { held: true, verdict: `${n(lost)} acknowledged writes from the last ${n(f.lostWindowMs)} ms were still on the way to the replica (link delay ${n(linkDelayMs)} ms) and were lost.` }
    : { held: false, verdict: `Writes acknowledged ${n(f.lostWindowMs)} ms before the failover were lost, beyond the ${n(linkDelayMs)} ms link delay.` };
}
