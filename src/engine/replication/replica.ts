// A replica's side: it applies the primary's command stream to its own dataset, counts the
// replication offset it has processed, and resyncs after a disconnect with PSYNC — partially
// from the backlog when possible, else from a full RDB snapshot of the primary.
import { binToBytes, type Bin } from '../bytes.js';
import type { Client, Engine } from '../engine.js';
import { AofCommandReader } from '../aof/command-reader.js';
import { loadRdb } from '../rdb/reader.js';
import type { PsyncReply, ReplicationPrimary } from './primary.js';

export type LinkState = 'down' | 'up';

export class Replica {
  readonly client: Client;
  masterReplid = '?';
  /** slave_repl_offset: stream bytes processed, up to the end of the last whole command. */
  offset = 0;
  state: LinkState = 'down';
  fullSyncs = 0;
  partialSyncs = 0;
  private reader = new AofCommandReader();
  private unlink: (() => void) | null = null;
  /** Bytes sent by the primary and not yet delivered (the network), with when they were sent. */
  private inFlight: { bytes: Bin; at: number }[] = [];
  /** How long the network takes to deliver (virtual ms on the engine's clock). */
  linkDelayMs = 0;

  constructor(readonly engine: Engine) {
    this.client = engine.createClient();
    this.client.obeys = true;
  }

  /** Connects (or reconnects) to `primary` in the same process: PSYNC, then the live stream. */
  async connect(primary: ReplicationPrimary): Promise<'continue' | 'fullresync'> {
    const reply = primary.psync(this.masterReplid, this.offset + 1);
    this.unlink = primary.link((bytes) => this.inFlight.push({ bytes, at: this.engine.clock.now() }));
    return this.acceptPsync(reply);
  }

  /** Applies a PSYNC reply however it travelled (in-process, or over a worker's port). */
  async acceptPsync(reply: PsyncReply): Promise<'continue' | 'fullresync'> {
    this.state = 'up';
    if (reply.kind === 'continue') {
      this.partialSyncs++;
      this.apply(reply.bytes);
      return 'continue';
    }
    // Full resync: the primary's dataset as of now, then the stream from this offset.
    this.fullSyncs++;
    for (const db of this.engine.dbs) db.clear();
    const rdb = reply.rdb;
    async function* chunks() {
      yield* rdb;
    }
    await loadRdb(this.engine, chunks(), { file: 'full sync', keepExpired: true });
    this.masterReplid = reply.replid;
    this.offset = reply.offset;
    this.reader = new AofCommandReader(this.offset);
    this.client.db = 0;
    this.client.multi = null;
    return 'fullresync';
  }

  /** Stream bytes that arrived over a port (already delayed by the link). */
  receive(bytes: Bin): void {
    this.apply(bytes);
  }

  /** The link breaks: bytes still in the network are lost, the dataset stays. */
  disconnect(): void {
    this.unlink?.();
    this.unlink = null;
    this.inFlight = [];
    this.state = 'down';
    // A command cut in half by the disconnect is read again from the backlog or the snapshot.
    this.reader = new AofCommandReader(this.offset);
  }

  /** Delivers what the network has carried by `now` (everything, by default). */
  pump(now = Infinity): void {
    let delivered = 0;
    while (delivered < this.inFlight.length && this.inFlight[delivered]!.at + this.linkDelayMs <= now) delivered++;
    const arrived = this.inFlight.splice(0, delivered);
    for (const { bytes } of arrived) this.apply(bytes);
  }

  /** Bytes sent and not yet applied: the replication lag. */
  get lagBytes(): number {
    return this.inFlight.reduce((sum, entry) => sum + entry.bytes.length, 0);
  }

  private apply(bytes: Bin): void {
    if (bytes.length === 0) return;
    this.reader.push(binToBytes(bytes));
    for (;;) {
      const result = this.reader.next();
      if (result.kind !== 'command') break;
      this.engine.execute(this.client, result.argv);
      this.offset = result.end;
    }
  }
}
