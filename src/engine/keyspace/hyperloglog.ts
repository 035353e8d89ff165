// The HyperLogLog string as hyperloglog.c builds it, byte for byte: the 16-byte "HYLL" header
// (encoding, cached cardinality with its invalid bit), 16384 six-bit registers either dense
// (12288 bytes) or sparse (ZERO / XZERO / VAL run-length opcodes, promoted to dense beyond
// hll-sparse-max-bytes or for a value over 32), MurmurHash64A with Redis's seed, and the
// cardinality estimate of Ertl's "new cardinality estimation algorithms" as Redis computes it.
import { binToBytes, type Bin } from '../bytes.js';
import { murmurHash64A, type U64 } from '../util/murmur64.js';
import type { RawString } from './raw-string.js';
import type { StringValue } from './values.js';

export const HLL_HEADER = 16;
export const HLL_REGISTERS = 16384;
const P = 14;
const Q = 64 - P;
const REGISTER_MAX = 63;
export const HLL_DENSE_SIZE = HLL_HEADER + (HLL_REGISTERS * 6) / 8;
const DENSE = 0;
const SPARSE = 1;
const SPARSE_VAL_MAX_VALUE = 32;
const SPARSE_VAL_MAX_LEN = 4;
const SPARSE_ZERO_MAX_LEN = 64;
const SEED = 0xadc83b19;
const ALPHA_INF = 0.721347520444481703680;
/** The encoding byte and the cardinality's top byte, whose high bit marks the cache invalid. */
const ENCODING_BYTE = 4;
const CARD_TOP_BYTE = 15;

export type HllEncoding = 'dense' | 'sparse';

/** isHLLObjectOrReply: the encoding of a string that is a valid HLL, or null. */
export function hllEncoding(value: StringValue): HllEncoding | null {
  if (value.length < HLL_HEADER || value.slice(0, 4) !== 'HYLL') return null;
  const encoding = value.charCodeAt(ENCODING_BYTE);
  if (encoding === DENSE) return value.length === HLL_DENSE_SIZE ? 'dense' : null;
  return encoding === SPARSE ? 'sparse' : null;
}

/** createHLLObject: a sparse HLL of all-zero registers (one XZERO of 16384), cache valid at 0. */
export function emptyHll(): Uint8Array {
  const bytes = new Uint8Array(HLL_HEADER + 2);
  bytes.set([0x48, 0x59, 0x4c, 0x4c, SPARSE]);
  bytes.set(xzeroOp(HLL_REGISTERS), HLL_HEADER);
  return bytes;
}

// ---- opcodes of the sparse form ----

const isZero = (op: number) => (op & 0xc0) === 0;
const isXzero = (op: number) => (op & 0xc0) === 0x40;
const isVal = (op: number) => (op & 0x80) !== 0;
const zeroLen = (op: number) => (op & 0x3f) + 1;
const xzeroLen = (op: number, next: number) => (((op & 0x3f) << 8) | next) + 1;
const valValue = (op: number) => ((op >> 2) & 0x1f) + 1;
const valLen = (op: number) => (op & 0x3) + 1;
const valOp = (value: number, len: number) => (((value - 1) << 2) | (len - 1) | 0x80) & 0xff;

const xzeroOp = (len: number) => [((len - 1) >> 8) | 0x40, (len - 1) & 0xff];

/** A zero run as ZERO (up to 64) or XZERO, appended to `seq`. */
function pushZeros(seq: number[], len: number): void {
  if (len > SPARSE_ZERO_MAX_LEN) seq.push(...xzeroOp(len));
  else seq.push(len - 1);
}

/**
 * An HLL's bytes and the byte after them. An XZERO cut short by the end of a corrupt HLL takes
 * its second byte from there, as Redis reads the sds terminator (or what a write past the end
 * left in its place: see RawString.byteAfterEnd).
 */
interface HllBytes {
  readonly bytes: Uint8Array;
  readonly after: number;
}

function readable(value: StringValue): HllBytes {
  if (typeof value === 'string') return { bytes: binToBytes(value), after: 0 };
  return { bytes: value.bytes(), after: value.byteAfterEnd() };
}

/** The second byte of the XZERO at `p`. */
function xzeroNext({ bytes, after }: HllBytes, p: number): number {
  return p + 1 < bytes.length ? bytes[p + 1]! : after;
}

/**
 * Walks the sparse opcodes, calling `run(first, len, value, opcode)` for each. Returns the number
 * of registers covered; with `stopPastEnd`, -1 as soon as a VAL run passes register 16383
 * (where hllSparseToDense and hllMerge stop; the histogram and PFDEBUG DECODE read on).
 */
function walkSparse(hll: HllBytes, stopPastEnd: boolean, run: (first: number, len: number, value: number, opcode: 'z' | 'Z' | 'v') => void): number {
  const { bytes } = hll;
  let index = 0;
  for (let p = HLL_HEADER; p < bytes.length; ) {
    const op = bytes[p]!;
    if (isZero(op)) {
      const len = zeroLen(op);
      run(index, len, 0, 'z');
      index += len;
      p++;
    } else if (isXzero(op)) {
      const len = xzeroLen(op, xzeroNext(hll, p));
      run(index, len, 0, 'Z');
      index += len;
      p += 2;
    } else {
      const len = valLen(op);
      if (stopPastEnd && index + len > HLL_REGISTERS) return -1;
      run(index, len, valValue(op), 'v');
      index += len;
      p++;
    }
  }
  return index;
}

// ---- dense registers ----

/** HLL_DENSE_GET_REGISTER over the registers at `base`; the byte after the last reads as 0. */
function denseGet(bytes: Uint8Array, base: number, index: number): number {
  const byte = base + ((index * 6) >> 3);
  const fb = (index * 6) & 7;
  const b0 = bytes[byte]!;
  const b1 = byte + 1 < base + (HLL_REGISTERS * 6) / 8 ? bytes[byte + 1]! : 0;
  return ((b0 >> fb) | (b1 << (8 - fb))) & REGISTER_MAX;
}

function denseSet(bytes: Uint8Array, base: number, index: number, value: number): void {
  const byte = base + ((index * 6) >> 3);
  const fb = (index * 6) & 7;
  bytes[byte] = (bytes[byte]! & ~(REGISTER_MAX << fb)) | (value << fb);
  // The last register never reaches into the byte after the registers.
  if (byte + 1 < base + (HLL_REGISTERS * 6) / 8) {
    bytes[byte + 1] = (bytes[byte + 1]! & ~(REGISTER_MAX >> (8 - fb))) | (value >> (8 - fb));
  }
}

/** Register `index` of a dense HLL's bytes. */
export function denseRegister(bytes: Uint8Array, index: number): number {
  return denseGet(bytes, HLL_HEADER, index);
}

export function setDenseRegister(bytes: Uint8Array, index: number, value: number): void {
  denseSet(bytes, HLL_HEADER, index, value);
}

/** hllDenseSet: raises register `index` to `count`; 1 if it changed. */
export function denseRaise(bytes: Uint8Array, index: number, count: number): 0 | 1 {
  if (count <= denseGet(bytes, HLL_HEADER, index)) return 0;
  denseSet(bytes, HLL_HEADER, index, count);
  return 1;
}

// ---- hashing ----

const hash: U64 = { hi: 0, lo: 0 };

function trailingZeros(x: number): number {
  return 31 - Math.clz32(x & -x);
}

/** hllPatLen: the register an element falls in and the length of its 000…1 pattern. */
export function patternOf(element: Bin): { index: number; count: number } {
  murmurHash64A(element, SEED, hash);
  const index = hash.lo & (HLL_REGISTERS - 1);
  // hash >>= P, then bit Q set so the count stops at Q + 1.
  const lo = ((hash.lo >>> P) | (hash.hi << (32 - P))) >>> 0;
  const hi = (hash.hi >>> P) | (1 << (Q - 32));
  return { index, count: (lo !== 0 ? trailingZeros(lo) : 32 + trailingZeros(hi)) + 1 };
}

// ---- changing an HLL in place ----

/** The value's encoding byte; call on a valid HLL only. */
function encodingOf(raw: RawString): HllEncoding {
  return raw.charCodeAt(ENCODING_BYTE) === DENSE ? 'dense' : 'sparse';
}

export function invalidateCache(raw: RawString): void {
  const bytes = raw.writable();
  bytes[CARD_TOP_BYTE] = bytes[CARD_TOP_BYTE]! | 0x80;
}

/** hllSparseToDense: false (and nothing changed) when the sparse form is corrupt. */
export function sparseToDense(raw: RawString): boolean {
  if (encodingOf(raw) === 'dense') return true;
  const sparse = readable(raw);
  const dense = new Uint8Array(HLL_DENSE_SIZE);
  // The header (magic, cached cardinality) is kept; only the encoding changes.
  dense.set(sparse.bytes.subarray(0, HLL_HEADER));
  dense[ENCODING_BYTE] = DENSE;
  const covered = walkSparse(sparse, true, (first, len, value) => {
    if (value) for (let i = first; i < first + len; i++) denseSet(dense, HLL_HEADER, i, value);
  });
  if (covered !== HLL_REGISTERS) return false;
  raw.replace(dense);
  return true;
}

/**
 * hllSparseSet: raises register `index` to `count` by splitting the opcode that covers it and
 * merging equal neighbours, or promotes to dense. 1 if changed, 0 if not, -1 if corrupt.
 */
function sparseRaise(raw: RawString, index: number, count: number, sparseMaxBytes: number): -1 | 0 | 1 {
  if (count > SPARSE_VAL_MAX_VALUE) return promoteAndRaise(raw, index, count);
  let bytes = raw.writable();
  let end = raw.length;
  // bytes[end] is the terminator slot: see HllBytes.
  const at = (i: number) => (i <= end ? bytes[i]! : 0);
  // Step 1: find the opcode covering `index`.
  let p = HLL_HEADER;
  let first = 0;
  let prev = -1;
  let span = 0;
  while (p < end) {
    const op = bytes[p]!;
    let oplen = 1;
    if (isZero(op)) span = zeroLen(op);
    else if (isVal(op)) span = valLen(op);
    else {
      span = xzeroLen(op, at(p + 1));
      oplen = 2;
    }
    if (index <= first + span - 1) break;
    prev = p;
    p += oplen;
    first += span;
  }
  if (span === 0 || p >= end) return -1;
  const op = bytes[p]!;
  const next = isXzero(op) ? p + 2 : p + 1;
  const hasNext = next < end;
  // Step 2: the trivial cases, then the split into at most ZERO/XZERO, VAL, ZERO/XZERO.
  let updated = false;
  if (isVal(op)) {
    if (valValue(op) >= count) return 0;
    if (valLen(op) === 1) {
      bytes[p] = valOp(count, 1);
      updated = true;
    }
  } else if (isZero(op) && zeroLen(op) === 1) {
    bytes[p] = valOp(count, 1);
    updated = true;
  }
  if (!updated) {
    const last = first + span - 1;
    const seq: number[] = [];
    if (isVal(op)) {
      const current = valValue(op);
      if (index !== first) seq.push(valOp(current, index - first));
      seq.push(valOp(count, 1));
      if (index !== last) seq.push(valOp(current, last - index));
    } else {
      if (index !== first) pushZeros(seq, index - first);
      seq.push(valOp(count, 1));
      if (index !== last) pushZeros(seq, last - index);
    }
    // Step 3: put the sequence in place of the opcode, moving what follows.
    const delta = seq.length - (isXzero(op) ? 2 : 1);
    if (delta > 0 && end + delta > sparseMaxBytes) return promoteAndRaise(raw, index, count);
    if (delta > 0) bytes = raw.resize(end + delta);
    if (delta !== 0 && hasNext) bytes.copyWithin(next + delta, next, end);
    // sdsIncrLen, even by 0: the new length and its terminator, which the sequence may overwrite
    // when it replaces an XZERO cut short by the end.
    bytes = raw.resize(end + delta);
    end += delta;
    bytes.set(seq, p);
  }
  // Step 4: merge adjacent VALs of the same value, scanning up to 5 opcodes from the previous.
  p = prev >= 0 ? prev : HLL_HEADER;
  let scan = 5;
  while (p < end && scan-- > 0) {
    const op = bytes[p]!;
    if (isXzero(op)) {
      p += 2;
      continue;
    }
    if (isZero(op)) {
      p++;
      continue;
    }
    if (p + 1 < end && isVal(bytes[p + 1]!)) {
      const value = valValue(op);
      const len = valLen(op) + valLen(bytes[p + 1]!);
      if (value === valValue(bytes[p + 1]!) && len <= SPARSE_VAL_MAX_LEN) {
        bytes[p + 1] = valOp(value, len);
        bytes.copyWithin(p, p + 1, end);
        end--;
        bytes = raw.resize(end);
        continue;
      }
    }
    p++;
  }
  invalidateCache(raw);
  return 1;
}

function promoteAndRaise(raw: RawString, index: number, count: number): -1 | 1 {
  if (!sparseToDense(raw)) return -1;
  denseRaise(raw.writable(), index, count);
  return 1;
}

/** Raises register `index` to `count` in either encoding; 1 if changed, 0 if not, -1 if corrupt. */
export function hllRaise(raw: RawString, index: number, count: number, sparseMaxBytes: number): -1 | 0 | 1 {
  if (encodingOf(raw) === 'dense') {
    // Reading first keeps a PFADD that changes nothing from invalidating the cached Bin.
    if (count <= denseRegister(raw.bytes(), index)) return 0;
    return denseRaise(raw.writable(), index, count);
  }
  return sparseRaise(raw, index, count, sparseMaxBytes);
}

/** hllAdd: 1 if a register changed, 0 if not, -1 if the sparse form is corrupt. */
export function hllAdd(raw: RawString, element: Bin, sparseMaxBytes: number): -1 | 0 | 1 {
  const { index, count } = patternOf(element);
  return hllRaise(raw, index, count, sparseMaxBytes);
}

// ---- reading ----

/** hllMerge: raises `max[i]` to each register of a valid HLL; false for a corrupt sparse one. */
export function mergeRegisters(max: Uint8Array, value: StringValue): boolean {
  const hll = readable(value);
  const { bytes } = hll;
  if (bytes[ENCODING_BYTE] === DENSE) {
    for (let i = 0; i < HLL_REGISTERS; i++) {
      const v = denseGet(bytes, HLL_HEADER, i);
      if (v > max[i]!) max[i] = v;
    }
    return true;
  }
  const covered = walkSparse(hll, true, (first, len, value) => {
    for (let i = first; i < first + len; i++) if (value > max[i]!) max[i] = value;
  });
  return covered === HLL_REGISTERS;
}

/** The register histogram of a valid HLL, or null for a sparse one that does not cover 16384. */
function histogram(hll: HllBytes): number[] | null {
  const { bytes } = hll;
  const counts = new Array<number>(64).fill(0);
  if (bytes[ENCODING_BYTE] === DENSE) {
    for (let i = 0; i < HLL_REGISTERS; i++) counts[denseGet(bytes, HLL_HEADER, i)]!++;
    return counts;
  }
  const covered = walkSparse(hll, false, (_, len, value) => {
    counts[value]! += len;
  });
  return covered === HLL_REGISTERS ? counts : null;
}

function sigma(x: number): number {
  if (x === 1) return Infinity;
  let y = 1;
  let z = x;
  let previous: number;
  do {
    x *= x;
    previous = z;
    z += x * y;
    y += y;
  } while (previous !== z);
  return z;
}

function tau(x: number): number {
  if (x === 0 || x === 1) return 0;
  let y = 1;
  let z = 1 - x;
  let previous: number;
  do {
    x = Math.sqrt(x);
    previous = z;
    y *= 0.5;
    z -= Math.pow(1 - x, 2) * y;
  } while (previous !== z);
  return z / 3;
}

/** hllCount's estimate from a register histogram, as the uint64 Redis stores. */
function estimate(counts: readonly number[]): bigint {
  const m = HLL_REGISTERS;
  let z = m * tau((m - counts[Q + 1]!) / m);
  for (let j = Q; j >= 1; j--) {
    z += counts[j]!;
    z *= 0.5;
  }
  z += m * sigma(counts[0]! / m);
  const e = (ALPHA_INF * m * m) / z;
  // llroundl, then the double kept in a uint64: beyond int64 (or NaN) x86 gives 2^63.
  if (!(e < 2 ** 63)) return 1n << 63n;
  const floor = Math.floor(e);
  return BigInt(e - floor >= 0.5 ? floor + 1 : floor);
}

/** The cardinality of a valid HLL; null when its sparse form is corrupt. */
export function hllCount(value: StringValue): bigint | null {
  const counts = histogram(readable(value));
  return counts && estimate(counts);
}

/** The cardinality of the union of registers `max` (PFCOUNT of several keys). */
export function countRegisters(max: Uint8Array): bigint {
  const counts = new Array<number>(64).fill(0);
  for (let i = 0; i < HLL_REGISTERS; i++) counts[max[i]!]!++;
  return estimate(counts);
}

/** The cached cardinality, or null when the header marks it invalid. */
export function cachedCardinality(value: StringValue): bigint | null {
  if (value.charCodeAt(CARD_TOP_BYTE) & 0x80) return null;
  let card = 0n;
  for (let i = CARD_TOP_BYTE; i >= 8; i--) card = (card << 8n) | BigInt(value.charCodeAt(i));
  return card;
}

export function storeCardinality(raw: RawString, card: bigint): void {
  const bytes = raw.writable();
  for (let i = 0; i < 8; i++) bytes[8 + i] = Number((card >> BigInt(8 * i)) & 0xffn);
}

/** PFDEBUG DECODE's text of a sparse HLL: "Z:16384", "z:3 v:2,1 …". */
export function describeSparse(value: StringValue): string {
  const parts: string[] = [];
  walkSparse(readable(value), false, (_, len, register, opcode) => parts.push(opcode === 'v' ? `v:${register},${len}` : `${opcode}:${len}`));
  return parts.join(' ');
}
