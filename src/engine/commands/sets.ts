// Set commands. Intsets list their members in ascending numeric order, as Redis's intset does;
// hashtable sets list them in insertion order (Redis's order there is arbitrary).
import type { Bin } from '../bytes.js';
import type { CommandContext } from '../context.js';
import { ERR } from '../errors.js';
import { SetValue } from '../keyspace/values.js';
import { bulk, bulkArray, EMPTY_ARRAY, int, NIL, type Reply } from '../resp/reply.js';
import { stringMatch } from '../util/glob.js';
import { parseIntArg } from '../util/numbers.js';
import { parseRandomCount, sample } from './random-count.js';
import { collectionScan, scanItems, scanReply } from './scan.js';
import { setOperation, setOperationStore, sintercard } from './set-algebra.js';
import { command, fail, type CommandSpec } from './types.js';

export function orderedMembers(set: SetValue): Bin[] {
  const members = [...set.members];
  if (set.encoding === 'intset') members.sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1));
  return members;
}

function spop(ctx: CommandContext, argv: readonly Bin[]): Reply {
  if (argv.length > 3) fail(ERR.syntax);
  const key = argv[1]!;
  if (argv.length === 2) {
    const set = ctx.getSet(key);
    if (!set) return NIL;
    const member = sample([...set.members], 1, ctx.engine.rng)[0]!;
    set.members.delete(member);
    ctx.deleteIfEmpty(key, set.members.size);
    ctx.rewriteArgv(['SREM', key, member]);
    ctx.dirty();
    return bulk(member);
  }
  const count = parseIntArg(argv[2]!);
  if (count === null || count < 0) fail(ERR.outOfRangePositive);
  const set = ctx.getSet(key);
  if (!set || count === 0) return EMPTY_ARRAY;
  if (count >= set.members.size) {
    const all = orderedMembers(set);
    ctx.db.delete(key);
    ctx.rewriteArgv(['DEL', key]);
    ctx.dirty(all.length);
    return bulkArray(all);
  }
  const popped = sample([...set.members], count, ctx.engine.rng);
  for (const m of popped) set.members.delete(m);
  // Redis replicates the pops as SREMs of up to 1024 members each.
  for (let i = 0; i < popped.length; i += 1024) ctx.alsoPropagate(['SREM', key, ...popped.slice(i, i + 1024)]);
  ctx.preventPropagation();
  ctx.dirty(popped.length);
  return bulkArray(popped);
}

function srandmember(ctx: CommandContext, argv: readonly Bin[]): Reply {
  if (argv.length > 3) fail(ERR.syntax);
  if (argv.length === 2) {
    const set = ctx.getSet(argv[1]!);
    return set ? bulk(sample([...set.members], 1, ctx.engine.rng)[0]!) : NIL;
  }
  const count = parseRandomCount(argv[2]!);
  const set = ctx.getSet(argv[1]!);
  if (!set || count === 0n) return EMPTY_ARRAY;
  return bulkArray(sample(orderedMembers(set), count, ctx.engine.rng));
}

function smove(ctx: CommandContext, argv: readonly Bin[]): Reply {
  const [, source, destination, member] = argv as [Bin, Bin, Bin, Bin];
  const from = ctx.lookup(source);
  const to = ctx.lookup(destination);
  if (from === undefined) return int(0);
  const src = ctx.getSet(source)!;
  const dst = to === undefined ? null : ctx.getSet(destination)!;
  if (src === dst) return int(src.members.has(member) ? 1 : 0);
  if (!src.members.delete(member)) return int(0);
  ctx.deleteIfEmpty(source, src.members.size);
  let target = dst;
  if (!target) {
    target = new SetValue(member);
    ctx.db.setKey(destination, target);
  }
  ctx.dirty();
  ctx.signalModified(source);
  // The destination changed only if it did not hold the member yet.
  if (target.addMember(member, ctx.limits)) {
    ctx.dirty();
    ctx.signalModified(destination);
  }
  return int(1);
}

function sscan(ctx: CommandContext, argv: readonly Bin[]): Reply {
  return collectionScan(argv, () => ctx.getSet(argv[1]!), (set, options) => {
    const count = set.encoding === 'intset' ? Infinity : options.count;
    const { next, page } = scanItems(orderedMembers(set), (m) => m, options.cursor, count);
    return scanReply(next, options.match === null ? page : page.filter((m) => stringMatch(options.match!, m)));
  });
}

export const setCommands: readonly CommandSpec[] = [
  command({
    name: 'sadd',
    arity: -3,
    write: true,
    keys: [1, 1, 1],
    run(ctx, argv) {
      const key = argv[1]!;
      let set = ctx.getSet(key);
      if (!set) {
        set = new SetValue(argv[2]!);
        ctx.db.setKey(key, set);
      }
      let added = 0;
      for (const m of argv.slice(2)) if (set.addMember(m, ctx.limits)) added++;
      ctx.dirty(added);
      return int(added);
    },
  }),
  command({
    name: 'srem',
    arity: -3,
    write: true,
    keys: [1, 1, 1],
    run(ctx, argv) {
      const set = ctx.getSet(argv[1]!);
      if (!set) return int(0);
      let removed = 0;
      for (const m of argv.slice(2)) if (set.members.delete(m)) removed++;
      ctx.deleteIfEmpty(argv[1]!, set.members.size);
      ctx.dirty(removed);
      return int(removed);
    },
  }),
  command({
    name: 'smembers',
    arity: 2,
    keys: [1, 1, 1],
    run(ctx, argv) {
      const set = ctx.getSet(argv[1]!);
      return set ? bulkArray(orderedMembers(set)) : EMPTY_ARRAY;
    },
  }),
  command({ name: 'sismember', arity: 3, keys: [1, 1, 1], run: (ctx, argv) => int(ctx.getSet(argv[1]!)?.members.has(argv[2]!) ? 1 : 0) }),
  command({
    name: 'smismember',
    arity: -3,
    keys: [1, 1, 1],
    run(ctx, argv) {
      const set = ctx.getSet(argv[1]!);
      return { kind: 'array', value: argv.slice(2).map((m) => int(set?.members.has(m) ? 1 : 0)) };
    },
  }),
  command({ name: 'scard', arity: 2, keys: [1, 1, 1], run: (ctx, argv) => int(ctx.getSet(argv[1]!)?.members.size ?? 0) }),
  command({ name: 'spop', arity: -2, write: true, keys: [1, 1, 1], run: spop }),
  command({ name: 'srandmember', arity: -2, keys: [1, 1, 1], run: srandmember }),
  command({ name: 'smove', arity: 4, write: true, keys: [1, 2, 1], run: smove }),
  command({ name: 'sinter', arity: -2, keys: [1, -1, 1], run: (ctx, argv) => setOperation(ctx, 'inter', argv.slice(1)) }),
  command({ name: 'sunion', arity: -2, keys: [1, -1, 1], run: (ctx, argv) => setOperation(ctx, 'union', argv.slice(1)) }),
  command({ name: 'sdiff', arity: -2, keys: [1, -1, 1], run: (ctx, argv) => setOperation(ctx, 'diff', argv.slice(1)) }),
  command({ name: 'sinterstore', arity: -3, write: true, keys: [1, -1, 1], run: (ctx, argv) => setOperationStore(ctx, 'inter', argv[1]!, argv.slice(2)) }),
  command({ name: 'sunionstore', arity: -3, write: true, keys: [1, -1, 1], run: (ctx, argv) => setOperationStore(ctx, 'union', argv[1]!, argv.slice(2)) }),
  command({ name: 'sdiffstore', arity: -3, write: true, keys: [1, -1, 1], run: (ctx, argv) => setOperationStore(ctx, 'diff', argv[1]!, argv.slice(2)) }),
  command({ name: 'sintercard', arity: -3, run: sintercard }),
  command({ name: 'sscan', arity: -3, keys: [1, 1, 1], run: sscan }),
];
