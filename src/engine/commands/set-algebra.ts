// SINTER / SUNION / SDIFF, their STORE forms and SINTERCARD, with Redis's rules: a missing key
// is an empty set, every key is type-checked, and a stored result is built the way Redis builds
// it (an intset until a non-integer or the 513th member), an empty result deletes the target.
import type { Bin } from '../bytes.js';
import type { CommandContext } from '../context.js';
import { ERR } from '../errors.js';
import { SetValue } from '../keyspace/values.js';
import { bulkArray, EMPTY_ARRAY, int, type Reply } from '../resp/reply.js';
import { parseIntArg } from '../util/numbers.js';
import { orderedMembers } from './sets.js';
import { fail } from './types.js';

type Operation = 'inter' | 'union' | 'diff';

/** The sets named by `keys` (null for a missing key), type-checked like Redis. */
function lookupSets(ctx: CommandContext, keys: readonly Bin[]): (SetValue | null)[] {
  return keys.map((key) => ctx.getSet(key) ?? null);
}

function compute(ctx: CommandContext, op: Operation, sets: readonly (SetValue | null)[], limit = Infinity): SetValue {
  const result = new SetValue();
  const add = (m: Bin) => result.addMember(m, ctx.limits);
  if (op === 'inter') {
    if (sets.some((s) => s === null)) return result;
    const sorted = [...(sets as SetValue[])].sort((a, b) => a.members.size - b.members.size);
    for (const m of orderedMembers(sorted[0]!)) {
      if (result.members.size >= limit) break;
      if (sorted.every((s) => s.members.has(m))) add(m);
    }
  } else if (op === 'union') {
    for (const s of sets) if (s) for (const m of orderedMembers(s)) add(m);
  } else {
    const [first, ...rest] = sets;
    if (first && !rest.includes(first)) {
      for (const m of orderedMembers(first)) if (!rest.some((s) => s?.members.has(m))) add(m);
    }
  }
  return result;
}

export function setOperation(ctx: CommandContext, op: Operation, keys: readonly Bin[]): Reply {
  const sets = lookupSets(ctx, keys);
  const result = compute(ctx, op, sets);
  return result.members.size === 0 ? EMPTY_ARRAY : bulkArray(orderedMembers(result));
}

export function setOperationStore(ctx: CommandContext, op: Operation, destination: Bin, keys: readonly Bin[]): Reply {
  const sets = lookupSets(ctx, keys);
  const result = compute(ctx, op, sets);
  if (result.members.size > 0) {
    ctx.db.setKey(destination, result);
    ctx.dirty();
    return int(result.members.size);
  }
  // dbDelete, without a lookup: an expired destination is deleted here, not expired.
  if (ctx.db.delete(destination)) ctx.dirty();
  return int(0);
}

export function sintercard(ctx: CommandContext, argv: readonly Bin[]): Reply {
  const numKeys = parseIntArg(argv[1]!);
  if (numKeys === null || numKeys < 1) fail(ERR.numkeysPositive);
  if (numKeys > argv.length - 2) fail(ERR.numkeysTooMany);
  let limit = 0;
  for (let i = 2 + numKeys; i < argv.length; i++) {
    if (argv[i]!.toLowerCase() === 'limit' && i < argv.length - 1) {
      const value = parseIntArg(argv[++i]!);
      if (value === null || value < 0) fail(ERR.limitNegative);
      limit = value;
    } else fail(ERR.syntax);
  }
  const sets = lookupSets(ctx, argv.slice(2, 2 + numKeys));
  return int(compute(ctx, 'inter', sets, limit === 0 ? Infinity : limit).members.size);
}
