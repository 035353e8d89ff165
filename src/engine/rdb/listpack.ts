// Listpack blobs (listpack.c): `<u32 total bytes> <u16 count> entries 0xFF`, each entry an
// encoding, its data and a back-length. Strings that are canonical int64s are stored as integers.
import { bytesToBin, type Bin } from '../bytes.js';
import { parseInt64, parseSmallInt } from '../util/numbers.js';
import { blobProblem } from './blob.js';

const EOF_BYTE = 0xff;
const UNKNOWN_COUNT = 65535;

function backlenSize(encodedSize: number): number {
  if (encodedSize <= 127) return 1;
  if (encodedSize < 16383) return 2;
  if (encodedSize < 2097151) return 3;
  if (encodedSize < 268435455) return 4;
  return 5;
}

/** Builds a listpack entry by entry. */
export class ListpackBuilder {
  private buf: Uint8Array;
  private length = 6;
  count = 0;

  constructor(capacity = 64) {
    this.buf = new Uint8Array(Math.max(16, capacity));
  }

  /** Empty again, keeping its buffer (what `finish` returned is overwritten from here on). */
  reset(): this {
    this.length = 6;
    this.count = 0;
    return this;
  }

  /** Bytes the listpack would take with nothing more added. */
  get size(): number {
    return this.length + 1;
  }

  /** Bytes `entry` would add. */
  static entrySize(entry: Bin): number {
    const encoded = encodedSize(entry);
    return encoded + backlenSize(encoded);
  }

  add(entry: Bin): void {
    // An int32 (most integers stored) is encoded with number arithmetic; wider ones as bigints.
    const small = entry.length <= 10 ? parseSmallInt(entry) : null;
    const int32 = small !== null && small >= -2147483648 && small <= 2147483647 ? small : null;
    const value = int32 === null ? parseInt64(entry) : null;
    const encoded = int32 !== null ? int32EncodedSize(int32) : value !== null ? intEncodedSize(value) : stringEncodedSize(entry.length);
    this.ensure(encoded + 5);
    const buf = this.buf;
    let at = this.length;
    if (int32 !== null) at = writeInt32(buf, at, int32, encoded);
    else if (value !== null) at = writeInt(buf, at, value);
    else {
      const n = entry.length;
      if (n < 64) buf[at++] = 0x80 | n;
      else if (n < 4096) {
        buf[at++] = 0xe0 | (n >> 8);
        buf[at++] = n & 0xff;
      } else {
        buf[at++] = 0xf0;
        buf[at++] = n & 0xff;
        buf[at++] = (n >>> 8) & 0xff;
        buf[at++] = (n >>> 16) & 0xff;
        buf[at++] = (n >>> 24) & 0xff;
      }
      for (let i = 0; i < n; i++) buf[at++] = entry.charCodeAt(i);
    }
    at = writeBacklen(buf, at, encoded);
    this.length = at;
    this.count++;
  }

  finish(): Uint8Array {
    this.ensure(1);
    this.buf[this.length] = EOF_BYTE;
    const total = this.length + 1;
    const view = new DataView(this.buf.buffer, this.buf.byteOffset);
    view.setUint32(0, total, true);
    view.setUint16(4, Math.min(this.count, UNKNOWN_COUNT), true);
    return this.buf.subarray(0, total);
  }

  private ensure(extra: number): void {
    if (this.length + extra <= this.buf.length) return;
    const grown = new Uint8Array(Math.max(this.buf.length * 2, this.length + extra));
    grown.set(this.buf.subarray(0, this.length));
    this.buf = grown;
  }
}

const SMALL_INT = /^(?:0|-?[1-9][0-9]{0,14})$/;

function encodedSize(entry: Bin): number {
  const n = entry.length;
  if (n > 0 && n <= 20) {
    // Only digits and '-' can start an integer; small ones are sized without a BigInt.
    const c = entry.charCodeAt(0);
    if ((c >= 48 && c <= 57) || c === 45) {
      if (n <= 16 && SMALL_INT.test(entry)) return smallIntEncodedSize(Number(entry));
      const value = parseInt64(entry);
      if (value !== null) return intEncodedSize(value);
    }
  }
  return stringEncodedSize(n);
}

function smallIntEncodedSize(v: number): number {
  if (v >= 0 && v <= 127) return 1;
  if (v >= -4096 && v <= 4095) return 2;
  if (v >= -32768 && v <= 32767) return 3;
  if (v >= -8388608 && v <= 8388607) return 4;
  if (v >= -2147483648 && v <= 2147483647) return 5;
  return 9;
}

function stringEncodedSize(n: number): number {
  return n + (n < 64 ? 1 : n < 4096 ? 2 : 5);
}

function intEncodedSize(v: bigint): number {
  if (v >= 0n && v <= 127n) return 1;
  if (v >= -4096n && v <= 4095n) return 2;
  if (v >= -32768n && v <= 32767n) return 3;
  if (v >= -8388608n && v <= 8388607n) return 4;
  if (v >= -2147483648n && v <= 2147483647n) return 5;
  return 9;
}

function int32EncodedSize(v: number): number {
  if (v >= 0 && v <= 127) return 1;
  if (v >= -4096 && v <= 4095) return 2;
  if (v >= -32768 && v <= 32767) return 3;
  if (v >= -8388608 && v <= 8388607) return 4;
  return 5;
}

/** writeInt for an int32 of encoded `size`: two's complement bytes from the number itself. */
function writeInt32(buf: Uint8Array, at: number, v: number, size: number): number {
  if (size === 1) {
    buf[at++] = v;
    return at;
  }
  if (size === 2) {
    const u = v & 0x1fff;
    buf[at++] = 0xc0 | (u >> 8);
    buf[at++] = u & 0xff;
    return at;
  }
  const width = size - 1;
  buf[at++] = width === 2 ? 0xf1 : width === 3 ? 0xf2 : 0xf3;
  for (let i = 0; i < width; i++) buf[at++] = (v >> (8 * i)) & 0xff;
  return at;
}

function writeInt(buf: Uint8Array, at: number, v: bigint): number {
  const size = intEncodedSize(v);
  if (size === 1) {
    buf[at++] = Number(v);
    return at;
  }
  if (size === 2) {
    const u = Number(v) & 0x1fff;
    buf[at++] = 0xc0 | (u >> 8);
    buf[at++] = u & 0xff;
    return at;
  }
  const width = size - 1;
  buf[at++] = width === 2 ? 0xf1 : width === 3 ? 0xf2 : width === 4 ? 0xf3 : 0xf4;
  let u = BigInt.asUintN(64, v);
  for (let i = 0; i < width; i++) {
    buf[at++] = Number(u & 0xffn);
    u >>= 8n;
  }
  return at;
}

function writeBacklen(buf: Uint8Array, at: number, l: number): number {
  const size = backlenSize(l);
  for (let i = size - 1; i >= 0; i--) {
    const group = Math.floor(l / 2 ** (7 * i)) & 127;
    buf[at++] = i === size - 1 ? group : group | 128;
  }
  return at;
}

/**
 * Where a listpack's entries go: string entries as byte ranges, integers as numbers (64-bit ones,
 * which a number may not hold, as decimal text).
 */
export interface ListpackSink {
  bytes(source: Uint8Array, start: number, end: number): void;
  integer(value: number): void;
  text(element: Bin): void;
}

/** Collects entries as strings (one instance, reused: no closures per listpack). */
class Collector implements ListpackSink {
  out: Bin[] = [];
  bytes(source: Uint8Array, start: number, end: number): void {
    this.out.push(bytesToBin(source, start, end));
  }
  integer(value: number): void {
    this.out.push(String(value));
  }
  text(element: Bin): void {
    this.out.push(element);
  }
}
const collector = new Collector();

/** The entries of a listpack blob as strings, or why it is malformed. */
export function decodeListpack(lp: Uint8Array): Bin[] | string {
  const out: Bin[] = (collector.out = []);
  const problem = visitListpack(lp, collector);
  return problem ?? out;
}

/**
 * Hands each entry of a listpack blob (bytes [first, last) of `lp`, all of it by default) to
 * `sink`, in order; returns why it is malformed, if it is (byte offsets counted from the blob's
 * start).
 */
export function visitListpack(lp: Uint8Array, sink: ListpackSink, first = 0, last = lp.length): string | null {
  const problem = blobProblem('listpack', lp, 6, first, last);
  if (problem !== null) return problem;
  const declared = lp[first + 4]! | (lp[first + 5]! << 8);
  let count = 0;
  let at = first + 6;
  const end = last - 1;
  while (at < end) {
    const start = at;
    const b = lp[at]!;
    if (b < 0x80) {
      sink.integer(b);
      at += 1;
    } else if ((b & 0xc0) === 0x80) {
      const n = b & 0x3f;
      if (at + 1 + n > end) return `listpack string at byte ${at - first} runs past the end`;
      sink.bytes(lp, at + 1, at + 1 + n);
      at += 1 + n;
    } else if ((b & 0xe0) === 0xc0) {
      if (at + 2 > end) return `listpack integer at byte ${at - first} runs past the end`;
      let v = ((b & 0x1f) << 8) | lp[at + 1]!;
      if (v >= 1 << 12) v -= 1 << 13;
      sink.integer(v);
      at += 2;
    } else if ((b & 0xf0) === 0xe0) {
      if (at + 2 > end) return `listpack string at byte ${at - first} runs past the end`;
      const n = ((b & 0x0f) << 8) | lp[at + 1]!;
      if (at + 2 + n > end) return `listpack string at byte ${at - first} runs past the end`;
      sink.bytes(lp, at + 2, at + 2 + n);
      at += 2 + n;
    } else if (b === 0xf0) {
      if (at + 5 > end) return `listpack string at byte ${at - first} runs past the end`;
      const n = (lp[at + 1]! | (lp[at + 2]! << 8) | (lp[at + 3]! << 16) | (lp[at + 4]! << 24)) >>> 0;
      if (at + 5 + n > end) return `listpack string at byte ${at - first} runs past the end`;
      sink.bytes(lp, at + 5, at + 5 + n);
      at += 5 + n;
    } else if (b >= 0xf1 && b <= 0xf4) {
      const width = b === 0xf1 ? 2 : b === 0xf2 ? 3 : b === 0xf3 ? 4 : 8;
      if (at + 1 + width > end) return `listpack integer at byte ${at - first} runs past the end`;
      if (width === 2) sink.integer(((lp[at + 1]! | (lp[at + 2]! << 8)) << 16) >> 16);
      else if (width === 3) sink.integer(((lp[at + 1]! | (lp[at + 2]! << 8) | (lp[at + 3]! << 16)) << 8) >> 8);
      else if (width === 4) sink.integer(lp[at + 1]! | (lp[at + 2]! << 8) | (lp[at + 3]! << 16) | (lp[at + 4]! << 24));
      else sink.text(new DataView(lp.buffer, lp.byteOffset + at + 1, 8).getBigInt64(0, true).toString());
      at += 1 + width;
    } else return `unknown listpack encoding 0x${b.toString(16)} at byte ${at - first}`;
    at += backlenSize(at - start);
    if (at > end) return `listpack entry at byte ${start - first} runs past the end`;
    count++;
  }
  if (declared !== UNKNOWN_COUNT && declared !== count) return `listpack header says ${declared} entries but holds ${count}`;
  return null;
}
