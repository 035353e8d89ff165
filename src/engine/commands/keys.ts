// Generic key commands: DEL, UNLINK, EXISTS, TOUCH, TYPE, RENAME, RENAMENX, KEYS, SCAN,
// RANDOMKEY, COPY and OBJECT, plus the expiry commands from expire.ts.
import type { Bin } from '../bytes.js';
import { randomBelow } from '../clock.js';
import type { CommandContext } from '../context.js';
import type { Engine } from '../engine.js';
import { ERR } from '../errors.js';
import { idleMs, lfuCounter } from '../keyspace/access.js';
import { HashValue, objectEncoding, RawString, SetValue, typeOf, ZSetValue, type RedisValue } from '../keyspace/values.js';
import { array, bulk, bulkArray, int, NIL, OK, status, type Reply } from '../resp/reply.js';
import { stringMatch } from '../util/glob.js';
import { parseInt64 } from '../util/numbers.js';
import { expireCommands } from './expire.js';
import { parseDbIndex } from './db-index.js';
import { parseScan, scanItems, scanReply } from './scan.js';
import { command, fail, type CommandSpec } from './types.js';

function deleteKeys(ctx: CommandContext, keys: readonly Bin[]): Reply {
  let deleted = 0;
  for (const key of keys) {
    if (ctx.exists(key) && ctx.db.delete(key)) deleted++;
  }
  ctx.dirty(deleted);
  return int(deleted);
}

function rename(ctx: CommandContext, argv: readonly Bin[], nx: boolean): Reply {
  const [, from, to] = argv as [Bin, Bin, Bin];
  const value = ctx.lookup(from);
  if (value === undefined) fail(ERR.noSuchKey);
  if (from === to) return nx ? int(0) : OK;
  const expire = ctx.db.expires.get(from);
  if (ctx.exists(to)) {
    if (nx) return int(0);
    ctx.db.delete(to);
  }
  // The value object moves: it keeps its access field.
  const access = ctx.engine.keyAccess(ctx.db, from);
  ctx.db.setKey(to, value);
  ctx.engine.setKeyAccess(ctx.db, to, access);
  if (expire !== undefined) ctx.db.expires.set(to, expire);
  ctx.db.delete(from);
  ctx.dirty();
  return nx ? int(1) : OK;
}

/** A deep copy with the same encoding, as COPY's per-type dup functions make it. */
export function copyValue(value: RedisValue): RedisValue {
  // dupStringObject gives a shared integer a private object of its own.
  if (typeof value === 'string') return refCount(value) === 1 ? value : new RawString(value, 'int');
  if (value instanceof RawString) return value.copy();
  switch (value.type) {
    case 'list':
      return value.clone();
    case 'hash': {
      const copy = new HashValue();
      for (const [f, v] of value.fields) copy.fields.set(f, v);
      copy.encoding = value.encoding;
      return copy;
    }
    case 'set': {
      const copy = new SetValue();
      for (const m of value.members) copy.members.add(m);
      copy.encoding = value.encoding;
      return copy;
    }
    case 'zset': {
      const copy = new ZSetValue();
      for (const e of value.sorted) {
        copy.scores.set(e.member, e.score);
        copy.sorted.push({ member: e.member, score: e.score });
      }
      copy.encoding = value.encoding;
      return copy;
    }
    case 'stream':
      return value.clone();
  }
}

function copyCommand(ctx: CommandContext, argv: readonly Bin[]): Reply {
  const [, key, newKey] = argv as [Bin, Bin, Bin];
  let dst = ctx.db;
  let replace = false;
  for (let j = 3; j < argv.length; j++) {
    const opt = argv[j]!.toLowerCase();
    if (opt === 'replace') replace = true;
    else if (opt === 'db' && j + 1 < argv.length) {
      const id = parseDbIndex(argv[j + 1]!);
      const db = ctx.engine.dbs[id];
      if (!db || id < 0) fail(ERR.dbIndexOutOfRange);
      dst = db;
      j++;
    } else fail(ERR.syntax);
  }
  if (dst === ctx.db && key === newKey) fail(ERR.sameObject);
  const value = ctx.lookup(key);
  if (value === undefined) return int(0);
  const expire = ctx.db.expires.get(key);
  if (ctx.exists(newKey, dst)) {
    if (!replace) return int(0);
    dst.delete(newKey);
  }
  dst.setKey(newKey, copyValue(value));
  if (expire !== undefined) dst.expires.set(newKey, expire);
  ctx.signalModified(newKey, dst);
  ctx.dirty();
  return int(1);
}

function scanCommand(ctx: CommandContext, argv: readonly Bin[]): Reply {
  const options = parseScan(argv, 1, { allowType: true });
  const { next, page } = scanItems(ctx.db.dict.keys(), (k) => k, options.cursor, options.count);
  const keys = page.filter((key) => {
    if (options.match !== null && !stringMatch(options.match, key)) return false;
    const value = ctx.peek(key);
    if (value === undefined) return false;
    return options.type === null || typeOf(value) === options.type.toLowerCase();
  });
  return scanReply(next, keys);
}

const OBJECT_HELP = [
  'OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'ENCODING <key>',
  '    Return the kind of internal representation used in order to store the value',
  '    associated with a <key>.',
  'FREQ <key>',
  '    Return the access frequency index of the <key>. The returned integer is',
  '    proportional to the logarithm of the recent access frequency of the key.',
  'IDLETIME <key>',
  '    Return the idle time of the <key>, that is the approximated number of',
  '    seconds elapsed since the last access to the key.',
  'REFCOUNT <key>',
  '    Return the number of references of the value associated with the specified',
  '    <key>.',
  'HELP',
  '    Prints this help.',
];

/**
 * Values Redis keeps as shared integer objects (0..9999) report a refcount of INT_MAX; redis
 * stops sharing them under an LRU or LFU policy with maxmemory set (each value needs its own
 * access field).
 */
export function refCount(value: RedisValue, engine?: Engine): number {
  if (typeof value === 'string' && value.length <= 4) {
    const n = parseInt64(value);
    if (n !== null && n >= 0n && n < 10000n && !(engine && sharedIntegersOff(engine))) return 2147483647;
  }
  return 1;
}

function sharedIntegersOff(engine: Engine): boolean {
  return engine.config.get('maxmemory') !== '0' && /lru|lfu/.test(engine.config.get('maxmemory-policy'));
}

const objectSub = (name: string, run: (value: RedisValue, ctx: CommandContext, key: Bin) => Reply) =>
  command({
    name: `object|${name}`,
    arity: 3,
    keys: [2, 2, 1],
    run(ctx, argv) {
      const value = ctx.peek(argv[2]!);
      return value === undefined ? NIL : run(value, ctx, argv[2]!);
    },
  });

/** OBJECT IDLETIME / FREQ: the key's access field under the policy that reads it. */
function accessReply(ctx: CommandContext, key: Bin, want: 'idle' | 'freq'): Reply {
  const engine = ctx.engine;
  const lfu = engine.config.get('maxmemory-policy').endsWith('lfu');
  if (want === 'idle' && lfu) fail(ERR.lfuSelected);
  if (want === 'freq' && !lfu) fail(ERR.lfuNotSelected);
  engine.trackAccess();
  const field = engine.keyAccess(ctx.db, key);
  if (want === 'idle') return int(Math.floor(idleMs(field, ctx.now) / 1000));
  return int(lfuCounter(field, ctx.now, engine.config.getNumber('lfu-decay-time')));
}

export const keyCommands: readonly CommandSpec[] = [
  command({ name: 'del', arity: -2, write: true, keys: [1, -1, 1], run: (ctx, argv) => deleteKeys(ctx, argv.slice(1)) }),
  command({ name: 'unlink', arity: -2, write: true, keys: [1, -1, 1], run: (ctx, argv) => deleteKeys(ctx, argv.slice(1)) }),
  command({ name: 'exists', arity: -2, keys: [1, -1, 1], run: (ctx, argv) => int(argv.slice(1).filter((k) => ctx.peek(k) !== undefined).length) }),
  command({ name: 'touch', arity: -2, keys: [1, -1, 1], run: (ctx, argv) => int(argv.slice(1).filter((k) => ctx.exists(k)).length) }),
  command({
    name: 'type',
    arity: 2,
    keys: [1, 1, 1],
    run(ctx, argv) {
      const value = ctx.peek(argv[1]!);
      return status(value === undefined ? 'none' : typeOf(value));
    },
  }),
  command({ name: 'rename', arity: 3, write: true, keys: [1, 2, 1], run: (ctx, argv) => rename(ctx, argv, false) }),
  command({ name: 'renamenx', arity: 3, write: true, keys: [1, 2, 1], run: (ctx, argv) => rename(ctx, argv, true) }),
  command({
    name: 'keys',
    arity: 2,
    run(ctx, argv) {
      const pattern = argv[1]!;
      const all = pattern === '*';
      const now = ctx.now;
      const keys: Bin[] = [];
      for (const key of ctx.db.dict.keys()) {
        const when = ctx.db.expires.get(key);
        if (when !== undefined && when < now && !ctx.engine.loading) continue;
        if (all || stringMatch(pattern, key)) keys.push(key);
      }
      return bulkArray(keys);
    },
  }),
  command({ name: 'scan', arity: -2, run: scanCommand }),
  command({
    name: 'randomkey',
    arity: 1,
    run(ctx) {
      for (let attempt = 0; attempt < 100 && ctx.db.size > 0; attempt++) {
        const keys = [...ctx.db.dict.keys()];
        const key = keys[randomBelow(ctx.engine.rng, keys.length)]!;
        if (ctx.exists(key)) return bulk(key);
      }
      return NIL;
    },
  }),
  command({ name: 'copy', arity: -3, write: true, keys: [1, 2, 1], run: copyCommand }),
  command({
    name: 'object',
    arity: -2,
    run: () => fail(ERR.syntax),
    subcommands: {
      encoding: objectSub('encoding', (value) => bulk(objectEncoding(value))),
      refcount: objectSub('refcount', (value, ctx) => int(refCount(value, ctx.engine))),
      idletime: objectSub('idletime', (_, ctx, key) => accessReply(ctx, key, 'idle')),
      freq: objectSub('freq', (_, ctx, key) => accessReply(ctx, key, 'freq')),
      help: command({ name: 'object|help', arity: 2, run: () => array(OBJECT_HELP.map((line) => ({ kind: 'status', value: line }))) }),
    },
  }),
  ...expireCommands,
];
