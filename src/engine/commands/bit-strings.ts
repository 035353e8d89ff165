// What the bit commands share: Redis's bit offset argument, the string a bit write works on
// (created or grown with zeros, unshared to raw), and reading a string's bytes past its end.
import { binToBytes, type Bin } from '../bytes.js';
import type { CommandContext } from '../context.js';
import { ERR } from '../errors.js';
import { RawString, type StringValue } from '../keyspace/values.js';
import { parseInt64 } from '../util/numbers.js';
import { MAX_STRING_LENGTH } from './strings.js';
import { fail } from './types.js';

/**
 * getBitOffsetFromArgument: a bit offset below proto-max-bulk-len bytes. With `bits` (BITFIELD),
 * "#n" means n × bits.
 */
export function bitOffset(arg: Bin, bits = 0): number {
  const hash = bits > 0 && arg[0] === '#';
  const parsed = parseInt64(hash ? arg.slice(1) : arg);
  if (parsed === null) fail(ERR.bitOffset);
  // The multiplication wraps in int64 as it does in C.
  const offset = hash ? BigInt.asIntN(64, parsed * BigInt(bits)) : parsed;
  if (offset < 0n || offset >> 3n >= BigInt(MAX_STRING_LENGTH)) fail(ERR.bitOffset);
  return Number(offset);
}

/**
 * lookupStringForBitCommand: the key's string as a raw value of its own, grown with zero bytes
 * to hold bit `maxBit` (a missing key is created). `grew` says whether the length changed.
 */
export function stringForBits(ctx: CommandContext, key: Bin, maxBit: number): { raw: RawString; grew: boolean } {
  const length = Math.floor(maxBit / 8) + 1;
  const current = ctx.getStringValue(key);
  if (current === undefined) {
    const raw = RawString.ofBytes(new Uint8Array(length));
    ctx.db.setKey(key, raw);
    return { raw, grew: true };
  }
  const raw = ctx.unshareString(key, current);
  if (raw.length >= length) return { raw, grew: false };
  raw.resize(length);
  return { raw, grew: true };
}

/** Byte `index` of a string, 0 past its end (as bit commands read a zero-padded string). */
export function byteAt(value: StringValue, index: number): number {
  return index < value.length ? value.charCodeAt(index) : 0;
}

/** The bytes [start, end) to read: a raw string's own buffer, a copy of a Bin's range. */
export function byteRange(value: StringValue, start: number, end: number): Uint8Array {
  return typeof value === 'string' ? binToBytes(value.slice(start, end)) : value.bytes().subarray(start, end);
}
