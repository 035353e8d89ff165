// Bitmap commands on strings (bitops.c): SETBIT, GETBIT, BITCOUNT and BITPOS with BYTE/BIT
// ranges, BITOP. Bit 0 is the most significant bit of byte 0. Writes change the key's RawString
// in place; reads go through StringValue without building a Bin.
import type { Bin } from '../bytes.js';
import type { CommandContext } from '../context.js';
import { ERR } from '../errors.js';
import { RawString } from '../keyspace/values.js';
import { int, type Reply } from '../resp/reply.js';
import { parseInt64 } from '../util/numbers.js';
import { bitOffset, byteAt, byteRange, stringForBits } from './bit-strings.js';
import { command, fail, type CommandSpec } from './types.js';

const POPCOUNT = Uint8Array.from({ length: 256 }, (_, b) => {
  let n = 0;
  for (let v = b; v; v >>= 1) n += v & 1;
  return n;
});

function popcount(bytes: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < bytes.length; i++) n += POPCOUNT[bytes[i]!]!;
  return n;
}

/**
 * redisBitpos: the position of the first bit equal to `bit`. Past the end the string counts as
 * zeros, so a 0 is always found (at 8 × length at the latest) and a missing 1 is -1.
 */
function firstBit(bytes: Uint8Array, bit: 0 | 1): number {
  const skip = bit ? 0 : 0xff;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b === skip) continue;
    for (let j = 7; j >= 0; j--) if (((b >> j) & 1) === bit) return i * 8 + (7 - j);
  }
  return bit ? -1 : bytes.length * 8;
}

function int64Arg(arg: Bin): bigint {
  const value = parseInt64(arg);
  if (value === null) fail(ERR.notInteger);
  return value;
}

/** The optional BYTE|BIT unit; true for BIT. */
function isBitUnit(arg: Bin): boolean {
  const unit = arg.toLowerCase();
  if (unit === 'bit') return true;
  if (unit !== 'byte') fail(ERR.syntax);
  return false;
}

/** A range after Redis's clamping, in bytes, with the masks of the edge bits a BIT range leaves out. */
interface ByteSpan {
  start: number;
  end: number;
  firstMask: number;
  lastMask: number;
}

/** The shared clamping of BITCOUNT and BITPOS (totlen in bits for a BIT range). */
function clampSpan(startArg: bigint, endArg: bigint, length: number, bitUnit: boolean): ByteSpan {
  const total = BigInt(length) * (bitUnit ? 8n : 1n);
  let start = startArg < 0n ? total + startArg : startArg;
  let end = endArg < 0n ? total + endArg : endArg;
  if (start < 0n) start = 0n;
  if (end < 0n) end = 0n;
  if (end >= total) end = total - 1n;
  let firstMask = 0;
  let lastMask = 0;
  if (bitUnit && start <= end) {
    firstMask = ~((1 << (8 - Number(start & 7n))) - 1) & 0xff;
    lastMask = (1 << (7 - Number(end & 7n))) - 1;
    start >>= 3n;
    end >>= 3n;
  }
  return { start: Number(start), end: Number(end), firstMask, lastMask };
}

function bitcount(ctx: CommandContext, argv: readonly Bin[]): Reply {
  const value = ctx.getStringValue(argv[1]!);
  if (value === undefined) return int(0);
  let span: ByteSpan;
  if (argv.length === 4 || argv.length === 5) {
    const start = int64Arg(argv[2]!);
    const end = int64Arg(argv[3]!);
    if (start < 0n && end < 0n && start > end) return int(0);
    span = clampSpan(start, end, value.length, argv.length === 5 && isBitUnit(argv[4]!));
  } else if (argv.length === 2) {
    span = { start: 0, end: value.length - 1, firstMask: 0, lastMask: 0 };
  } else {
    fail(ERR.syntax);
  }
  const { start, end, firstMask, lastMask } = span;
  if (start > end) return int(0);
  let count = popcount(byteRange(value, start, end + 1));
  // Bits of the edge bytes outside a BIT range were counted: take them back out.
  if (firstMask) count -= POPCOUNT[value.charCodeAt(start) & firstMask]!;
  if (lastMask) count -= POPCOUNT[value.charCodeAt(end) & lastMask]!;
  return int(count);
}

function bitpos(ctx: CommandContext, argv: readonly Bin[]): Reply {
  const bitArg = int64Arg(argv[2]!);
  if (bitArg !== 0n && bitArg !== 1n) fail(ERR.bitposBit);
  const bit = bitArg === 1n ? 1 : 0;
  // A missing key is an endless run of zeros.
  const value = ctx.getStringValue(argv[1]!);
  if (value === undefined) return int(bit ? -1 : 0);
  let span: ByteSpan;
  let endGiven = false;
  if (argv.length >= 4 && argv.length <= 6) {
    const start = int64Arg(argv[3]!);
    const bitUnit = argv.length === 6 && isBitUnit(argv[5]!);
    let end = BigInt(value.length) - 1n;
    if (argv.length >= 5) {
      end = int64Arg(argv[4]!);
      endGiven = true;
    }
    span = clampSpan(start, end, value.length, bitUnit);
  } else if (argv.length === 3) {
    span = { start: 0, end: value.length - 1, firstMask: 0, lastMask: 0 };
  } else {
    fail(ERR.syntax);
  }
  let { start } = span;
  const { end, firstMask, lastMask } = span;
  if (start > end) return int(-1);
  // The edge bytes of a BIT range are searched with their outside bits forced to the opposite
  // value, in three steps exactly as bitposCommand takes them (the steps decide the -1 cases).
  const edge = (byte: number, mask: number) => (bit ? byte & ~mask : byte | mask) & 0xff;
  let bytes = end - start + 1;
  let pos: number;
  search: {
    if (firstMask) {
      let first = edge(value.charCodeAt(start), firstMask);
      if (lastMask && bytes === 1) first = edge(first, lastMask);
      pos = firstBit(Uint8Array.of(first), bit);
      if (bytes === 1 || (pos !== -1 && pos !== 8)) break search;
      start++;
      bytes--;
    }
    const middle = bytes - (lastMask ? 1 : 0);
    if (middle > 0) {
      pos = firstBit(byteRange(value, start, start + middle), bit);
      if (bytes === middle || (pos !== -1 && pos !== middle * 8)) break search;
      start += middle;
      bytes -= middle;
    }
    pos = firstBit(Uint8Array.of(edge(value.charCodeAt(end), lastMask)), bit);
  }
  // Looking for a 0 in an explicit range: the padding after the range does not count.
  if (endGiven && bit === 0 && pos === bytes * 8) return int(-1);
  return int(pos === -1 ? -1 : pos + start * 8);
}

const BITOPS: ReadonlyMap<string, (a: number, b: number) => number> = new Map([
  ['and', (a: number, b: number) => a & b],
  ['or', (a: number, b: number) => a | b],
  ['xor', (a: number, b: number) => a ^ b],
]);

function bitop(ctx: CommandContext, argv: readonly Bin[]): Reply {
  const op = argv[1]!.toLowerCase();
  if (op !== 'not' && !BITOPS.has(op)) fail(ERR.syntax);
  if (op === 'not' && argv.length !== 4) fail(ERR.bitopNotSingleKey);
  const target = argv[2]!;
  const sources = argv.slice(3).map((key) => {
    const value = ctx.getStringValue(key);
    return value === undefined ? new Uint8Array(0) : byteRange(value, 0, value.length);
  });
  const length = Math.max(...sources.map((s) => s.length));
  if (length === 0) {
    // dbDelete: no lookup, so a logically expired target is deleted (and counted) too.
    if (ctx.db.delete(target)) ctx.dirty();
    return int(0);
  }
  const result = new Uint8Array(length);
  const [first, ...rest] = sources as [Uint8Array, ...Uint8Array[]];
  if (op === 'not') {
    for (let i = 0; i < length; i++) result[i] = ~(first[i] ?? 0);
  } else {
    const combine = BITOPS.get(op)!;
    for (let i = 0; i < length; i++) {
      let byte = first[i] ?? 0;
      for (const source of rest) byte = combine(byte, source[i] ?? 0);
      result[i] = byte;
    }
  }
  ctx.db.setKey(target, RawString.ofBytes(result));
  ctx.dirty();
  return int(length);
}

export const bitmapCommands: readonly CommandSpec[] = [
  command({
    name: 'setbit',
    arity: 4,
    write: true,
    keys: [1, 1, 1],
    run(ctx, argv) {
      const offset = bitOffset(argv[2]!);
      const on = parseInt64(argv[3]!);
      if (on !== 0n && on !== 1n) fail(ERR.bitValue);
      const { raw, grew } = stringForBits(ctx, argv[1]!, offset);
      const byte = Math.floor(offset / 8);
      const mask = 1 << (7 - (offset % 8));
      const was = (raw.charCodeAt(byte) & mask) !== 0;
      if (grew || was !== (on === 1n)) {
        const bytes = raw.writable();
        bytes[byte] = on === 1n ? bytes[byte]! | mask : bytes[byte]! & ~mask;
        ctx.dirty();
      }
      return int(was ? 1 : 0);
    },
  }),
  command({
    name: 'getbit',
    arity: 3,
    keys: [1, 1, 1],
    run(ctx, argv) {
      const offset = bitOffset(argv[2]!);
      const value = ctx.getStringValue(argv[1]!);
      if (value === undefined) return int(0);
      return int((byteAt(value, Math.floor(offset / 8)) >> (7 - (offset % 8))) & 1);
    },
  }),
  command({ name: 'bitcount', arity: -2, keys: [1, 1, 1], run: bitcount }),
  command({ name: 'bitpos', arity: -3, keys: [1, 1, 1], run: bitpos }),
  command({ name: 'bitop', arity: -4, write: true, keys: [2, -1, 1], run: bitop }),
];
