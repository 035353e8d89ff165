// How persistence reads and writes RDB bytes. The RDB module supplies the implementation; the
// server only needs a point-in-time serialisation (the "fork") and a streaming loader.
import type { Engine } from '../engine.js';
import type { RdbLoader } from '../aof/loader.js';
import type { Bin } from '../bytes.js';
import type { KeyAccessSave } from '../keyspace/access.js';
import type { RdbSource } from '../rdb/writer.js';

export interface RdbSaveOptions {
  /** Written as the aof-base AUX field: 1 inside an AOF base, 0 for dump.rdb. */
  aofBase: boolean;
  compression: boolean;
  checksum: boolean;
}

/** A dataset as of one instant: what a fork child holds while the server goes on. */
export interface DatasetAtFork {
  readonly dbs: readonly RdbSource[];
  readonly functions: readonly Bin[];
  /** Unix ms of the fork (the file's ctime). */
  readonly now: number;
  readonly usedMemory: number;
  /** Under an LRU or LFU policy, what the file keeps of each key's access. */
  readonly keyAccess: KeyAccessSave | null;
}

export interface RdbCodec {
  /** The whole dataset as RDB bytes, as of this instant. */
  snapshot(engine: Engine, options: RdbSaveOptions): Uint8Array[];
  /** A dataset taken at a fork as RDB bytes, made chunk by chunk as the child writes them. */
  snapshotOf(dataset: DatasetAtFork, options: RdbSaveOptions): Iterable<Uint8Array>;
  load: RdbLoader;
}
