// Streams an RDB file (versions 1–10, everything redis-server 7.0 loads; with `newerFormats`
// also 11 and 12, what redis 7.2 and 7.4 write) into an engine.
// Each top-level record is parsed from a buffer and committed only once complete; when the
// buffer runs dry the record is parsed again after a refill that at least doubles what is held,
// so chunk boundaries cost O(n) overall and a hostile length never allocates more than the file.
import { binToBytes, bytesToBin, type Bin } from '../bytes.js';
import type { Engine } from '../engine.js';
import { unixMs, type UnixMs } from '../keyspace/database.js';
import { PACKED_MAX_ENTRIES } from '../keyspace/packed.js';
import type { QuicklistNode } from '../keyspace/quicklist.js';
import { ListValue, listOptions, ZSetValue, type RedisValue, type ZEntry } from '../keyspace/values.js';
import { LoadError, type Cancellation } from '../load-error.js';
import { quoteRepr } from '../resp/repr.js';
import { parseStrtod } from '../util/numbers.js';
import { Crc64 } from './crc64.js';
import { ENC, LAST_TYPE_OF_7_0, OP, QUICKLIST_NODE_PACKED, QUICKLIST_NODE_PLAIN, RDB_MAGIC, RDB_MIN_VERSION, RDB_NEWEST_READ_VERSION, RDB_VERSION, TYPE, TYPE_NAMES } from './format.js';
import { decodeIntset } from './intset.js';
import { decodeListpack } from './listpack.js';
import { lzfInflate } from './lzf.js';
import { hashOf, readHashWithFieldTtls, readSetListpack, setOf } from './newer-types.js';
import { bigHash, bigSet, intsetSet, listpackHash, listpackNode, smallSet } from './packed-values.js';
import { bigZset, listpackZset } from './packed-zsets.js';
import { readStream } from './stream-codec.js';
import { decodeZiplist, decodeZipmap } from './ziplist.js';

export interface RdbLoadOptions {
  /** Named in errors. */
  file?: string;
  signal?: Cancellation;
  /** Bytes consumed so far. */
  onProgress?: (bytes: number) => void;
  /** Awaited between chunks, so a worker can take messages (a cancel) during a long load. */
  breathe?: () => Promise<void>;
  /** An AOF base keeps keys whose time has passed; a primary loading dump.rdb drops them. */
  keepExpired?: boolean;
  /** RDBFLAGS_ALLOW_DUP (DEBUG RELOAD MERGE): a key already there is replaced, not an error. */
  allowDuplicates?: boolean;
  /** The file inspector: each record's byte range and what it is, in plain words. */
  onRecord?: (start: number, end: number, what: string) => void;
  /**
   * Analysis: each key is handed over here instead of being stored (expired ones included), so
   * a file of any size passes through holding one value at a time. `newer` says what a 7.2/7.4
   * file records that the lab's value does not hold.
   */
  onKey?: (db: number, key: Bin, value: RedisValue, expire: UnixMs | null, newer?: NewerKeyInfo) => void;
  /**
   * Also read RDB 11 and 12 (redis 7.2 and 7.4): for files people bring from newer servers
   * (analysis, `cli digest`, uploads). Where the lab is redis-server 7.0 (its data dir, DEBUG
   * RELOAD, RESTORE, replication) this stays off and those files are refused as 7.0 refuses them.
   * A hash whose fields have TTLs (7.4) cannot be loaded, only analysed.
   */
  newerFormats?: boolean;
}

/** What a key in a 7.2/7.4 file records beyond the lab's 7.0 value (for analysis). */
export interface NewerKeyInfo {
  /** The file's encoding where the lab's value cannot have it: a set stored as a listpack. */
  encoding?: 'listpack';
  /** Hash fields with a TTL (7.4 hash field expiration); the lab's hash has no field TTLs. */
  fieldTtls?: number;
}

export interface RdbLoadReport {
  version: number;
  /** Bytes of the RDB, checksum included (an AOF preamble's RESP tail starts here). */
  bytes: number;
  keys: number;
  expiredDropped: number;
  emptyDropped: number;
  aux: Record<string, Bin>;
  checksum: 'verified' | 'disabled' | 'none';
  /** What was skipped and why (module aux data). */
  notes: string[];
}

/** Scratch for binaryDouble: the platform's byte order decides how the file's bytes go in. */
const DOUBLE = new Float64Array(1);
const DOUBLE_BYTES = new Uint8Array(DOUBLE.buffer);
const BIG_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 0;
const NEED_MORE = Symbol('need more bytes');
/** LZF turns at most 3 input bytes into 264 output bytes. */
const LZF_MAX_RATIO = 88;
const MIN_REFILL = 1 << 16;

class Cursor {
  buf: Uint8Array = new Uint8Array(0);
  pos = 0;
  /** File offset of buf[0]. */
  base = 0;
  eof = false;

  constructor(readonly file: string) {}

  get offset(): number {
    return this.base + this.pos;
  }

  fail(reason: string, offset = this.offset): never {
    throw new LoadError(this.file, offset, reason);
  }

  need(n: number, what: string): void {
    if (this.pos + n <= this.buf.length) return;
    if (!this.eof) throw NEED_MORE;
    const end = this.base + this.buf.length;
    // Redis's words (rdbLoad's eoferr, then rdbReportReadError), then where it happened.
    this.fail(`Short read or OOM loading DB (Unexpected EOF reading RDB file): ${end === 0 ? 'the file is empty' : `the file ends at byte ${end} but ${what} needs ${n} bytes here`}`);
  }

  u8(what: string): number {
    this.need(1, what);
    return this.buf[this.pos++]!;
  }

  take(n: number, what: string): Uint8Array {
    this.need(n, what);
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  view(n: number, what: string): DataView {
    const bytes = this.take(n, what);
    return new DataView(bytes.buffer, bytes.byteOffset, n);
  }

  /** Whether the last `length()` read a special string encoding (0b11 prefix) rather than a length. */
  encoded = false;

  /**
   * rdbLoadLen: the length, or for 0b11 prefixes the special encoding number (then `encoded` is
   * true). A number and a flag rather than an object: a load reads millions of lengths.
   */
  length(what: string): number {
    const at = this.offset;
    const b = this.u8(what);
    const kind = b >> 6;
    this.encoded = kind === 3;
    if (kind === 0 || kind === 3) return b & 0x3f;
    if (kind === 1) return ((b & 0x3f) << 8) | this.u8(what);
    if (b === 0x80) return this.view(4, what).getUint32(0, false);
    if (b === 0x81) return Number(this.view(8, what).getBigUint64(0, false));
    return this.fail(`Unknown length encoding 0x${b.toString(16)} in ${what}`, at);
  }

  /** rdbLoadLen as the full uint64 (stream IDs and counters). */
  length64(what: string): bigint {
    const at = this.offset;
    const b = this.buf[this.pos];
    if (b === 0x81) {
      this.pos++;
      return this.view(8, what).getBigUint64(0, false);
    }
    const value = this.length(what);
    if (this.encoded) this.fail(`${what}: expected a length, found a string encoding`, at);
    return BigInt(value);
  }

  plainLength(what: string): number {
    const at = this.offset;
    const value = this.length(what);
    if (this.encoded) this.fail(`${what}: expected a length, found a string encoding`, at);
    return value;
  }

  /** A string as bytes (rdbGenericLoadStringObject). */
  blob(what: string): Uint8Array {
    return this.readBlob(what);
  }

  /**
   * The same, for a caller done with the bytes before its next read: a compressed string is
   * inflated into a buffer the next such read reuses (most small collections in a dump are).
   */
  transientBlob(what: string): Uint8Array {
    this.transientRange(what);
    return this.rangeBytes.subarray(this.rangeStart, this.rangeEnd);
  }

  private inflated = new Uint8Array(4096);
  /** Where transientRange left the string: bytes [rangeStart, rangeEnd) of rangeBytes. */
  rangeBytes: Uint8Array = this.inflated;
  rangeStart = 0;
  rangeEnd = 0;

  /**
   * transientBlob without making a view: the bytes are left at rangeBytes[rangeStart, rangeEnd),
   * either in the file's buffer or in the reused inflate buffer (200,000 small collections
   * would otherwise make 200,000 views for the garbage collector).
   */
  transientRange(what: string): void {
    const at = this.offset;
    const value = this.length(what);
    if (!this.encoded) {
      this.need(value, what);
      this.rangeBytes = this.buf;
      this.rangeStart = this.pos;
      this.rangeEnd = this.pos += value;
      return;
    }
    let length: number;
    if (value === ENC.lzf) {
      const compressed = this.plainLength(what);
      length = this.plainLength(what);
      if (length > compressed * LZF_MAX_RATIO + 32) this.fail(`Invalid LZF compressed string: ${compressed} bytes cannot expand to ${length}`, at);
      this.need(compressed, what);
      if (length > this.inflated.length) this.inflated = new Uint8Array(Math.max(length, 2 * this.inflated.length));
      const problem = lzfInflate(this.buf, this.pos, this.pos + compressed, this.inflated, length);
      if (problem !== null) this.fail(`Invalid LZF compressed string: ${problem}`, at);
      this.pos += compressed;
    } else {
      const text = this.intString(value, what, at);
      length = text.length;
      for (let i = 0; i < length; i++) this.inflated[i] = text.charCodeAt(i);
    }
    this.rangeBytes = this.inflated;
    this.rangeStart = 0;
    this.rangeEnd = length;
  }

  private readBlob(what: string): Uint8Array {
    this.transientRange(what);
    // A plain string stays a view of the file's buffer; an inflated one leaves the reused buffer.
    const { rangeBytes, rangeStart, rangeEnd } = this;
    return rangeBytes === this.buf ? rangeBytes.subarray(rangeStart, rangeEnd) : rangeBytes.slice(rangeStart, rangeEnd);
  }

  /**
   * A string stored as plain bytes (not as an integer or LZF): reads it and returns where its
   * bytes start (they end at `pos`); -1, reading nothing, for the other encodings.
   */
  plainString(what: string): number {
    this.need(1, what);
    const buf = this.buf;
    const b = buf[this.pos]!;
    let header = 1;
    let n = b;
    if (b >= 0x40) {
      if (b < 0x80) {
        this.need(2, what);
        header = 2;
        n = ((b & 0x3f) << 8) | buf[this.pos + 1]!;
      } else if (b === 0x80 || b === 0x81) {
        header = b === 0x80 ? 5 : 9;
        this.need(header, what);
        const view = new DataView(buf.buffer, buf.byteOffset + this.pos + 1, header - 1);
        n = b === 0x80 ? view.getUint32(0, false) : Number(view.getBigUint64(0, false));
      } else return -1;
    }
    this.need(header + n, what);
    const start = this.pos + header;
    this.pos = start + n;
    return start;
  }

  string(what: string): Bin {
    const at = this.offset;
    const b = this.buf[this.pos];
    // Fast paths for the common plain and integer forms.
    if (b !== undefined && b < 0x40) {
      this.pos++;
      this.need(b, what);
      const s = bytesToBin(this.buf, this.pos, this.pos + b);
      this.pos += b;
      return s;
    }
    if (b !== undefined && b >= 0xc0 && b <= 0xc2) {
      this.pos++;
      return this.intString(b & 0x3f, what, at);
    }
    this.transientRange(what);
    return bytesToBin(this.rangeBytes, this.rangeStart, this.rangeEnd);
  }

  private intString(encoding: number, what: string, at: number): Bin {
    if (encoding === ENC.int8) return String((this.u8(what) << 24) >> 24);
    if (encoding === ENC.int16) return String(this.view(2, what).getInt16(0, true));
    if (encoding === ENC.int32) return String(this.view(4, what).getInt32(0, true));
    return this.fail(`Unknown RDB string encoding type ${encoding} in ${what}`, at);
  }

  /** A little-endian IEEE double (ZSET_2 scores), read without a DataView per score. */
  binaryDouble(what: string): number {
    this.need(8, what);
    const buf = this.buf;
    const at = this.pos;
    if (BIG_ENDIAN) for (let i = 0; i < 8; i++) DOUBLE_BYTES[7 - i] = buf[at + i]!;
    else for (let i = 0; i < 8; i++) DOUBLE_BYTES[i] = buf[at + i]!;
    this.pos = at + 8;
    return DOUBLE[0]!;
  }

  /** rdbLoadDoubleValue: a length byte, then that much text; 253 NaN, 254 +inf, 255 -inf. */
  textDouble(what: string): number {
    const at = this.offset;
    const n = this.u8(what);
    if (n === 253) return NaN;
    if (n === 254) return Infinity;
    if (n === 255) return -Infinity;
    const text = bytesToBin(this.take(n, what));
    const value = parseStrtod(text);
    return value ?? this.fail(`${what}: ${quoteRepr(text)} is not a number`, at);
  }
}

/** One function library record (after its opcode): FUNCTION2's code, or the 7.0-rc layout. */
function readFunctionRecord(c: Cursor, opcode: number): Bin {
  if (opcode === OP.function2) return c.string('a function library');
  const name = c.string('a function library name');
  const engine = c.string('a function engine name');
  if (c.plainLength('a function description flag')) c.string('a function description');
  // rdbFunctionLoad turns the old layout into a payload with a shebang.
  return `#!${engine} name=${name}\n${c.string('a function library body')}`;
}

/** FUNCTION RESTORE's payload (checksum already verified) as library codes, or why not. */
export function parseFunctionPayload(payload: Uint8Array): Bin[] | string {
  const c = new Cursor('payload');
  c.buf = payload;
  c.eof = true;
  const codes: Bin[] = [];
  try {
    while (payload.length - c.pos > 10) {
      const type = c.u8('a type');
      if (type !== OP.function2 && type !== OP.functionPreGa) return 'ERR given type is not a function';
      codes.push(readFunctionRecord(c, type));
    }
  } catch {
    return 'ERR failed loading the given functions payload';
  }
  return codes;
}

/** Loads the RDB at the start of `chunks` into `engine`; keys land in their databases. */
export async function loadRdb(engine: Engine, chunks: AsyncIterable<Uint8Array>, options: RdbLoadOptions = {}): Promise<RdbLoadReport> {
  const loader = new RdbLoad(engine, options);
  return loader.run(chunks[Symbol.asyncIterator]());
}

/**
 * RESTORE's rdbLoadObjectType + rdbLoadObject over a DUMP payload (its footer is not read): the
 * value, or null for an empty collection; a malformed payload throws a LoadError.
 */
export function readDumpValue(engine: Engine, payload: Uint8Array): RedisValue | null {
  return new RdbLoad(engine, { file: 'DUMP payload' }).valueOf(payload);
}

class RdbLoad {
  private readonly c: Cursor;
  private readonly crc = new Crc64();
  /** File offset up to which the checksum has been fed. */
  private crcFed = 0;
  private readonly report: RdbLoadReport = { version: 0, bytes: 0, keys: 0, expiredDropped: 0, emptyDropped: 0, aux: {}, checksum: 'none', notes: [] };
  private db = 0;
  private pendingExpire: UnixMs | null = null;
  /** The next key's FREQ (LFU counter) and IDLE (seconds), as an LRU or LFU policy saves them. */
  private pendingFreq: number | null = null;
  private pendingIdle: bigint | null = null;
  /** What the value just read records beyond the lab's model (newer formats only). */
  private newer: NewerKeyInfo | undefined;
  /** What the last record was, for the inspector (set only when someone listens). */
  private label = '';
  private readonly now: number;

  constructor(
    private readonly engine: Engine,
    private readonly options: RdbLoadOptions,
  ) {
    this.c = new Cursor(options.file ?? 'RDB');
    this.now = engine.clock.now();
  }

  async run(source: AsyncIterator<Uint8Array>): Promise<RdbLoadReport> {
    const c = this.c;
    let records = 0;
    let recordStart = 0;
    let phase: 'header' | 'body' | 'trailer' | 'done' = 'header';
    while (phase !== 'done') {
      recordStart = c.pos;
      try {
        if (phase === 'header') {
          this.header();
          phase = 'body';
          this.label = `magic "REDIS" and RDB version ${this.report.version}`;
        } else if (phase === 'body') {
          if (!this.record()) phase = this.report.version >= 5 ? 'trailer' : 'done';
          if (++records % 4096 === 0) this.checkCancelled();
        } else {
          this.trailer();
          phase = 'done';
          this.label = `CRC-64 checksum (${this.report.checksum})`;
        }
        this.options.onRecord?.(c.base + recordStart, c.offset, this.label);
      } catch (e) {
        if (e !== NEED_MORE) throw e;
        c.pos = recordStart;
        await this.refill(source, recordStart);
      }
    }
    this.report.bytes = c.offset;
    this.options.onProgress?.(c.offset);
    return this.report;
  }

  private checkCancelled(): void {
    if (this.options.signal?.aborted) this.c.fail('loading cancelled');
  }

  private async refill(source: AsyncIterator<Uint8Array>, recordStart: number): Promise<void> {
    const c = this.c;
    this.checkCancelled();
    this.feedCrc(c.base + recordStart);
    const kept = c.buf.subarray(recordStart);
    const want = Math.max(kept.length * 2, kept.length + MIN_REFILL);
    const parts = [kept];
    let have = kept.length;
    while (have < want) {
      const next = await source.next();
      if (next.done) {
        c.eof = true;
        break;
      }
      parts.push(next.value);
      have += next.value.length;
    }
    const buf = new Uint8Array(have);
    let at = 0;
    for (const part of parts) {
      buf.set(part, at);
      at += part.length;
    }
    c.base += recordStart;
    c.buf = buf;
    c.pos = 0;
    this.options.onProgress?.(c.base);
    if (this.options.breathe) await this.options.breathe();
    this.checkCancelled();
  }

  private feedCrc(upTo: number): void {
    const c = this.c;
    if (upTo <= this.crcFed) return;
    this.crc.update(c.buf, this.crcFed - c.base, upTo - c.base);
    this.crcFed = upTo;
  }

  private header(): void {
    const c = this.c;
    const magic = bytesToBin(c.take(9, 'the RDB header'));
    if (!magic.startsWith(RDB_MAGIC)) c.fail(`Wrong signature trying to load DB from file: expected "REDIS" followed by a 4-digit version, found ${quoteRepr(magic)}`, 0);
    const version = /^\d{4}$/.test(magic.slice(5)) ? Number(magic.slice(5)) : NaN;
    const newest = this.options.newerFormats ? RDB_NEWEST_READ_VERSION : RDB_VERSION;
    if (!(version >= RDB_MIN_VERSION && version <= newest)) c.fail(`Can't handle RDB format version ${magic.slice(5)}`, 5);
    this.report.version = version;
  }

  /** One top-level record; false at EOF. */
  private record(): boolean {
    const c = this.c;
    const at = c.offset;
    const opcode = c.u8('an opcode');
    switch (opcode) {
      case OP.eof:
        this.label = 'EOF';
        return false;
      case OP.expireTime:
        this.pendingExpire = c.view(4, 'an expire time').getInt32(0, true) * 1000;
        if (this.options.onRecord) this.label = `EXPIRETIME (seconds) for the next key: ${new Date(Number(this.pendingExpire)).toISOString()}`;
        return true;
      case OP.expireTimeMs:
        this.pendingExpire = unixMs(c.view(8, 'an expire time').getBigInt64(0, true));
        if (this.options.onRecord) this.label = `EXPIRETIME_MS for the next key: ${this.pendingExpire} (unix ms)`;
        return true;
      case OP.freq:
        this.pendingFreq = c.u8('an LFU counter');
        this.label = 'FREQ (LFU counter) for the next key';
        return true;
      case OP.idle:
        this.pendingIdle = BigInt(c.plainLength('an idle time'));
        this.label = 'IDLE (seconds) for the next key';
        return true;
      case OP.selectDb: {
        const id = c.plainLength('a database number');
        if (id >= this.engine.dbs.length) c.fail(`FATAL: Data file was created with a Redis server configured to handle more than ${this.engine.dbs.length} databases (SELECTDB ${id})`, at);
        this.db = id;
        this.label = `SELECTDB ${id}`;
        return true;
      }
      case OP.resizeDb: {
        const keys = c.plainLength('RESIZEDB');
        const expires = c.plainLength('RESIZEDB');
        this.label = `RESIZEDB: ${keys} keys, ${expires} with an expiry`;
        if (!this.options.onKey) this.engine.dbs[this.db]!.dict.expect(keys);
        return true;
      }
      case OP.aux: {
        const key = c.string('an AUX field name');
        const value = c.string('an AUX field value');
        this.report.aux[key] = value;
        if (this.options.onRecord) this.label = `AUX ${quoteRepr(key)} = ${quoteRepr(value)}`;
        return true;
      }
      case OP.slotInfo:
        // 7.4 writes it in cluster mode; a server outside cluster mode reads and ignores it.
        if (!this.options.newerFormats) break;
        c.plainLength('a SLOT_INFO slot id');
        c.plainLength('a SLOT_INFO key count');
        c.plainLength('a SLOT_INFO expires count');
        this.label = 'SLOT_INFO (cluster slot sizing hint, skipped)';
        return true;
      case OP.moduleAux:
        this.skipModuleAux(at);
        this.label = 'MODULE_AUX (skipped)';
        return true;
      case OP.function2:
      case OP.functionPreGa: {
        const code = readFunctionRecord(c, opcode);
        const loaded = this.engine.functions.load(code, { replace: false, requireFunctions: false });
        if (typeof loaded === 'string') return c.fail(`Failed loading library: ${loaded.replace(/^ERR /, '')}`, at);
        if (this.options.onRecord) this.label = `FUNCTION${opcode === OP.function2 ? '2' : ' (7.0-rc layout)'} library ${quoteRepr(loaded.name)}`;
        return true;
      }
    }
    this.keyRecord(opcode, at);
    return true;
  }

  /**
   * One key and its value. A key and a string value stored as plain bytes go from the buffer
   * into the database's arena without becoming JS strings (most keys of most files).
   */
  private keyRecord(type: number, at: number): void {
    const c = this.c;
    const keyStart = c.plainString('a key');
    const keyEnd = c.pos;
    const keyString = keyStart < 0 ? c.string('a key') : null;
    let value: RedisValue | null = null;
    let valueStart = -1;
    this.newer = undefined;
    try {
      if (type === TYPE.string) valueStart = c.plainString('a value');
      if (valueStart < 0) value = this.value(type, at);
    } catch (e) {
      // Errors name the key; built only on failure, as quoting every key would cost a lot.
      if (e instanceof LoadError) throw new LoadError(e.file, e.offset, `${e.reason} (key ${quoteRepr(keyString ?? bytesToBin(c.buf, keyStart, keyEnd))}, type ${TYPE_NAMES[type] ?? type})`);
      throw e;
    }
    const valueEnd = c.pos;
    const newer = this.newerInfo();
    if (newer?.fieldTtls && !this.options.onKey) {
      c.fail(`key ${quoteRepr(keyString ?? bytesToBin(c.buf, keyStart, keyEnd))} uses hash field expiration (Redis 7.4, RDB type ${type}), which the lab does not support`, at);
    }
    const expire = this.pendingExpire;
    this.pendingExpire = null;
    const freq = this.pendingFreq;
    const idle = this.pendingIdle;
    this.pendingFreq = null;
    this.pendingIdle = null;
    const empty = value === null && valueStart < 0;
    if (this.options.onRecord) this.label = `${TYPE_NAMES[type] ?? type} key ${quoteRepr(keyString ?? bytesToBin(c.buf, keyStart, keyEnd))} (db ${this.db})${empty ? ', empty' : ''}`;
    if (empty) {
      this.report.emptyDropped++;
      return;
    }
    if (this.options.onKey) {
      const key = keyString ?? bytesToBin(c.buf, keyStart, keyEnd);
      this.options.onKey(this.db, key, value ?? bytesToBin(c.buf, valueStart, valueEnd), expire, newer);
      this.report.keys++;
      return;
    }
    const db = this.engine.dbs[this.db]!;
    if (expire !== null && !this.options.keepExpired && expire < this.now) {
      this.report.expiredDropped++;
      return;
    }
    let inserted: boolean;
    if (keyString === null) inserted = db.dict.insertBytes(c.buf, keyStart, keyEnd, value, valueStart, valueEnd, expire);
    else {
      const bytes = binToBytes(keyString);
      inserted = db.dict.insertBytes(bytes, 0, bytes.length, value ?? bytesToBin(c.buf, valueStart, valueEnd), 0, 0, expire);
    }
    if (!inserted) {
      const key = keyString ?? bytesToBin(c.buf, keyStart, keyEnd);
      if (!this.options.allowDuplicates) c.fail(`Duplicated key ${quoteRepr(key)} found in RDB file (db ${this.db})`, at);
      // RDBFLAGS_ALLOW_DUP: the file's value replaces the one already there, with its expiry.
      db.dict.set(key, value ?? bytesToBin(c.buf, valueStart, valueEnd));
      db.dict.clearExpire(key);
      if (expire !== null) db.dict.setExpire(key, expire);
    }
    if (freq !== null || idle !== null) this.engine.restoreKeyAccess(db, keyString ?? bytesToBin(c.buf, keyStart, keyEnd), idle, freq, this.now);
    this.report.keys++;
  }

  valueOf(payload: Uint8Array): RedisValue | null {
    const c = this.c;
    c.buf = payload;
    c.eof = true;
    const type = c.u8('a value type');
    // rdbIsObjectType: 0–7 and 9–19.
    if (type === 8 || type > LAST_TYPE_OF_7_0) c.fail(`Unknown RDB encoding type ${type}`, 0);
    return this.value(type, 0);
  }

  /** Where the value being read starts, for its errors. */
  private valueAt = 0;
  // Made once, not per value: a dump holds millions of small collections.
  private readonly failValue = (problem: string): never => this.c.fail(problem, this.valueAt);
  private readonly failListpackNode = (problem: string): never => this.c.fail(`Listpack integrity check failed: ${problem}`, this.valueAt);

  /** rdbLoadObject; null for an empty collection, which Redis skips. */
  private value(type: number, at: number): RedisValue | null {
    const c: Cursor = this.c;
    this.valueAt = at;
    const limits = this.engine.limits;
    const where = 'a value';
    switch (type) {
      case TYPE.string:
        return c.string(where);
      case TYPE.list: {
        const n = c.plainLength(where);
        const list = new ListValue(undefined, listOptions(limits));
        for (let i = 0; i < n; i++) list.items.pushBack(c.string(where));
        return n === 0 ? null : list;
      }
      case TYPE.set: {
        const n = c.plainLength(where);
        if (n === 0) return null;
        if (n > PACKED_MAX_ENTRIES) return bigSet(c, n, limits, where, this.failValue);
        const first = c.pos;
        const packed = smallSet(c, n, limits, where, this.failValue);
        if (packed !== undefined) return packed;
        c.pos = first;
        const members: Bin[] = [];
        for (let i = 0; i < n; i++) members.push(c.string(where));
        return setOf(members, limits, (reason) => c.fail(reason, at));
      }
      case TYPE.zset:
      case TYPE.zset2: {
        const n = c.plainLength(where);
        if (type === TYPE.zset2 && n > PACKED_MAX_ENTRIES) {
          const first = c.pos;
          const packed = bigZset(c, n, limits, where, this.failValue);
          if (packed !== undefined) return packed;
          c.pos = first;
        }
        const entries: ZEntry[] = [];
        let longest = 0;
        for (let i = 0; i < n; i++) {
          const member = c.string(where);
          const score = type === TYPE.zset2 ? c.binaryDouble(where) : c.textDouble(where);
          if (Number.isNaN(score)) c.fail('Zset with NAN score detected', at);
          entries.push({ member, score });
          if (member.length > longest) longest = member.length;
        }
        if (n === 0) return null;
        const small = n <= limits.zsetMaxListpackEntries && longest <= limits.zsetMaxListpackValue;
        return zsetOf(entries, small ? 'listpack' : 'skiplist', (reason) => c.fail(reason, at));
      }
      case TYPE.hash: {
        const n = c.plainLength(where);
        if (n === 0) return null;
        if (n > PACKED_MAX_ENTRIES) return bigHash(c, n, limits, where, this.failValue);
        const pairs: Bin[] = [];
        for (let i = 0; i < 2 * n; i++) pairs.push(c.string(where));
        return hashOf(pairs, limits, true, () => c.fail('Duplicate hash fields detected', at));
      }
      case TYPE.listQuicklist:
      case TYPE.listQuicklist2: {
        const count = c.plainLength(where);
        // Each node stays a node, as quicklistAppendListpack keeps it (no re-splitting).
        const nodes: (Bin[] | QuicklistNode)[] = [];
        for (let i = 0; i < count; i++) {
          const container = type === TYPE.listQuicklist2 ? c.plainLength(where) : QUICKLIST_NODE_PACKED;
          if (container !== QUICKLIST_NODE_PACKED && container !== QUICKLIST_NODE_PLAIN) c.fail('Quicklist integrity check failed.', at);
          c.transientRange(where);
          const { rangeBytes: bytes, rangeStart: start, rangeEnd: end } = c;
          if (end === start) c.fail('Quicklist node is empty', at);
          if (container === QUICKLIST_NODE_PLAIN) {
            nodes.push([bytesToBin(bytes, start, end)]);
            continue;
          }
          if (type === TYPE.listQuicklist2) {
            nodes.push(listpackNode(bytes, start, end, this.failListpackNode));
            continue;
          }
          const items = decodeZiplist(bytes.subarray(start, end));
          if (typeof items === 'string') c.fail(`Ziplist integrity check failed: ${items}`, at);
          nodes.push(items);
        }
        const list = new ListValue(undefined, listOptions(limits)).appendNodes(nodes);
        return list.items.length === 0 ? null : list;
      }
      case TYPE.listZiplist: {
        const items = decodeZiplist(c.transientBlob(where));
        if (typeof items === 'string') c.fail(`List ziplist integrity check failed: ${items}`, at);
        return items.length === 0 ? null : new ListValue(items, listOptions(limits));
      }
      case TYPE.setIntset: {
        c.transientRange(where);
        const packed = intsetSet(c.rangeBytes, c.rangeStart, c.rangeEnd, limits);
        if (packed !== undefined) return packed;
        const members = decodeIntset(c.rangeBytes.subarray(c.rangeStart, c.rangeEnd));
        if (typeof members === 'string') c.fail(`Intset integrity check failed: ${members}`, at);
        return setOf(members, limits, (reason) => c.fail(reason, at), true);
      }
      case TYPE.hashZipmap:
      case TYPE.hashZiplist:
      case TYPE.hashListpack: {
        c.transientRange(where);
        if (type === TYPE.hashListpack) {
          const hash = listpackHash(c.rangeBytes, c.rangeStart, c.rangeEnd, limits, this.failValue);
          if (hash !== undefined) return hash;
        }
        const blob = c.rangeBytes.subarray(c.rangeStart, c.rangeEnd);
        const flat = type === TYPE.hashZipmap ? decodeZipmap(blob) : type === TYPE.hashZiplist ? decodeZiplist(blob) : decodeListpack(blob);
        if (typeof flat === 'string') c.fail(`Hash integrity check failed: ${flat}`, at);
        if (flat.length % 2 !== 0) c.fail('Hash has an odd number of entries', at);
        if (flat.length === 0) return null;
        // Only the zipmap conversion looks at value sizes; the others check the count alone.
        return hashOf(flat, limits, type === TYPE.hashZipmap, (reason) => c.fail(reason, at));
      }
      case TYPE.zsetZiplist:
      case TYPE.zsetListpack: {
        c.transientRange(where);
        if (type === TYPE.zsetListpack) {
          const zset = listpackZset(c.rangeBytes, c.rangeStart, c.rangeEnd, limits, this.failValue);
          if (zset !== undefined) return zset;
        }
        const blob = c.rangeBytes.subarray(c.rangeStart, c.rangeEnd);
        const flat = type === TYPE.zsetZiplist ? decodeZiplist(blob) : decodeListpack(blob);
        if (typeof flat === 'string') c.fail(`Zset integrity check failed: ${flat}`, at);
        if (flat.length % 2 !== 0) c.fail('Zset has an odd number of entries', at);
        if (flat.length === 0) return null;
        const entries: ZEntry[] = [];
        for (let i = 0; i < flat.length; i += 2) {
          const score = parseStrtod(flat[i + 1]!);
          if (score === null) c.fail(`Zset score ${quoteRepr(flat[i + 1]!)} is not a number`, at);
          entries.push({ member: flat[i]!, score });
        }
        return zsetOf(entries, entries.length > limits.zsetMaxListpackEntries ? 'skiplist' : 'listpack', (reason) => c.fail(reason, at));
      }
      case TYPE.streamListpacks:
      case TYPE.streamListpacks2:
        return readStream(c, type, at);
      case TYPE.setListpack:
      case TYPE.streamListpacks3:
      case TYPE.hashMetadataPreGa:
      case TYPE.hashListpackExPreGa:
      case TYPE.hashMetadata:
      case TYPE.hashListpackEx:
        if (!this.options.newerFormats) return c.fail(`Unknown RDB encoding type ${type}`, at);
        return this.newerValue(type, at);
      case TYPE.module:
      case TYPE.module2:
        return c.fail('Module values cannot be loaded: the lab has no modules', at);
      default:
        return c.fail(`Unknown RDB encoding type ${type}`, at);
    }
  }

  /** What the value just read set (a method: TypeScript would narrow the field to undefined). */
  private newerInfo(): NewerKeyInfo | undefined {
    return this.newer;
  }

  /** The types redis 7.2 and 7.4 added. */
  private newerValue(type: number, at: number): RedisValue | null {
    const limits = this.engine.limits;
    if (type === TYPE.streamListpacks3) return readStream(this.c, type, at);
    if (type === TYPE.setListpack) {
      this.newer = { encoding: 'listpack' };
      return readSetListpack(this.c, limits, at);
    }
    const { hash, fieldTtls } = readHashWithFieldTtls(this.c, type, limits, at);
    this.newer = { fieldTtls };
    return hash;
  }

  /** MODULE_AUX: module id, when-opcode, when, then typed values up to an EOF opcode. */
  private skipModuleAux(at: number): void {
    const c = this.c;
    c.plainLength('a module id');
    const whenOpcode = c.plainLength('a module aux opcode');
    if (whenOpcode !== 2) c.fail(`bad when-opcode ${whenOpcode} in module aux data`, at);
    c.plainLength('a module aux "when"');
    for (;;) {
      const opcode = c.plainLength('a module value opcode');
      if (opcode === 0) break;
      if (opcode === 1 || opcode === 2) c.plainLength('a module integer');
      else if (opcode === 3) c.take(4, 'a module float');
      else if (opcode === 4) c.take(8, 'a module double');
      else if (opcode === 5) c.blob('a module string');
      else c.fail(`unknown module value opcode ${opcode}`, at);
    }
    this.report.notes.push(`skipped module aux data at byte ${at}: the lab has no modules`);
  }

  private trailer(): void {
    const c = this.c;
    this.feedCrc(c.offset);
    const at = c.offset;
    const stored = c.view(8, 'the checksum').getBigUint64(0, true);
    if (stored === 0n) {
      this.report.checksum = 'disabled';
      return;
    }
    const computed = this.crc.value();
    // As rdbLoad words it: "expected" is the CRC of the bytes read, "got" the stored trailer.
    if (stored !== computed) c.fail(`Wrong RDB checksum expected: (${computed.toString(16)}) but got (${stored.toString(16)}). Aborting now.`, at);
    this.report.checksum = 'verified';
  }
}

function zsetOf(entries: ZEntry[], encoding: 'listpack' | 'skiplist', bad: (reason: string) => never): ZSetValue {
  const zset = ZSetValue.fromEntries(entries, encoding);
  if (zset.size !== entries.length) bad('Duplicate zset fields detected');
  return zset;
}


