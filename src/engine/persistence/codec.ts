// How persistence reads and writes RDB bytes. The RDB module supplies the implementation; the
// server only needs a point-in-time serialisation (the "fork") and a streaming loader.
import type { Engine } from '../engine.js';
import type { RdbLoader } from '../aof/loader.js';

export interface RdbSaveOptions {
  /** Written as the aof-base AUX field: 1 inside an AOF base, 0 for dump.rdb. */
  aofBase: boolean;
  compression: boolean;
  checksum: boolean;
}

export interface RdbCodec {
  /** The whole dataset as RDB bytes, as of this instant (what a fork child would see). */
  snapshot(engine: Engine, options: RdbSaveOptions): Uint8Array[];
  load: RdbLoader;
}
