// HyperLogLog commands (hyperloglog.c): PFADD, PFCOUNT (one key: the cached cardinality, updated
// in the header and propagated like a write when recomputed; several keys: the union, nothing
// cached), PFMERGE, PFDEBUG and PFSELFTEST. The HLL itself is keyspace/hyperloglog.ts.
import type { Bin } from '../bytes.js';
import type { CommandContext } from '../context.js';
import { ERR } from '../errors.js';
import {
  cachedCardinality,
  countRegisters,
  denseRegister,
  describeSparse,
  emptyHll,
  HLL_REGISTERS,
  hllAdd,
  hllCount,
  hllEncoding,
  hllRaise,
  invalidateCache,
  mergeRegisters,
  sparseToDense,
  storeCardinality,
  type HllEncoding,
} from '../keyspace/hyperloglog.js';
import { RawString, type StringValue } from '../keyspace/values.js';
import { array, bulk, int, OK, status, type Reply } from '../resp/reply.js';
import { pfselftest } from './hyperloglog-selftest.js';
import { command, fail, type CommandSpec } from './types.js';

/** The key's value if it is a valid HLL (WRONGTYPE otherwise), undefined if missing. */
function lookupHll(ctx: CommandContext, key: Bin): { value: StringValue; encoding: HllEncoding } | undefined {
  const value = ctx.getStringValue(key);
  if (value === undefined) return undefined;
  const encoding = hllEncoding(value);
  if (encoding === null) fail(ERR.hllNotValid);
  return { value, encoding };
}

function pfadd(ctx: CommandContext, argv: readonly Bin[]): Reply {
  const key = argv[1]!;
  const found = lookupHll(ctx, key);
  let updated = 0;
  let raw: RawString;
  if (found) {
    raw = ctx.unshareString(key, found.value);
  } else {
    raw = RawString.ofBytes(emptyHll());
    ctx.db.setKey(key, raw);
    updated++;
  }
  for (let j = 2; j < argv.length; j++) {
    const result = hllAdd(raw, argv[j]!, ctx.limits.hllSparseMaxBytes);
    // Registers already raised stay raised; nothing is propagated.
    if (result === -1) fail(ERR.hllCorrupted);
    updated += result;
  }
  if (updated) {
    invalidateCache(raw);
    ctx.dirty(updated);
  }
  return int(updated ? 1 : 0);
}

function pfcount(ctx: CommandContext, argv: readonly Bin[]): Reply {
  if (argv.length > 2) {
    const max = new Uint8Array(HLL_REGISTERS);
    for (const key of argv.slice(1)) {
      const found = lookupHll(ctx, key);
      if (found && !mergeRegisters(max, found.value)) fail(ERR.hllCorrupted);
    }
    return int(countRegisters(max));
  }
  const key = argv[1]!;
  const found = lookupHll(ctx, key);
  if (!found) return int(0);
  const raw = ctx.unshareString(key, found.value);
  const cached = cachedCardinality(raw);
  if (cached !== null) return int(cached);
  const card = hllCount(raw);
  if (card === null) fail(ERR.hllCorrupted);
  // A read-only command that changed the value: Redis counts it as dirty, so it is propagated.
  storeCardinality(raw, card);
  ctx.dirty();
  // The header keeps the uint64; the reply is the same bits as an int64.
  return int(BigInt.asIntN(64, card));
}

function pfmerge(ctx: CommandContext, argv: readonly Bin[]): Reply {
  const max = new Uint8Array(HLL_REGISTERS);
  let dense = false;
  for (const key of argv.slice(1)) {
    const found = lookupHll(ctx, key);
    if (!found) continue;
    if (found.encoding === 'dense') dense = true;
    if (!mergeRegisters(max, found.value)) fail(ERR.hllCorrupted);
  }
  const key = argv[1]!;
  const current = ctx.getStringValue(key);
  let raw: RawString;
  if (current === undefined) {
    raw = RawString.ofBytes(emptyHll());
    ctx.db.setKey(key, raw);
  } else {
    raw = ctx.unshareString(key, current);
  }
  if (dense && !sparseToDense(raw)) fail(ERR.hllCorrupted);
  for (let i = 0; i < HLL_REGISTERS; i++) {
    if (max[i]) hllRaise(raw, i, max[i]!, ctx.limits.hllSparseMaxBytes);
  }
  invalidateCache(raw);
  ctx.dirty();
  return OK;
}

function pfdebug(ctx: CommandContext, argv: readonly Bin[]): Reply {
  const sub = argv[1]!;
  const key = argv[2]!;
  const found = lookupHll(ctx, key);
  if (!found) fail(ERR.pfdebugNoKey);
  const raw = ctx.unshareString(key, found.value);
  /** Converts a sparse HLL; the encoding change makes the command propagate. */
  const toDense = (): boolean => {
    if (found.encoding === 'dense') return false;
    if (!sparseToDense(raw)) fail(ERR.hllCorrupted);
    ctx.dirty();
    return true;
  };
  switch (sub.toLowerCase()) {
    case 'getreg': {
      toDense();
      const bytes = raw.bytes();
      return array(Array.from({ length: HLL_REGISTERS }, (_, i) => int(denseRegister(bytes, i))));
    }
    case 'decode':
      if (found.encoding !== 'sparse') fail(ERR.pfdebugNotSparse);
      return bulk(describeSparse(raw));
    case 'encoding':
      return status(found.encoding);
    case 'todense':
      return int(toDense() ? 1 : 0);
    default:
      fail(ERR.pfdebugUnknown(sub));
  }
}

export const hyperloglogCommands: readonly CommandSpec[] = [
  command({ name: 'pfadd', arity: -2, write: true, keys: [1, 1, 1], run: pfadd }),
  command({ name: 'pfcount', arity: -2, mayReplicate: true, keys: [1, -1, 1], run: pfcount }),
  command({ name: 'pfmerge', arity: -2, write: true, keys: [1, -1, 1], run: pfmerge }),
  command({ name: 'pfdebug', arity: 3, write: true, keys: [2, 2, 1], run: pfdebug }),
  command({ name: 'pfselftest', arity: 1, run: pfselftest }),
];
