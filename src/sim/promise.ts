// The judgement of one recovery against the promise its configuration makes (the table in
// scenario/promises.ts): held or broken, and why, in a sentence.
import { type Config } from '../engine/index.js';
import { PROMISES, policyLabel, policyOf, type LossBound } from '../scenario/promises.js';
import type { CrashKind } from '../scenario/scenario.js';
import { groupDigits } from '../scenario/words.js';

const n = groupDigits;

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
  const settings = { appendonly: config.getBool('appendonly'), appendfsync: config.get('appendfsync'), save: config.get('save') };
  const promise = PROMISES[policyOf(settings)];
  const snapshots = settings.save.trim() !== '';
  const lost = (f: RecoveryFacts) => Math.max(0, f.acknowledged - (f.prefix ?? 0));
  const noLoss = (f: RecoveryFacts, why: string): Judgement =>
    lost(f) === 0 ? { held: true, verdict: `Every acknowledged write was recovered: ${why}.` } : { held: false, verdict: `${n(lost(f))} acknowledged writes were lost although ${why}.` };
  const withinWindow = (f: RecoveryFacts, limit: number, why: string): Judgement =>
    f.lostWindowMs <= limit
      ? { held: true, verdict: `${n(lost(f))} acknowledged writes from the last ${n(f.lostWindowMs)} ms were lost, within the ${n(limit)} ms ${why} allows.` }
      : { held: false, verdict: `Writes acknowledged ${n(f.lostWindowMs)} ms before the crash were lost, beyond the ${n(limit)} ms ${why} allows.` };
  const sinceSnapshot = (f: RecoveryFacts): Judgement => {
    if (!contains(f.feasible, f.lastSnapshotSeq)) return { held: false, verdict: `Recovered ${n(f.prefix ?? 0)} writes, but the last completed snapshot held ${n(f.lastSnapshotSeq)}.` };
    return f.lastSnapshotSeq === 0
      ? { held: true, verdict: `All ${n(f.acknowledged)} acknowledged writes were lost, as promised: no snapshot had completed.` }
      : { held: true, verdict: `The last completed snapshot held ${n(f.lastSnapshotSeq)} writes; the ${n(f.acknowledged - f.lastSnapshotSeq)} after it were lost, as promised.` };
  };
  const judgeBound = (f: RecoveryFacts, bound: LossBound, nothingBecause: string): Judgement => {
    if (bound.kind === 'since-snapshot') return sinceSnapshot(f);
    if (bound.kind === 'nothing' || lost(f) === 0) return noLoss(f, nothingBecause);
    return withinWindow(f, bound.ms, bound.because);
  };
  return {
    policy: policyLabel(settings),
    text: promise.text,
    judge(f) {
      if (f.prefix === null) return { held: false, verdict: 'The recovered data is not the state after any prefix of the acknowledged writes.' };
      if (f.crash === 'none') {
        if (settings.appendonly) return noLoss(f, 'shutdown writes and fsyncs the AOF');
        return snapshots ? noLoss(f, 'shutdown saves a final snapshot') : sinceSnapshot(f);
      }
      if (promise.policy === 'aof-always') return noLoss(f, 'each write was fsynced before its reply');
      return f.crash === 'process' ? judgeBound(f, promise.processCrash, 'the kernel still had every written byte') : judgeBound(f, promise.powerLoss, 'every write had reached the disk');
    },
  };
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
