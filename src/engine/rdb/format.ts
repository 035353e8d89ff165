// RDB opcodes, value types and limits (rdb.h), shared by the reader and the writer.

export const RDB_MAGIC = 'REDIS';
export const RDB_VERSION = 10;
/** Versions redis-server 7.0 loads. */
export const RDB_MIN_VERSION = 1;
/**
 * The newest version read for files brought from newer servers (analysis, `cli digest`, uploads):
 * 11 is what redis 7.2 writes, 12 what 7.4 writes. The lab's own paths stay at RDB_VERSION.
 */
export const RDB_NEWEST_READ_VERSION = 12;

export const OP = {
  /** 7.4, cluster mode: slot id, keys and expires in that slot (a sizing hint, skipped). */
  slotInfo: 0xf4,
  functionPreGa: 0xf6,
  function2: 0xf5,
  moduleAux: 0xf7,
  idle: 0xf8,
  freq: 0xf9,
  aux: 0xfa,
  resizeDb: 0xfb,
  expireTimeMs: 0xfc,
  expireTime: 0xfd,
  selectDb: 0xfe,
  eof: 0xff,
} as const;

export const TYPE = {
  string: 0,
  list: 1,
  set: 2,
  zset: 3,
  hash: 4,
  zset2: 5,
  module: 6,
  module2: 7,
  hashZipmap: 9,
  listZiplist: 10,
  setIntset: 11,
  zsetZiplist: 12,
  hashZiplist: 13,
  listQuicklist: 14,
  streamListpacks: 15,
  hashListpack: 16,
  zsetListpack: 17,
  listQuicklist2: 18,
  streamListpacks2: 19,
  // Redis 7.2 (RDB 11).
  setListpack: 20,
  streamListpacks3: 21,
  // Redis 7.4 (RDB 12): hashes with hash field expiration. The PRE_GA layouts (7.4 release
  // candidates) store absolute field TTLs and no minimum TTL before the value.
  hashMetadataPreGa: 22,
  hashListpackExPreGa: 23,
  hashMetadata: 24,
  hashListpackEx: 25,
} as const;

/** The value types redis-server 7.0 knows (rdbIsObjectType: 0–7 and 9–19). */
export const LAST_TYPE_OF_7_0 = TYPE.streamListpacks2;

export const TYPE_NAMES: Readonly<Record<number, string>> = Object.fromEntries(Object.entries(TYPE).map(([name, byte]) => [byte, name]));

/** Length-encoding prefixes (the top two bits of the first byte). */
export const LEN = { bits6: 0, bits14: 1, wide: 2, encoded: 3, bits32: 0x80, bits64: 0x81 } as const;
/** Special string encodings after an 0b11 prefix. */
export const ENC = { int8: 0, int16: 1, int32: 2, lzf: 3 } as const;

export const QUICKLIST_NODE_PLAIN = 1;
export const QUICKLIST_NODE_PACKED = 2;

/** What redis-server 7.0.15 writes as redis-ver. */
export const REDIS_VERSION = '7.0.15';
