// Hash commands. A HashValue keeps insertion order (the listpack order Redis shows while the hash
// is small) and converts to "hashtable" at the listpack limits, as hashTypeTryConversion does.
import type { Bin } from '../bytes.js';
import type { CommandContext } from '../context.js';
import { ERR } from '../errors.js';
import { HashValue } from '../keyspace/values.js';
import { bulk, bulkArray, EMPTY_ARRAY, int, NIL, OK, type Reply } from '../resp/reply.js';
import { stringMatch } from '../util/glob.js';
import { fitsInt64, parseInt64 } from '../util/numbers.js';
import { collectionScan, scanItems, scanReply } from './scan.js';
import { addAsLongDouble } from './strings.js';
import { checkPairCount, parseRandomCount, sample } from './random-count.js';
import { command, fail, type CommandSpec } from './types.js';
import { parseLongDouble } from '../util/long-double.js';

function hashForWrite(ctx: CommandContext, key: Bin): HashValue {
  let hash = ctx.getHash(key);
  if (!hash) {
    hash = new HashValue();
    ctx.db.setKey(key, hash);
  }
  return hash;
}

function setFields(ctx: CommandContext, hash: HashValue, pairs: readonly Bin[]): number {
  hash.fit(ctx.limits, pairs);
  let created = 0;
  for (let i = 0; i < pairs.length; i += 2) {
    if (!hash.fields.has(pairs[i]!)) created++;
    hash.fields.set(pairs[i]!, pairs[i + 1]!);
  }
  hash.fit(ctx.limits);
  return created;
}

function hset(ctx: CommandContext, argv: readonly Bin[], name: string): number {
  if (argv.length % 2 === 1) fail(ERR.wrongArity(name));
  const hash = hashForWrite(ctx, argv[1]!);
  const created = setFields(ctx, hash, argv.slice(2));
  ctx.dirty((argv.length - 2) / 2);
  return created;
}

function fieldsReply(ctx: CommandContext, key: Bin, part: 'keys' | 'values' | 'both'): Reply {
  const hash = ctx.getHash(key);
  if (!hash) return EMPTY_ARRAY;
  const out: Bin[] = [];
  for (const [f, v] of hash.fields) {
    if (part !== 'values') out.push(f);
    if (part !== 'keys') out.push(v);
  }
  return bulkArray(out);
}

function hrandfield(ctx: CommandContext, argv: readonly Bin[]): Reply {
  if (argv.length === 2) {
    const hash = ctx.getHash(argv[1]!);
    if (!hash) return NIL;
    return bulk(sample([...hash.fields.keys()], 1, ctx.engine.rng)[0]!);
  }
  const count = parseRandomCount(argv[2]!);
  if (argv.length > 4 || (argv.length === 4 && argv[3]!.toLowerCase() !== 'withvalues')) fail(ERR.syntax);
  const withValues = argv.length === 4;
  if (withValues) checkPairCount(count);
  const hash = ctx.getHash(argv[1]!);
  if (!hash || count === 0n) return EMPTY_ARRAY;
  const picked = sample([...hash.fields], count, ctx.engine.rng);
  return bulkArray(picked.flatMap(([f, v]) => (withValues ? [f, v] : [f])));
}

function hscan(ctx: CommandContext, argv: readonly Bin[]): Reply {
  return collectionScan(argv, () => ctx.getHash(argv[1]!), (hash, options) => {
    const count = hash.encoding === 'listpack' ? Infinity : options.count;
    const { next, page } = scanItems(hash.fields, ([f]) => f, options.cursor, count);
    const out: Bin[] = [];
    for (const [f, v] of page) if (options.match === null || stringMatch(options.match, f)) out.push(f, v);
    return scanReply(next, out);
  });
}

export const hashCommands: readonly CommandSpec[] = [
  command({ name: 'hset', arity: -4, write: true, keys: [1, 1, 1], run: (ctx, argv) => int(hset(ctx, argv, 'hset')) }),
  command({
    name: 'hmset',
    arity: -4,
    write: true,
    keys: [1, 1, 1],
    run(ctx, argv) {
      hset(ctx, argv, 'hmset');
      return OK;
    },
  }),
  command({
    name: 'hsetnx',
    arity: 4,
    write: true,
    keys: [1, 1, 1],
    run(ctx, argv) {
      const existing = ctx.getHash(argv[1]!);
      if (existing?.fields.has(argv[2]!)) return int(0);
      setFields(ctx, hashForWrite(ctx, argv[1]!), [argv[2]!, argv[3]!]);
      ctx.dirty();
      return int(1);
    },
  }),
  command({ name: 'hget', arity: 3, keys: [1, 1, 1], run: (ctx, argv) => bulk(ctx.getHash(argv[1]!)?.fields.get(argv[2]!) ?? null) }),
  command({
    name: 'hmget',
    arity: -3,
    keys: [1, 1, 1],
    run(ctx, argv) {
      const hash = ctx.getHash(argv[1]!);
      return bulkArray(argv.slice(2).map((f) => hash?.fields.get(f) ?? null));
    },
  }),
  command({
    name: 'hdel',
    arity: -3,
    write: true,
    keys: [1, 1, 1],
    run(ctx, argv) {
      const hash = ctx.getHash(argv[1]!);
      if (!hash) return int(0);
      let deleted = 0;
      for (const f of argv.slice(2)) if (hash.fields.delete(f)) deleted++;
      ctx.deleteIfEmpty(argv[1]!, hash.fields.size);
      ctx.dirty(deleted);
      return int(deleted);
    },
  }),
  command({ name: 'hlen', arity: 2, keys: [1, 1, 1], run: (ctx, argv) => int(ctx.getHash(argv[1]!)?.fields.size ?? 0) }),
  command({ name: 'hstrlen', arity: 3, keys: [1, 1, 1], run: (ctx, argv) => int(ctx.getHash(argv[1]!)?.fields.get(argv[2]!)?.length ?? 0) }),
  command({ name: 'hexists', arity: 3, keys: [1, 1, 1], run: (ctx, argv) => int(ctx.getHash(argv[1]!)?.fields.has(argv[2]!) ? 1 : 0) }),
  command({ name: 'hgetall', arity: 2, keys: [1, 1, 1], run: (ctx, argv) => fieldsReply(ctx, argv[1]!, 'both') }),
  command({ name: 'hkeys', arity: 2, keys: [1, 1, 1], run: (ctx, argv) => fieldsReply(ctx, argv[1]!, 'keys') }),
  command({ name: 'hvals', arity: 2, keys: [1, 1, 1], run: (ctx, argv) => fieldsReply(ctx, argv[1]!, 'values') }),
  command({
    name: 'hincrby',
    arity: 4,
    write: true,
    keys: [1, 1, 1],
    run(ctx, argv) {
      const increment = parseInt64(argv[3]!);
      if (increment === null) fail(ERR.notInteger);
      const existing = ctx.getHash(argv[1]!)?.fields.get(argv[2]!);
      let value = 0n;
      if (existing !== undefined) {
        const parsed = parseInt64(existing);
        if (parsed === null) fail(ERR.hashNotInteger);
        value = parsed;
      }
      const result = value + increment;
      if (!fitsInt64(result)) fail(ERR.overflow);
      setFields(ctx, hashForWrite(ctx, argv[1]!), [argv[2]!, result.toString()]);
      ctx.dirty();
      return int(result);
    },
  }),
  command({
    name: 'hincrbyfloat',
    arity: 4,
    write: true,
    keys: [1, 1, 1],
    run(ctx, argv) {
      const [, key, field, increment] = argv as [Bin, Bin, Bin, Bin];
      const incr = parseLongDouble(increment);
      if (incr === null) fail(ERR.notFloat);
      if (incr.kind !== 'finite') fail(ERR.nanOrInfinityValue);
      const existing = ctx.getHash(key)?.fields.get(field);
      if (existing !== undefined && parseLongDouble(existing) === null) fail(ERR.hashNotFloat);
      const text = addAsLongDouble(existing, increment, ERR.hashNotFloat);
      setFields(ctx, hashForWrite(ctx, key), [field, text]);
      ctx.dirty();
      ctx.rewriteArgv(['HSET', key, field, text]);
      return bulk(text);
    },
  }),
  command({ name: 'hrandfield', arity: -2, keys: [1, 1, 1], run: hrandfield }),
  command({ name: 'hscan', arity: -3, keys: [1, 1, 1], run: hscan }),
];
