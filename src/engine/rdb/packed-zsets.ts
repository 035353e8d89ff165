// Sorted sets loaded straight into the form they are kept in: a small one's listpack and a big
// one's ZSET_2 entries become one packed string of members and score bytes, in order
// (keyspace/packed.ts), with no string or entry object per element on the way. Anything off the
// usual path is left to the reader's general one, which judges it as before.
import { bytesToBin, type Bin } from '../bytes.js';
import type { EncodingLimits } from '../keyspace/limits.js';
import { compareRanges, hasRepeatedRange, PACKED_MAX_ENTRIES, PackedBuilder, writeLengthPrefix, writeScoreElement } from '../keyspace/packed.js';
import { ZSetValue } from '../keyspace/values.js';
import { parseStrtod } from '../util/numbers.js';
import { visitListpack, type ListpackSink } from './listpack.js';
import type { StringCursor } from './packed-values.js';

const builder = new PackedBuilder();

/**
 * A zset listpack's entries (member, score, …) into the builder: members as they are, scores as
 * the 8 bytes packScored keeps. It notes whether the entries come in (score, member) order, as
 * redis writes them, and every score is a number.
 */
class ZsetListpackSink implements ListpackSink {
  usual = true;
  private previous = 0;

  start(): this {
    builder.reset();
    this.usual = true;
    return this;
  }

  bytes(source: Uint8Array, start: number, end: number): void {
    if (builder.count % 2 === 0) builder.bytes(source, start, end);
    else this.scored(plainDecimal(source, start, end) ?? parseStrtod(bytesToBin(source, start, end)));
  }

  integer(value: number): void {
    if (builder.count % 2 === 0) builder.integer(value);
    else this.scored(value);
  }

  text(element: Bin): void {
    if (builder.count % 2 === 0) builder.text(element);
    else this.scored(parseStrtod(element));
  }

  private scored(score: number | null): void {
    if (score === null || Number.isNaN(score)) {
      this.usual = false;
      score = 0;
    }
    // A listpack stores integral scores as integers, so -0 comes back as 0.
    if (score === 0) score = 0;
    const member = builder.count - 1;
    if (member > 0 && !builder.overflowed && (score < this.previous || (score === this.previous && builder.compare(member - 2, member) >= 0))) this.usual = false;
    this.previous = score;
    builder.score(score);
  }
}
const zsetSink = new ZsetListpackSink();

const POWERS_OF_TEN = Array.from({ length: 23 }, (_, k) => 10 ** k);

/**
 * `[-]digits[.digits]` with at most 15 digits, read without a string: the digits make an exact
 * integer and 10^k is exact, so one division rounds as strtod does (the fast path of Clinger's
 * algorithm). Null for anything else (the caller parses the text).
 */
function plainDecimal(bytes: Uint8Array, start: number, end: number): number | null {
  let at = start;
  const negative = bytes[at] === 45;
  if (negative) at++;
  let digits = 0;
  let fraction = -1;
  let value = 0;
  for (; at < end; at++) {
    const b = bytes[at]!;
    if (b >= 48 && b <= 57) {
      value = value * 10 + (b - 48);
      digits++;
      if (fraction >= 0) fraction++;
    } else if (b === 46 && fraction < 0) fraction = 0;
    else return null;
  }
  if (digits === 0 || digits > 15 || fraction === 0) return null;
  const result = fraction > 0 ? value / POWERS_OF_TEN[fraction]! : value;
  return negative ? -result : result;
}

/**
 * A small sorted set from its listpack blob (RDB_TYPE_ZSET_LISTPACK, bytes [start, end) of
 * `bytes`) packed straight from them; null when it is empty; undefined when it is not the usual
 * case (entries out of order, a score that is no number, a repeated member, more than a packed
 * set holds), which the caller then decodes the general way and judges.
 */
export function listpackZset(bytes: Uint8Array, start: number, end: number, limits: EncodingLimits, fail: (problem: string) => never): ZSetValue | null | undefined {
  const problem = visitListpack(bytes, zsetSink.start(), start, end);
  if (problem !== null) fail(`Zset integrity check failed: ${problem}`);
  if (builder.count % 2 !== 0) fail('Zset has an odd number of entries');
  if (builder.count === 0) return null;
  const entries = builder.count / 2;
  if (!zsetSink.usual || entries > Math.min(PACKED_MAX_ENTRIES, limits.zsetMaxListpackEntries)) return undefined;
  const packed = builder.finish();
  if (packed === null || builder.hasDuplicate(2)) return undefined;
  return ZSetValue.fromPacked(packed, entries);
}

/** The reader's cursor, as far as reading a ZSET_2's entries needs it. */
export interface ScoreCursor extends StringCursor {
  binaryDouble(what: string): number;
}

// bigZset's scratch, grown to the biggest sorted set seen: where each member's bytes are in the
// reader's buffer, and each score.
let memberBounds = new Int32Array(2 * 1024);
let entryScores = new Float64Array(1024);
let out = new Uint8Array(1 << 16);

/**
 * A sorted set of `n` entries in ZSET_2 form (RDB_TYPE_ZSET_2: member, then its 8-byte score)
 * too many to pack as a small one, kept packed (members and score bytes, in order, in one string)
 * until a command touches it, instead of an object, a string and a map entry per entry. Redis
 * writes a skiplist from its tail, so the entries come in descending order; they are packed in
 * ascending order. Undefined, having read an unknown part of the entries, when they are not the
 * usual case (a member stored as an integer or compressed, or longer than a packed element
 * holds; entries in neither order; a repeated member): the caller reads them again the general way.
 */
export function bigZset(c: ScoreCursor, n: number, limits: EncodingLimits, where: string, fail: (problem: string) => never): ZSetValue | undefined {
  let bytes = 0;
  let longest = 0;
  for (let i = 0; i < n; i++) {
    // Grown as entries arrive, never to the count the file claims (a hostile one is 2^64).
    if (i === entryScores.length) growEntryScratch();
    const start = c.plainString(where);
    if (start < 0 || c.pos - start > 0x7fff) return undefined;
    memberBounds[2 * i] = start;
    memberBounds[2 * i + 1] = c.pos;
    const score = c.binaryDouble(where);
    if (Number.isNaN(score)) fail('Zset with NAN score detected');
    entryScores[i] = score;
    const length = c.pos - 8 - start;
    bytes += length + (length < 0x80 ? 1 : 2) + 9;
    if (length > longest) longest = length;
  }
  const buf = c.buf;
  const order = n > 1 ? compareEntries(buf, 0, 1) : -1;
  if (order === 0) return undefined;
  for (let i = 1; i + 1 < n; i++) if (Math.sign(compareEntries(buf, i, i + 1)) !== Math.sign(order)) return undefined;
  if (hasRepeatedRange(buf, memberBounds, 2 * n, 2)) return undefined;
  if (out.length < bytes) out = new Uint8Array(Math.max(bytes, 2 * out.length));
  const small = n <= limits.zsetMaxListpackEntries && longest <= limits.zsetMaxListpackValue;
  let at = 0;
  for (let k = 0; k < n; k++) {
    const i = order < 0 ? k : n - 1 - k;
    const start = memberBounds[2 * i]!;
    const end = memberBounds[2 * i + 1]!;
    at = writeLengthPrefix(out, at, end - start);
    for (let j = start; j < end; j++) out[at++] = buf[j]!;
    // A listpack keeps an integral score as an integer, so -0 becomes 0; a skiplist keeps -0.
    at = writeScoreElement(out, at, small && entryScores[i] === 0 ? 0 : entryScores[i]!);
  }
  return ZSetValue.fromPacked(bytesToBin(out, 0, at), n, small ? 'listpack' : 'skiplist');
}

function growEntryScratch(): void {
  const bounds = new Int32Array(2 * memberBounds.length);
  bounds.set(memberBounds);
  memberBounds = bounds;
  const scores = new Float64Array(2 * entryScores.length);
  scores.set(entryScores);
  entryScores = scores;
}

/** Order of entries i and j read by bigZset: by score, then by member bytes. */
function compareEntries(buf: Uint8Array, i: number, j: number): number {
  const a = entryScores[i]!;
  const b = entryScores[j]!;
  // -0 and 0 compare equal, as the skiplist compares them.
  if (a !== b) return a < b ? -1 : 1;
  return compareRanges(buf, memberBounds[2 * i]!, memberBounds[2 * i + 1]!, memberBounds[2 * j]!, memberBounds[2 * j + 1]!);
}
