// The live crash report: the workload counts its acknowledged writes with a counter kept in the
// same transaction as each write, so the recovered counter says exactly how many survived. The
// ack log remembers when each recent write was acknowledged and which key it wrote, which gives
// the loss window, the lost keys, and a judgement against the policy's promise.
import { type Config } from '../engine/index.js';
import type { CrashKind } from '../scenario/scenario.js';
import { failoverPromise, MAX_LOST_KEYS } from '../scenario/promises.js';
import { judgeFailover, promiseFor, type Judgement } from './promise.js';


/** The most recent acknowledgements, oldest first (parallel arrays travel cheaply to the UI). */
export interface RecentAcks {
  /** The counter value each write's transaction acknowledged. */
  seqs: number[];
  /** The server clock (ms) when each was acknowledged. */
  times: number[];
  keys: string[];
  /** Every `stride`-th acknowledgement older than those above, oldest first: when older writes were acknowledged. */
  checkpoints: { seqs: number[]; times: number[] };
  /** The log reaches back to this workload's first acknowledgement. */
  fromStart: boolean;
}

/**
 * A ring of the last `capacity` acknowledgements, and a coarser ring of every `stride`-th one
 * before them: memory stays bounded however long the run, and a crash that loses more writes
 * than the ring holds (no persistence, hourly snapshots, a very fast workload) still gets its
 * loss window, to within `stride` acknowledgements.
 */
export class AckLog {
  private readonly seqs: Float64Array;
  private readonly times: Float64Array;
  private readonly keys: string[];
  private readonly checkpointSeqs: Float64Array;
  private readonly checkpointTimes: Float64Array;
  private recorded = 0;
  private checkpointed = 0;

  constructor(
    readonly capacity = 65_536,
    readonly stride = 256,
    readonly checkpointCapacity = 32_768,
  ) {
    this.seqs = new Float64Array(capacity);
    this.times = new Float64Array(capacity);
    this.keys = new Array<string>(capacity).fill('');
    this.checkpointSeqs = new Float64Array(checkpointCapacity);
    this.checkpointTimes = new Float64Array(checkpointCapacity);
  }

  record(seq: number, at: number, key: string): void {
    const i = this.recorded % this.capacity;
    this.seqs[i] = seq;
    this.times[i] = at;
    this.keys[i] = key;
    if (this.recorded % this.stride === 0) {
      const c = this.checkpointed % this.checkpointCapacity;
      this.checkpointSeqs[c] = seq;
      this.checkpointTimes[c] = at;
      this.checkpointed++;
    }
    this.recorded++;
  }

  recent(): RecentAcks {
    const n = Math.min(this.recorded, this.capacity);
    const start = this.recorded - n;
    const out: RecentAcks = { seqs: [], times: [], keys: [], checkpoints: { seqs: [], times: [] }, fromStart: this.checkpointed <= this.checkpointCapacity };
    const firstInRing = n > 0 ? this.seqs[start % this.capacity]! : Infinity;
    for (let k = Math.max(0, this.checkpointed - this.checkpointCapacity); k < this.checkpointed; k++) {
      const c = k % this.checkpointCapacity;
      if (this.checkpointSeqs[c]! >= firstInRing) break;
      out.checkpoints.seqs.push(this.checkpointSeqs[c]!);
      out.checkpoints.times.push(this.checkpointTimes[c]!);
    }
    for (let k = start; k < this.recorded; k++) {
      const i = k % this.capacity;
      out.seqs.push(this.seqs[i]!);
      out.times.push(this.times[i]!);
      out.keys.push(this.keys[i]!);
    }
    return out;
  }
}

/** What the crashed process knew at the crash instant. */
export interface LiveCrashRecord {
  /** The workload counter as last acknowledged. */
  acked: number;
  /** The server clock at the crash. */
  crashAt: number;
  /** The counter inside the last snapshot that reached the disk (0: none). */
  lastSnapshotSeq: number;
  recent: RecentAcks;
}

export interface LiveCrashReport extends Judgement {
  promise: string;
  acknowledged: number;
  recovered: number;
  lost: number;
  /**
   * Server ms from the first lost acknowledged write to the crash (when the ack log knows that
   * write only by a checkpoint, from the checkpoint before it: at most `stride` writes longer).
   */
  lostWindowMs: number;
  /** Lost writes older than the ack log reaches: when there are any, the window is at least lostWindowMs. */
  lostBeforeLog: number;
  /** Those were acknowledged before this workload's server started (the log reaches back to its start). */
  lostBeforeStart: boolean;
  /** Keys of the lost writes, in the order they were written, each once (first 100). */
  lostKeys: string[];
}

/** What recovery is judged against: the restarted server's config, or a failover's link delay. */
export type LiveCrashTerms = { config: Config; crash: CrashKind } | { failoverLinkDelayMs: number };

export function judgeLiveCrash(record: LiveCrashRecord, recoveredCounter: number, terms: LiveCrashTerms): LiveCrashReport {
  const acknowledged = record.acked;
  const recovered = Math.min(recoveredCounter, acknowledged);
  const { seqs, times, keys, checkpoints, fromStart } = record.recent;
  const firstLost = seqs.findIndex((seq) => seq > recovered);
  const firstLostSeq = recovered + 1;
  let windowFrom: number | undefined = firstLost >= 0 ? times[firstLost] : undefined;
  let lostBeforeLog = 0;
  if (recovered < acknowledged && (seqs.length === 0 || seqs[0]! > firstLostSeq)) {
    // Older than the ring: the last checkpoint at or before the first lost write, else the oldest thing known.
    let c = checkpoints.seqs.length - 1;
    while (c >= 0 && checkpoints.seqs[c]! > firstLostSeq) c--;
    if (c >= 0) windowFrom = checkpoints.times[c];
    else {
      const oldestSeq = checkpoints.seqs[0] ?? seqs[0];
      windowFrom = checkpoints.times[0] ?? times[0];
      lostBeforeLog = oldestSeq === undefined ? acknowledged - recovered : oldestSeq - firstLostSeq;
    }
  }
  const lostWindowMs = windowFrom === undefined ? 0 : Math.max(0, Math.round(record.crashAt - windowFrom));
  const lostKeys: string[] = [];
  if (firstLost >= 0) {
    const seen = new Set<string>();
    for (let i = firstLost; i < keys.length && lostKeys.length < MAX_LOST_KEYS; i++) {
      if (seen.has(keys[i]!)) continue;
      seen.add(keys[i]!);
      lostKeys.push(keys[i]!);
    }
  }
  const facts = { prefix: recovered, acknowledged, lostWindowMs, feasible: [[recovered, recovered]] as [number, number][], lastSnapshotSeq: record.lastSnapshotSeq };
  let promise: string;
  let judged: Judgement;
  if ('config' in terms) {
    const policy = promiseFor(terms.config);
    promise = policy.text;
    judged = policy.judge({ ...facts, crash: terms.crash });
  } else {
    promise = failoverPromise(terms.failoverLinkDelayMs);
    judged = judgeFailover({ ...facts, crash: 'power' }, terms.failoverLinkDelayMs);
  }
  return { ...judged, promise, acknowledged, recovered, lost: acknowledged - recovered, lostWindowMs, lostBeforeLog, lostBeforeStart: lostBeforeLog > 0 && fromStart, lostKeys };
}
