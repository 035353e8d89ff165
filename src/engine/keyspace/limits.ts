// The thresholds (redis.conf directives) that decide a value's compact encoding.
export interface EncodingLimits {
  hashMaxListpackEntries: number;
  hashMaxListpackValue: number;
  setMaxIntsetEntries: number;
  zsetMaxListpackEntries: number;
  zsetMaxListpackValue: number;
  /** stream-node-max-bytes / -entries: when XADD starts a new listpack node (0 = no limit). */
  streamNodeMaxBytes: number;
  streamNodeMaxEntries: number;
  /** The largest sparse HyperLogLog (header included) before PFADD makes it dense. */
  hllSparseMaxBytes: number;
  /** list-max-listpack-size: a quicklist node's size in bytes (-1 … -5) or entries (> 0). */
  listMaxListpackSize: number;
  /** list-compress-depth: quicklist nodes left uncompressed at each end (0: none compressed). */
  listCompressDepth: number;
}

/** Defaults as redis-server 7.0.15 from Debian reports them with `CONFIG GET`. */
export const DEFAULT_LIMITS: EncodingLimits = {
  hashMaxListpackEntries: 512,
  hashMaxListpackValue: 64,
  setMaxIntsetEntries: 512,
  zsetMaxListpackEntries: 128,
  zsetMaxListpackValue: 64,
  streamNodeMaxBytes: 4096,
  streamNodeMaxEntries: 100,
  hllSparseMaxBytes: 3000,
  listMaxListpackSize: -2,
  listCompressDepth: 0,
};
