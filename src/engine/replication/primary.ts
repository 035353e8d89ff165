// A primary's side of replication: a replication ID, the command stream (what the AOF gets,
// SELECTs included) appended to the backlog and sent to every linked replica, and PSYNC:
// continue from the backlog when it still holds the replica's offset, else a full resync from
// an RDB snapshot taken now.
import type { Bin } from '../bytes.js';
import { randomBelow, type Rng } from '../clock.js';
import type { Engine, PropagatedCommand } from '../engine.js';
import { rdbChunks } from '../rdb/writer.js';
import { encodeCommand } from '../resp/encoder.js';
import { ReplicationBacklog } from './backlog.js';

export type PsyncReply = { kind: 'continue'; replid: string; bytes: Bin } | { kind: 'fullresync'; replid: string; offset: number; rdb: Uint8Array[] };

export class ReplicationPrimary {
  readonly replid: string;
  readonly backlog: ReplicationBacklog;
  private selectedDb = -1;
  private readonly links = new Set<(bytes: Bin) => void>();
  private readonly unsubscribe: () => void;

  constructor(
    private readonly engine: Engine,
    options: { backlogSize: number; rng: Rng },
  ) {
    this.replid = Array.from({ length: 40 }, () => '0123456789abcdef'[randomBelow(options.rng, 16)]).join('');
    this.backlog = new ReplicationBacklog(options.backlogSize);
    this.unsubscribe = engine.onPropagate((unit) => this.feed(unit));
  }

  get offset(): number {
    return this.backlog.offset;
  }

  /** Sends the stream to `deliver` from now on; returns the function that unlinks it. */
  link(deliver: (bytes: Bin) => void): () => void {
    this.links.add(deliver);
    return () => this.links.delete(deliver);
  }

  /** PSYNC replid offset, where offset is the first byte the replica lacks. */
  psync(replid: string, offset: number): PsyncReply {
    if (replid === this.replid) {
      const bytes = this.backlog.from(offset);
      if (bytes !== null) return { kind: 'continue', replid: this.replid, bytes };
    }
    // The replica's database selection is unknown after a full sync: the stream re-selects.
    this.selectedDb = -1;
    const rdb = [...rdbChunks(this.engine.dbs, { aofBase: false, compression: true, checksum: true, functions: this.engine.functions.codes(), now: this.engine.clock.now(), usedMemory: this.engine.estimatedMemory(), keyAccess: this.engine.keyAccessToSave() })];
    return { kind: 'fullresync', replid: this.replid, offset: this.backlog.offset, rdb };
  }

  close(): void {
    this.unsubscribe();
    this.links.clear();
  }

  private feed(unit: readonly PropagatedCommand[]): void {
    let bytes = '';
    for (const { db, argv } of unit) {
      if (db !== -1 && db !== this.selectedDb) {
        bytes += encodeCommand(['SELECT', String(db)]);
        this.selectedDb = db;
      }
      bytes += encodeCommand(argv);
    }
    this.backlog.append(bytes);
    for (const deliver of this.links) deliver(bytes);
  }
}
