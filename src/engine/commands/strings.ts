// String commands. Values are stored as plain Bin; APPEND and SETRANGE change a RawString in
// place, because Redis keeps those "raw" whatever their length (OBJECT ENCODING shows it).
import type { Bin } from '../bytes.js';
import type { CommandContext } from '../context.js';
import { ERR } from '../errors.js';
import { RawString, stringBytes, type StringValue } from '../keyspace/values.js';
import { bulk, bulkArray, int, NIL, OK, type Reply } from '../resp/reply.js';
import { addLongDouble, formatLongDoubleHuman, parseLongDouble } from '../util/long-double.js';
import { fitsInt64, INT64_MIN, parseInt64, parseIntArg, parseSmallInt } from '../util/numbers.js';
import { getexCommand, setCommand, setexCommand } from './string-set.js';
import { command, fail, type CommandSpec } from './types.js';

/** proto-max-bulk-len: the largest string APPEND and SETRANGE may build. */
export const MAX_STRING_LENGTH = 512 * 1024 * 1024;

/**
 * The longest string V8 can hold (2^29 - 24 chars on 64-bit builds): 24 bytes short of
 * proto-max-bulk-len, and a Bin is one char per byte.
 */
export const MAX_JS_STRING_LENGTH = 2 ** 29 - 24;

/** checkStringLength, then the lab's own ceiling just below it. */
function checkLength(length: number): void {
  if (length > MAX_STRING_LENGTH) fail(ERR.stringTooLong);
  if (length > MAX_JS_STRING_LENGTH) fail(ERR.stringTooLongForLab(MAX_JS_STRING_LENGTH, MAX_STRING_LENGTH));
}

/** Below 10^15 both ways, a sum of two is exact in a double and far inside int64. */
const SMALL = 10n ** 15n;

function incrBy(ctx: CommandContext, key: Bin, increment: bigint): Reply {
  const current = ctx.getString(key);
  // The common case without BigInt: a small counter moved by a small step.
  const small = current === undefined ? 0 : parseSmallInt(current);
  if (small !== null && increment < SMALL && increment > -SMALL) {
    const result = small + Number(increment);
    if (current === undefined) ctx.db.setKey(key, String(result));
    else ctx.db.overwrite(key, String(result));
    ctx.dirty();
    return int(result);
  }
  let value = 0n;
  if (current !== undefined) {
    const parsed = parseInt64(current);
    if (parsed === null) fail(ERR.notInteger);
    value = parsed;
  }
  const result = value + increment;
  if (!fitsInt64(result)) fail(ERR.overflow);
  const text = result.toString();
  if (current === undefined) ctx.db.setKey(key, text);
  else ctx.db.overwrite(key, text);
  ctx.dirty();
  return int(result);
}

function incrementArg(arg: Bin): bigint {
  const value = parseInt64(arg);
  if (value === null) fail(ERR.notInteger);
  return value;
}

/** Adds in x87 long double as Redis does; the result text as "%.17Lf" trimmed. */
export function addAsLongDouble(current: Bin | undefined, increment: Bin, notFloat: string): string {
  const base = current === undefined ? parseLongDouble('0') : parseLongDouble(current);
  const incr = parseLongDouble(increment);
  if (base === null || incr === null) fail(notFloat);
  const sum = addLongDouble(base, incr);
  if (sum.kind !== 'finite') fail(ERR.nanOrInfinity);
  return formatLongDoubleHuman(sum);
}

/** The [start, end] range of GETRANGE, in int64 as Redis computes it (huge bounds stay exact). */
function getRange(value: StringValue, startArg: bigint, endArg: bigint): Bin {
  let start = startArg;
  let end = endArg;
  const length = BigInt(value.length);
  if (start < 0n && end < 0n && start > end) return '';
  if (start < 0n) start = length + start;
  if (end < 0n) end = length + end;
  if (start < 0n) start = 0n;
  if (end < 0n) end = 0n;
  if (end >= length) end = length - 1n;
  if (start > end || length === 0n) return '';
  return value.slice(Number(start), Number(end) + 1);
}

/** GETRANGE and its old name SUBSTR. */
function getrange(ctx: CommandContext, argv: readonly Bin[]): Reply {
  const start = parseInt64(argv[2]!);
  const end = parseInt64(argv[3]!);
  if (start === null || end === null) fail(ERR.notInteger);
  const value = ctx.getStringValue(argv[1]!);
  return bulk(value === undefined ? '' : getRange(value, start, end));
}

export const stringCommands: readonly CommandSpec[] = [
  command({ name: 'get', arity: 2, keys: [1, 1, 1], run: (ctx, argv) => bulk(ctx.getString(argv[1]!) ?? null) }),
  command({ name: 'set', arity: -3, write: true, keys: [1, 1, 1], run: setCommand }),
  command({
    name: 'setnx',
    arity: 3,
    write: true,
    keys: [1, 1, 1],
    run(ctx, argv) {
      if (ctx.exists(argv[1]!)) return int(0);
      ctx.db.setKey(argv[1]!, argv[2]!);
      ctx.dirty();
      return int(1);
    },
  }),
  command({ name: 'setex', arity: 4, write: true, keys: [1, 1, 1], run: (ctx, argv) => setexCommand(ctx, argv, 'ex') }),
  command({ name: 'psetex', arity: 4, write: true, keys: [1, 1, 1], run: (ctx, argv) => setexCommand(ctx, argv, 'px') }),
  command({
    name: 'getex',
    arity: -2,
    write: true,
    keys: [1, 1, 1],
    run: getexCommand,
  }),
  command({
    name: 'mget',
    arity: -2,
    keys: [1, -1, 1],
    run(ctx, argv) {
      return bulkArray(
        argv.slice(1).map((key) => {
          const value = ctx.lookup(key);
          return value === undefined ? null : stringBytes(value);
        }),
      );
    },
  }),
  command({
    name: 'mset',
    arity: -3,
    write: true,
    keys: [1, -1, 2],
    run(ctx, argv) {
      if (argv.length % 2 === 0) fail(ERR.wrongArity('mset'));
      for (let i = 1; i < argv.length; i += 2) ctx.db.setKey(argv[i]!, argv[i + 1]!);
      ctx.dirty((argv.length - 1) / 2);
      return OK;
    },
  }),
  command({
    name: 'msetnx',
    arity: -3,
    write: true,
    keys: [1, -1, 2],
    run(ctx, argv) {
      if (argv.length % 2 === 0) fail(ERR.wrongArity('msetnx'));
      for (let i = 1; i < argv.length; i += 2) if (ctx.exists(argv[i]!)) return int(0);
      for (let i = 1; i < argv.length; i += 2) ctx.db.setKey(argv[i]!, argv[i + 1]!);
      ctx.dirty((argv.length - 1) / 2);
      return int(1);
    },
  }),
  command({
    name: 'getset',
    arity: 3,
    write: true,
    keys: [1, 1, 1],
    run(ctx, argv) {
      const old = ctx.getString(argv[1]!);
      ctx.db.setKey(argv[1]!, argv[2]!);
      ctx.dirty();
      ctx.rewriteArgv(['SET', argv[1]!, argv[2]!]);
      return bulk(old ?? null);
    },
  }),
  command({
    name: 'getdel',
    arity: 2,
    write: true,
    keys: [1, 1, 1],
    run(ctx, argv) {
      const value = ctx.getString(argv[1]!);
      if (value === undefined) return NIL;
      ctx.db.delete(argv[1]!);
      ctx.rewriteArgv(['DEL', argv[1]!]);
      ctx.dirty();
      return bulk(value);
    },
  }),
  command({
    name: 'append',
    arity: 3,
    write: true,
    keys: [1, 1, 1],
    run(ctx, argv) {
      const [, key, tail] = argv as [Bin, Bin, Bin];
      const current = ctx.getStringValue(key);
      if (current === undefined) {
        ctx.db.setKey(key, tail);
        ctx.dirty();
        return int(tail.length);
      }
      const length = current.length + tail.length;
      checkLength(length);
      const raw = ctx.unshareString(key, current);
      raw.resize(length);
      raw.write(length - tail.length, tail);
      ctx.dirty();
      return int(length);
    },
  }),
  command({ name: 'strlen', arity: 2, keys: [1, 1, 1], run: (ctx, argv) => int(ctx.getStringValue(argv[1]!)?.length ?? 0) }),
  command({ name: 'incr', arity: 2, write: true, keys: [1, 1, 1], run: (ctx, argv) => incrBy(ctx, argv[1]!, 1n) }),
  command({ name: 'decr', arity: 2, write: true, keys: [1, 1, 1], run: (ctx, argv) => incrBy(ctx, argv[1]!, -1n) }),
  command({ name: 'incrby', arity: 3, write: true, keys: [1, 1, 1], run: (ctx, argv) => incrBy(ctx, argv[1]!, incrementArg(argv[2]!)) }),
  command({
    name: 'decrby',
    arity: 3,
    write: true,
    keys: [1, 1, 1],
    run(ctx, argv) {
      const decrement = incrementArg(argv[2]!);
      if (decrement === INT64_MIN) fail(ERR.decrementOverflow);
      return incrBy(ctx, argv[1]!, -decrement);
    },
  }),
  command({
    name: 'incrbyfloat',
    arity: 3,
    write: true,
    keys: [1, 1, 1],
    run(ctx, argv) {
      const key = argv[1]!;
      const current = ctx.getString(key);
      const text = addAsLongDouble(current, argv[2]!, ERR.notFloat);
      // createStringObjectFromLongDouble never makes an int-encoded object.
      const value = new RawString(text, text.length <= 44 ? 'embstr' : 'raw');
      if (current === undefined) ctx.db.setKey(key, value);
      else ctx.db.overwrite(key, value);
      ctx.dirty();
      ctx.rewriteArgv(['SET', key, text, 'KEEPTTL']);
      return bulk(text);
    },
  }),
  command({
    name: 'getrange',
    arity: 4,
    keys: [1, 1, 1],
    run: getrange,
  }),
  command({
    name: 'substr',
    arity: 4,
    keys: [1, 1, 1],
    run: getrange,
  }),
  command({
    name: 'setrange',
    arity: 4,
    write: true,
    keys: [1, 1, 1],
    run(ctx, argv) {
      const [, key, , patch] = argv as [Bin, Bin, Bin, Bin];
      const offset = parseIntArg(argv[2]!);
      if (offset === null) fail(ERR.notInteger);
      if (offset < 0) fail(ERR.offsetOutOfRange);
      const current = ctx.getStringValue(key);
      if (current === undefined) {
        if (patch.length === 0) return int(0);
        checkLength(offset + patch.length);
        const created = RawString.ofBytes(new Uint8Array(offset + patch.length));
        created.write(offset, patch);
        ctx.db.setKey(key, created);
        ctx.dirty();
        return int(created.length);
      }
      if (patch.length === 0) return int(current.length);
      checkLength(offset + patch.length);
      const raw = ctx.unshareString(key, current);
      // sdsgrowzero: only a longer string changes length.
      if (offset + patch.length > raw.length) raw.resize(offset + patch.length);
      raw.write(offset, patch);
      ctx.dirty();
      return int(raw.length);
    },
  }),
];
