// The RDB codec persistence uses, built on the RDB reader and writer; and the loader for files
// people bring from newer servers.
import type { RdbLoader } from '../aof/loader.js';
import { loadRdb } from '../rdb/reader.js';
import { rdbChunks } from '../rdb/writer.js';
import type { RdbCodec } from './codec.js';

export const rdbCodec: RdbCodec = {
  snapshot(engine, options) {
    return [...rdbCodec.snapshotOf({ dbs: engine.dbs, functions: engine.functions.codes(), now: engine.clock.now(), usedMemory: engine.estimatedMemory(), keyAccess: engine.keyAccessToSave() }, options)];
  },
  snapshotOf(dataset, options) {
    return rdbChunks(dataset.dbs, { ...options, functions: dataset.functions, now: dataset.now, usedMemory: dataset.usedMemory, keyAccess: dataset.keyAccess });
  },
  async load(engine, file, chunks, options) {
    const report = await loadRdb(engine, chunks, { file, ...options });
    return report.bytes;
  },
};

/**
 * Loads RDB 11 and 12 too (redis 7.2 and 7.4 files, and AOF bases they wrote): for `cli digest`
 * and the page's uploads. The server's own loading keeps rdbCodec, which refuses them as 7.0 does.
 */
export const newerRdbLoad: RdbLoader = async (engine, file, chunks, options) => (await loadRdb(engine, chunks, { file, ...options, newerFormats: true })).bytes;
