// BITFIELD and BITFIELD_RO (bitfieldGeneric in bitops.c): GET, SET and INCRBY of signed and
// unsigned integers of 1–64 bits (u64 excepted) at any bit offset, with OVERFLOW WRAP, SAT or
// FAIL. The overflow checks keep Redis's int64/uint64 arithmetic, wrap-arounds included, which
// decide some corner results (a SAT of INT64_MIN into an i8 gives 127, as in Redis).
import type { Bin } from '../bytes.js';
import type { CommandContext } from '../context.js';
import { ERR } from '../errors.js';
import type { StringValue } from '../keyspace/values.js';
import { array, int, NIL, type Reply } from '../resp/reply.js';
import { parseInt64 } from '../util/numbers.js';
import { bitOffset, byteAt, stringForBits } from './bit-strings.js';
import { command, fail, type CommandSpec } from './types.js';

type Overflow = 'wrap' | 'sat' | 'fail';

interface BitfieldOp {
  readonly opcode: 'get' | 'set' | 'incrby';
  readonly offset: number;
  /** The SET value or INCRBY increment. */
  readonly value: bigint;
  readonly overflow: Overflow;
  readonly bits: number;
  readonly signed: boolean;
}

const u64 = (v: bigint) => BigInt.asUintN(64, v);
const i64 = (v: bigint) => BigInt.asIntN(64, v);

/** getBitfieldTypeFromArgument: i1…i64 or u1…u63. */
function parseType(arg: Bin): { signed: boolean; bits: number } {
  const signed = arg[0] === 'i';
  if (!signed && arg[0] !== 'u') fail(ERR.bitfieldType);
  const bits = parseInt64(arg.slice(1));
  if (bits === null || bits < 1n || bits > (signed ? 64n : 63n)) fail(ERR.bitfieldType);
  return { signed, bits: Number(bits) };
}

function parseOps(argv: readonly Bin[]): BitfieldOp[] {
  const ops: BitfieldOp[] = [];
  let overflow: Overflow = 'wrap';
  for (let j = 2; j < argv.length; j++) {
    const remaining = argv.length - j - 1;
    const sub = argv[j]!.toLowerCase();
    let opcode: BitfieldOp['opcode'];
    if (sub === 'get' && remaining >= 2) opcode = 'get';
    else if ((sub === 'set' || sub === 'incrby') && remaining >= 3) opcode = sub;
    else if (sub === 'overflow' && remaining >= 1) {
      const type = argv[++j]!.toLowerCase();
      if (type !== 'wrap' && type !== 'sat' && type !== 'fail') fail(ERR.bitfieldOverflow);
      overflow = type;
      continue;
    } else fail(ERR.syntax);
    const { signed, bits } = parseType(argv[j + 1]!);
    const offset = bitOffset(argv[j + 2]!, bits);
    let value = 0n;
    if (opcode !== 'get') {
      const parsed = parseInt64(argv[j + 3]!);
      if (parsed === null) fail(ERR.notInteger);
      value = parsed;
    }
    ops.push({ opcode, offset, value, overflow, bits, signed });
    j += opcode === 'get' ? 2 : 3;
  }
  return ops;
}

function readBits(read: (byte: number) => number, offset: number, bits: number): bigint {
  let value = 0n;
  for (let j = 0; j < bits; j++, offset++) {
    const bit = (read(Math.floor(offset / 8)) >> (7 - (offset % 8))) & 1;
    value = (value << 1n) | BigInt(bit);
  }
  return value;
}

function writeBits(bytes: Uint8Array, offset: number, bits: number, value: bigint): void {
  for (let j = 0; j < bits; j++, offset++) {
    const byte = Math.floor(offset / 8);
    const mask = 1 << (7 - (offset % 8));
    if ((value >> BigInt(bits - 1 - j)) & 1n) bytes[byte]! |= mask;
    else bytes[byte]! &= ~mask;
  }
}

/** The field as a signed integer (the top bit of the field extended) or unsigned. */
function readField(read: (byte: number) => number, op: BitfieldOp): bigint {
  const raw = readBits(read, op.offset, op.bits);
  return op.signed ? BigInt.asIntN(op.bits, raw) : raw;
}

/**
 * checkUnsignedBitfieldOverflow / checkSignedBitfieldOverflow: whether value + incr leaves the
 * field's range, and the value WRAP or SAT stores instead (undefined under FAIL).
 */
function checkOverflow(op: BitfieldOp, value: bigint, incr: bigint): { overflow: boolean; limit?: bigint } {
  const { bits, overflow: type } = op;
  let direction: 0 | 1 | -1 = 0;
  let max: bigint;
  let min: bigint;
  if (op.signed) {
    max = bits === 64 ? 2n ** 63n - 1n : (1n << BigInt(bits - 1)) - 1n;
    min = -max - 1n;
    const maxIncr = i64(u64(max) - u64(value));
    const minIncr = i64(min - value);
    if (value > max || (bits !== 64 && incr > maxIncr) || (value >= 0n && incr > 0n && incr > maxIncr)) direction = 1;
    else if (value < min || (bits !== 64 && incr < minIncr) || (value < 0n && incr < 0n && incr < minIncr)) direction = -1;
  } else {
    max = (1n << BigInt(bits)) - 1n;
    min = 0n;
    const maxIncr = i64(max - value);
    const minIncr = i64(-value);
    if (value > max || (incr > 0n && incr > maxIncr)) direction = 1;
    else if (incr < 0n && incr < minIncr) direction = -1;
  }
  if (direction === 0) return { overflow: false };
  if (type === 'sat') return { overflow: true, limit: direction === 1 ? max : min };
  if (type === 'fail') return { overflow: true };
  const sum = u64(value + incr);
  return { overflow: true, limit: op.signed ? BigInt.asIntN(bits, sum) : BigInt.asUintN(bits, sum) };
}

function bitfield(ctx: CommandContext, argv: readonly Bin[], readOnly: boolean): Reply {
  const key = argv[1]!;
  const ops = parseOps(argv);
  const writes = ops.filter((op) => op.opcode !== 'get');
  let value: StringValue | undefined;
  let bytes: Uint8Array | null = null;
  let grew = false;
  if (writes.length === 0) {
    value = ctx.getStringValue(key);
  } else {
    if (readOnly) fail(ERR.bitfieldRoWrite);
    const highest = Math.max(...writes.map((op) => op.offset + op.bits - 1));
    const target = stringForBits(ctx, key, highest);
    value = target.raw;
    grew = target.grew;
    bytes = target.raw.writable();
  }
  const read = (byte: number) => (value === undefined ? 0 : byteAt(value, byte));
  let changes = 0;
  const replies = ops.map((op): Reply => {
    const old = readField(read, op);
    if (op.opcode === 'get') return int(old);
    const incr = op.opcode === 'incrby' ? op.value : 0n;
    // Unsigned fields are handled as uint64, so a negative SET value is a huge one.
    const start = op.opcode === 'incrby' ? old : op.signed ? op.value : u64(op.value);
    const { overflow, limit } = checkOverflow(op, start, incr);
    if (overflow && op.overflow === 'fail') return NIL;
    const next = overflow ? limit! : op.signed ? start + incr : u64(start + incr);
    writeBits(bytes!, op.offset, op.bits, next);
    if (grew || next !== old) changes++;
    return int(op.opcode === 'incrby' ? next : old);
  });
  ctx.dirty(changes);
  return array(replies);
}

export const bitfieldCommands: readonly CommandSpec[] = [
  command({ name: 'bitfield', arity: -2, write: true, keys: [1, 1, 1], run: (ctx, argv) => bitfield(ctx, argv, false) }),
  command({ name: 'bitfield_ro', arity: -2, keys: [1, 1, 1], run: (ctx, argv) => bitfield(ctx, argv, true) }),
];
