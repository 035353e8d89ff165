// The workload's connections as a scenario models them: writes arrive at the workload's rate,
// each on the next client in turn; a client sends up to `pipeline` writes before it waits for
// their replies, and a write it cannot send yet waits in its own queue. What has been sent waits
// for the server's next event-loop turn, in the order it was sent.

export interface SentWrite {
  client: number;
  argv: string[];
  /** Virtual ms the write arrived at its client: latency is measured from here. */
  arrivedAt: number;
}

export class ClientPool {
  private readonly inFlight: number[];
  private readonly waiting: { argv: string[]; arrivedAt: number }[][];
  private sent: SentWrite[] = [];
  private next = 0;

  constructor(
    readonly clients: number,
    readonly pipeline: number,
  ) {
    this.inFlight = new Array<number>(clients).fill(0);
    this.waiting = Array.from({ length: clients }, () => []);
  }

  /** A write arrives at the next client: sent now if its pipeline has room, else queued. */
  arrive(argv: string[], at: number): void {
    const client = this.next;
    this.next = (this.next + 1) % this.clients;
    if (this.inFlight[client]! < this.pipeline) {
      this.inFlight[client]!++;
      this.sent.push({ client, argv, arrivedAt: at });
    } else this.waiting[client]!.push({ argv, arrivedAt: at });
  }

  get hasSent(): boolean {
    return this.sent.length > 0;
  }

  /** Everything sent so far, for one turn. */
  takeSent(): SentWrite[] {
    const taken = this.sent;
    this.sent = [];
    return taken;
  }

  /** A reply reached `client`: its slot frees, and its next queued write is sent. */
  replied(client: number): void {
    this.inFlight[client]!--;
    const queued = this.waiting[client]!.shift();
    if (queued) {
      this.inFlight[client]!++;
      this.sent.push({ client, ...queued });
    }
  }
}

/**
 * Latencies in a fixed histogram (16 buckets per doubling, ~4% apart), so a week-long run keeps
 * a bounded memory and its quantiles are the same on every machine.
 */
export class LatencyHistogram {
  private readonly counts = new Map<number, number>();
  private total = 0;

  record(ms: number): void {
    const bucket = ms <= 0 ? 0 : Math.floor(Math.log2(ms * 1000 + 1) * 16) + 1;
    this.counts.set(bucket, (this.counts.get(bucket) ?? 0) + 1);
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
    for (const bucket of [...this.counts.keys()].sort((a, b) => a - b)) {
      seen += this.counts.get(bucket)!;
      if (seen >= rank) return bucket === 0 ? 0 : Math.round(2 ** (bucket / 16) - 1) / 1000;
    }
    return null;
  }
}
