// The RDB codec persistence uses, built on the RDB reader and writer.
import { loadRdb } from '../rdb/reader.js';
import { rdbChunks } from '../rdb/writer.js';
import type { RdbCodec } from './codec.js';

export const rdbCodec: RdbCodec = {
  snapshot(engine, options) {
    return [...rdbChunks(engine.dbs, { ...options, functions: engine.functions.codes(), now: engine.clock.now(), usedMemory: engine.estimatedMemory() })];
  },
  async load(engine, file, chunks, options) {
    const report = await loadRdb(engine, chunks, { file, ...options });
    return report.bytes;
  },
};
