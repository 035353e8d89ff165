// Writes the dataset as an RDB version 10 file the way redis-server 7.0 does: AUX fields, per-db
// SELECTDB + RESIZEDB, ms expiries, compact encodings (listpack, intset, quicklist of listpacks)
// where the value has them, LZF for strings over 20 bytes when it saves space, the CRC-64 trailer.
// A generator of chunks: drain it before the dataset changes, as a fork child sees one instant.
import type { Bin } from '../bytes.js';
import type { KeyDict } from '../keyspace/key-dict.js';
import { savedAccess, type KeyAccessSave } from '../keyspace/access.js';
import { RawString, type HashValue, type ListValue, type RedisValue, type SetValue, type ZSetValue } from '../keyspace/values.js';
import { parseSmallInt, scoreText } from '../util/numbers.js';
import { Crc64 } from './crc64.js';
import { OP, QUICKLIST_NODE_PACKED, RDB_MAGIC, RDB_VERSION, REDIS_VERSION, TYPE } from './format.js';
import { encodeIntset } from './intset.js';
import { ListpackBuilder } from './listpack.js';
import { lzfCompress } from './lzf.js';
import { writeStream, type StreamRdbOutput } from './stream-codec.js';

export interface RdbWriteOptions {
  /** The aof-base AUX field: true inside an AOF base / preamble. */
  aofBase: boolean;
  /** rdbcompression: LZF for strings longer than 20 bytes. */
  compression: boolean;
  /** rdbchecksum: the CRC-64 trailer, or 8 zero bytes. */
  checksum: boolean;
  /** Unix ms of the save, written as ctime. */
  now: number;
  /** Written as used-mem. */
  usedMemory: number;
  /** Function libraries (their code), written as FUNCTION2 records before the databases. */
  functions?: readonly Bin[];
  /** Keys written so far and the total, after each chunk. */
  onProgress?: (keysDone: number, keysTotal: number) => void;
  /** Under an LRU or LFU policy: each key's IDLE or FREQ goes before it. */
  keyAccess?: KeyAccessSave | null;
}

const CHUNK_BYTES = 1 << 16;

/** A growable byte buffer with the RDB primitive encodings. */
class RdbOutput implements StreamRdbOutput {
  buf = new Uint8Array(CHUNK_BYTES * 2);
  length = 0;

  constructor(private readonly compression: boolean) {}

  private ensure(extra: number): void {
    if (this.length + extra <= this.buf.length) return;
    const grown = new Uint8Array(Math.max(this.buf.length * 2, this.length + extra));
    grown.set(this.buf.subarray(0, this.length));
    this.buf = grown;
  }

  byte(b: number): void {
    this.ensure(1);
    this.buf[this.length++] = b;
  }

  bytes(data: Uint8Array): void {
    this.ensure(data.length);
    this.buf.set(data, this.length);
    this.length += data.length;
  }

  private ascii(s: Bin): void {
    this.ensure(s.length);
    const buf = this.buf;
    let at = this.length;
    for (let i = 0; i < s.length; i++) buf[at++] = s.charCodeAt(i);
    this.length = at;
  }

  /** rdbSaveLen: the shortest of the 6-, 14-, 32- and 64-bit forms. */
  len(n: number): void {
    if (n < 64) this.byte(n);
    else if (n < 16384) {
      this.byte(0x40 | (n >> 8));
      this.byte(n & 0xff);
    } else if (n <= 0xffffffff) {
      this.byte(0x80);
      this.fixed(4, BigInt(n), false);
    } else {
      this.byte(0x81);
      this.fixed(8, BigInt(n), false);
    }
  }

  len64(n: bigint): void {
    if (n <= 0xffffffffn) this.len(Number(n));
    else {
      this.byte(0x81);
      this.fixed(8, n, false);
    }
  }

  fixed(width: number, value: bigint, littleEndian: boolean): void {
    this.ensure(width);
    const u = BigInt.asUintN(width * 8, value);
    for (let i = 0; i < width; i++) {
      const shift = BigInt(8 * (littleEndian ? i : width - 1 - i));
      this.buf[this.length + i] = Number((u >> shift) & 0xffn);
    }
    this.length += width;
  }

  float64(value: number): void {
    this.ensure(8);
    new DataView(this.buf.buffer).setFloat64(this.length, value, true);
    this.length += 8;
  }

  /** rdbSaveRawString: int form for canonical int32s, LZF when it pays, else plain. */
  string(s: Bin): void {
    if (s.length <= 11) {
      const v = parseSmallInt(s);
      if (v !== null && v >= -2147483648 && v <= 2147483647) {
        this.int32(v);
        return;
      }
    }
    if (this.compression && s.length > 20) {
      if (stringScratch.length < s.length) stringScratch = new Uint8Array(Math.max(s.length, 2 * stringScratch.length));
      for (let i = 0; i < s.length; i++) stringScratch[i] = s.charCodeAt(i);
      if (this.tryLzf(stringScratch.subarray(0, s.length))) return;
    }
    this.len(s.length);
    this.ascii(s);
  }

  /** A binary blob (listpack, intset) saved as a string. */
  blob(data: Uint8Array): void {
    if (this.compression && data.length > 20 && this.tryLzf(data)) return;
    this.len(data.length);
    this.bytes(data);
  }

  private tryLzf(raw: Uint8Array): boolean {
    const compressed = lzfCompress(raw, raw.length - 4);
    if (!compressed) return false;
    this.byte(0xc3);
    this.len(compressed.length);
    this.len(raw.length);
    this.bytes(compressed);
    return true;
  }

  /** rdbEncodeInteger's three widths, little-endian. */
  private int32(v: number): void {
    const width = v >= -128 && v <= 127 ? 1 : v >= -32768 && v <= 32767 ? 2 : 4;
    this.ensure(1 + width);
    this.buf[this.length++] = width === 1 ? 0xc0 : width === 2 ? 0xc1 : 0xc2;
    for (let i = 0; i < width; i++) this.buf[this.length++] = (v >> (8 * i)) & 0xff;
  }

  take(): Uint8Array {
    const out = this.buf.slice(0, this.length);
    this.length = 0;
    return out;
  }
}

/** What the writer reads of a database: a live one, or a fork child's frozen copy of its table. */
export interface RdbSource {
  readonly id: number;
  readonly dict: KeyDict;
  /** Keys' access fields (robj->lru), where they have their own. */
  readonly access?: { get(key: Bin): number | undefined };
}

/** The dataset as RDB bytes, in chunks of about 64 KiB. */
export function* rdbChunks(dbs: readonly RdbSource[], options: RdbWriteOptions): Generator<Uint8Array> {
  const out = new RdbOutput(options.compression);
  const crc = new Crc64();
  const keysTotal = dbs.reduce((sum, db) => sum + db.dict.size, 0);
  let keysDone = 0;
  const emit = (): Uint8Array => {
    const chunk = out.take();
    crc.update(chunk);
    options.onProgress?.(keysDone, keysTotal);
    return chunk;
  };

  for (const ch of `${RDB_MAGIC}${String(RDB_VERSION).padStart(4, '0')}`) out.byte(ch.charCodeAt(0));
  const aux = (key: string, value: string): void => {
    out.byte(OP.aux);
    out.string(key);
    out.string(value);
  };
  aux('redis-ver', REDIS_VERSION);
  aux('redis-bits', '64');
  aux('ctime', String(Math.floor(options.now / 1000)));
  aux('used-mem', String(options.usedMemory));
  aux('aof-base', options.aofBase ? '1' : '0');
  writeFunctions(out, options.functions ?? []);

  const keyAccess = options.keyAccess ?? null;
  for (const { id, dict, access } of dbs) {
    if (dict.size === 0) continue;
    out.byte(OP.selectDb);
    out.len(id);
    out.byte(OP.resizeDb);
    out.len(dict.size);
    out.len(dict.volatileCount);
    for (const [key, value, expire] of dict.entriesWithExpiry()) {
      if (expire !== undefined) {
        out.byte(OP.expireTimeMs);
        out.fixed(8, BigInt(expire), true);
      }
      if (keyAccess !== null) {
        const saved = savedAccess(access?.get(key) ?? keyAccess.fallback, keyAccess, options.now);
        if (keyAccess.lfu) {
          out.byte(OP.freq);
          out.byte(saved);
        } else {
          out.byte(OP.idle);
          out.len(saved);
        }
      }
      writeKey(out, key, value);
      keysDone++;
      if (out.length >= CHUNK_BYTES) yield emit();
    }
  }
  out.byte(OP.eof);
  const body = emit();
  yield body;
  yield options.checksum ? crc.digestBytes() : new Uint8Array(8);
}

/** rdbSaveFunctions: one FUNCTION2 opcode and the library's code per library. */
function writeFunctions(out: RdbOutput, codes: readonly Bin[]): void {
  for (const code of codes) {
    out.byte(OP.function2);
    out.string(code);
  }
}

/** FUNCTION DUMP's payload: the FUNCTION2 records, the RDB version (2 bytes LE), the CRC-64. */
export function functionDumpPayload(codes: readonly Bin[], compression: boolean): Uint8Array {
  const out = new RdbOutput(compression);
  writeFunctions(out, codes);
  out.fixed(2, BigInt(RDB_VERSION), true);
  return withCrc64(out.take());
}

function writeKey(out: RdbOutput, key: Bin, value: RedisValue): void {
  out.byte(valueType(value));
  out.string(key);
  writeValue(out, value);
}

/** rdbSaveObjectType: the type byte redis writes for the value as it is encoded now. */
export function valueType(value: RedisValue): number {
  if (typeof value === 'string' || value instanceof RawString) return TYPE.string;
  switch (value.type) {
    case 'list':
      return TYPE.listQuicklist2;
    case 'set':
      return value.encoding === 'intset' ? TYPE.setIntset : TYPE.set;
    case 'hash':
      return value.encoding === 'listpack' ? TYPE.hashListpack : TYPE.hash;
    case 'zset':
      return value.encoding === 'listpack' ? TYPE.zsetListpack : TYPE.zset2;
    case 'stream':
      return TYPE.streamListpacks2;
  }
}

/** rdbSaveObject: the value's bytes after its type byte. */
function writeValue(out: RdbOutput, value: RedisValue): void {
  if (typeof value === 'string' || value instanceof RawString) {
    out.string(typeof value === 'string' ? value : value.value);
    return;
  }
  switch (value.type) {
    case 'list':
      writeList(out, value);
      return;
    case 'set':
      writeSet(out, value);
      return;
    case 'hash':
      writeHash(out, value);
      return;
    case 'zset':
      writeZset(out, value);
      return;
    case 'stream':
      writeStream(out, value);
      return;
  }
}

/**
 * Where a value's string bytes and listpacks are made before they are copied into the file: one
 * buffer each for every key, not an allocation (and its growth) per key.
 */
let stringScratch = new Uint8Array(1 << 12);
const listpackScratch = new ListpackBuilder(1 << 12);

/** One listpack per quicklist node, as the list's nodes are in memory. */
function writeList(out: RdbOutput, list: ListValue): void {
  const nodes = list.items.nodeList();
  out.len(nodes.length);
  for (const node of nodes) {
    const lp = listpackScratch.reset();
    node.forEach((item) => lp.add(item));
    out.len(QUICKLIST_NODE_PACKED);
    out.blob(lp.finish());
  }
}

function writeSet(out: RdbOutput, set: SetValue): void {
  if (set.encoding === 'intset') {
    out.blob(encodeIntset(set.members));
    return;
  }
  out.len(set.members.size);
  for (const member of set.members) out.string(member);
}

/** A hash or zset as one listpack of pairs (types 16 and 17). */
function writePairsListpack(out: RdbOutput, pairs: Iterable<readonly [Bin, Bin]>): void {
  const lp = listpackScratch.reset();
  for (const [first, second] of pairs) {
    lp.add(first);
    lp.add(second);
  }
  out.blob(lp.finish());
}

function writeHash(out: RdbOutput, hash: HashValue): void {
  if (hash.encoding === 'listpack') {
    writePairsListpack(out, hash.fields);
    return;
  }
  out.len(hash.fields.size);
  for (const [field, value] of hash.fields) {
    out.string(field);
    out.string(value);
  }
}

function writeZset(out: RdbOutput, zset: ZSetValue): void {
  if (zset.encoding === 'listpack') {
    writePairsListpack(out, zset.ordered().map((e) => [e.member, scoreText(e.score)] as const));
    return;
  }
  // ZSET_2, from the highest score down, as Redis walks its skiplist from the tail.
  out.len(zset.size);
  for (let i = zset.sorted.length - 1; i >= 0; i--) {
    const { member, score } = zset.sorted[i]!;
    out.string(member);
    out.float64(score);
  }
}


/**
 * DUMP's payload (createDumpPayload): the type byte, the value, RDB version 10 (2 bytes,
 * little-endian) and the CRC-64 of all that (8 bytes, little-endian).
 */
export function dumpPayload(value: RedisValue, compression: boolean): Uint8Array {
  const out = new RdbOutput(compression);
  out.byte(valueType(value));
  writeValue(out, value);
  out.byte(RDB_VERSION & 0xff);
  out.byte(RDB_VERSION >> 8);
  return withCrc64(out.take());
}

/** rdbSavedObjectLen: how many bytes the value takes in an RDB (DEBUG OBJECT's serializedlength). */
export function serializedLength(value: RedisValue, compression: boolean): number {
  const out = new RdbOutput(compression);
  writeValue(out, value);
  return out.length;
}

/** A DUMP-style payload: the body, then its CRC-64 (as DUMP and FUNCTION DUMP end theirs). */
function withCrc64(body: Uint8Array): Uint8Array {
  const crc = new Crc64();
  crc.update(body);
  const payload = new Uint8Array(body.length + 8);
  payload.set(body);
  payload.set(crc.digestBytes(), body.length);
  return payload;
}
