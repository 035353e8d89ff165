// The thresholds (redis.conf directives) that decide a collection's compact encoding.
export interface EncodingLimits {
  hashMaxListpackEntries: number;
  hashMaxListpackValue: number;
  setMaxIntsetEntries: number;
  zsetMaxListpackEntries: number;
  zsetMaxListpackValue: number;
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
  listMaxListpackSize: -2,
  listCompressDepth: 0,
};
