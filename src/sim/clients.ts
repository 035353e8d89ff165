// The workload's connections as a scenario models them: writes arrive at the workload's rate,
// each on the next client in turn; a client sends up to `pipeline` writes before it waits for
// their replies, and a write it cannot send yet waits in its own queue. What has been sent waits
// for the server's next event-loop turn, in the order it was sent.

export interface SentWrite<C> {
  /** The connection it was sent on: a turn's command as the server takes it. */
  client: C;
  argv: string[];
  /** Which of the pool's clients, 0-based. */
  slot: number;
  /** Virtual ms the write arrived at its client: latency is measured from here. */
  arrivedAt: number;
}

export class ClientPool<C> {
  private readonly inFlight: number[];
  private readonly waiting: { argv: string[]; arrivedAt: number }[][];
  private sent: SentWrite<C>[] = [];
  /** The array the last turn took, reused by the next: a run takes one per turn. */
  private taken: SentWrite<C>[] = [];
  private next = 0;

  constructor(
    /** One connection per client. */
    private readonly connections: readonly C[],
    readonly pipeline: number,
  ) {
    this.inFlight = new Array<number>(connections.length).fill(0);
    this.waiting = Array.from({ length: connections.length }, () => []);
  }

  get clients(): number {
    return this.connections.length;
  }

  /** A write arrives at the next client: sent now if its pipeline has room, else queued. */
  arrive(argv: string[], at: number): void {
    const slot = this.next;
    this.next = slot + 1 === this.connections.length ? 0 : slot + 1;
    if (this.inFlight[slot]! < this.pipeline) {
      this.inFlight[slot]!++;
      this.sent.push({ client: this.connections[slot]!, argv, slot, arrivedAt: at });
    } else this.waiting[slot]!.push({ argv, arrivedAt: at });
  }

  get hasSent(): boolean {
    return this.sent.length > 0;
  }

  /** Everything sent so far, for one turn: the array is the pool's again at the next call. */
  takeSent(): SentWrite<C>[] {
    const taken = this.sent;
    // Emptied by pops, not `length = 0`, which would drop the array's storage: a run takes
    // one batch per turn, a million of them in a long run.
    while (this.taken.length > 0) this.taken.pop();
    this.sent = this.taken;
    this.taken = taken;
    return taken;
  }

  /** A reply reached the client in `slot`: its slot frees, and its next queued write is sent. */
  replied(slot: number): void {
    this.inFlight[slot]!--;
    const waiting = this.waiting[slot]!;
    if (waiting.length > 0) {
      const queued = waiting.shift()!;
      this.inFlight[slot]!++;
      this.sent.push({ client: this.connections[slot]!, argv: queued.argv, slot, arrivedAt: queued.arrivedAt });
    }
  }
}

/**
 * Latencies in a fixed histogram (16 buckets per doubling, ~4% apart), so a week-long run keeps
 * a bounded memory and its quantiles are the same on every machine.
 */
export class LatencyHistogram {
  /** Counts by bucket (an array: the bucket index is small and recording is per write). */
  private readonly counts: number[] = [];
  private total = 0;

  record(ms: number): void {
    const bucket = ms <= 0 ? 0 : Math.floor(Math.log2(ms * 1000 + 1) * 16) + 1;
    while (this.counts.length <= bucket) this.counts.push(0);
    this.counts[bucket]!++;
    this.total++;
  }

  get count(): number {
    return this.total;
  }

  /** The q-quantile in ms (the upper edge of its bucket, rounded to µs), or null when empty. */
  quantile(q: number): number | null {
    if (this.total === 0) return null;
    const rank = Math.max(1, Math.ceil(q * this.total));
    let seen = 0;
    for (let bucket = 0; bucket < this.counts.length; bucket++) {
      seen += this.counts[bucket]!;
      if (seen >= rank) return bucket === 0 ? 0 : Math.round(2 ** (bucket / 16) - 1) / 1000;
    }
    return null;
  }
}
