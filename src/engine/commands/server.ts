// Server and database commands: SELECT, MOVE, SWAPDB, FLUSHDB, FLUSHALL, DBSIZE, PING, ECHO,
// TIME, INFO and DEBUG (DIGEST, DIGEST-VALUE, POPULATE, SET-ACTIVE-EXPIRE, SLEEP, OBJECT).
import { type Bin, cString } from '../bytes.js';
import { datasetDigest, valueDigest } from '../digest.js';
import { ERR } from '../errors.js';
import { infoText } from '../info.js';
import { array, bulk, int, OK, status, type Reply } from '../resp/reply.js';
import { idleMs } from '../keyspace/access.js';
import { ListValue, objectEncoding } from '../keyspace/values.js';
import { serializedLength } from '../rdb/writer.js';
import { formatFixed, parseIntArg } from '../util/numbers.js';
import { parseDbIndex } from './db-index.js';
import { refCount } from './keys.js';
import { command, fail, type CommandSpec } from './types.js';




/** FLUSHDB/FLUSHALL take an optional SYNC or ASYNC; both flush at once here. */
function checkFlushFlags(argv: readonly Bin[]): void {
  if (argv.length > 2) fail(ERR.syntax);
  if (argv.length === 2 && !['sync', 'async'].includes(argv[1]!.toLowerCase())) fail(ERR.syntax);
}

const PONG = status('PONG');

/**
 * DEBUG OBJECT's line as redis 7.0 formats it. The value is read without expiring it; its
 * address is the lab's invention (an object number), everything else is computed as redis does.
 */
function debugObject(ctx: Parameters<CommandSpec['run']>[0], key: Bin): string {
  const value = ctx.db.dict.get(key);
  if (value === undefined) fail(ERR.noSuchKey);
  const engine = ctx.engine;
  engine.trackAccess();
  const field = engine.keyAccess(ctx.db, key);
  let extra = '';
  if (value instanceof ListValue) {
    const nodes = value.items.nodeList();
    const bytes = nodes.reduce((sum, n) => sum + n.sz, 0);
    extra =
      ` ql_nodes:${nodes.length} ql_avg_node:${formatFixed(value.items.length / nodes.length, 2)}` +
      ` ql_listpack_max:${value.items.fill} ql_compressed:${value.items.compress !== 0 ? 1 : 0} ql_uncompressed_size:${bytes}`;
  }
  const address = `0x7f${(0x10000000 + ctx.db.id * 0x1000000 + (hashKey(key) & 0xffffff) * 16).toString(16)}`;
  return (
    `Value at:${address} refcount:${refCount(value, engine)} encoding:${objectEncoding(value)} ` +
    `serializedlength:${serializedLength(value, engine.config.getBool('rdbcompression'))} ` +
    `lru:${field} lru_seconds_idle:${Math.floor(idleMs(field, ctx.now) / 1000)}${extra}`
  );
}

function hashKey(key: Bin): number {
  let h = 2166136261;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 16777619);
  return h >>> 0;
}

type DebugHandler = (ctx: Parameters<CommandSpec['run']>[0], argv: readonly Bin[]) => Reply;

/** C's atoi: optional blanks and sign, then digits; anything else ends the number (0 if none). */
function atoi(s: Bin): number {
  const m = /^[ \t\n\v\f\r]*([+-]?[0-9]+)/.exec(s);
  return m ? Number(m[1]) : 0;
}

/**
 * DEBUG's subcommands with the argument counts debugCommand accepts for each; any other count
 * falls through to its "unknown subcommand or wrong number of arguments" error.
 */
const debugSubcommands: Record<string, { argc: (n: number) => boolean; run: DebugHandler }> = {
  digest: { argc: (n) => n === 2, run: (ctx) => status(datasetDigest(ctx.engine)) },
  'digest-value': { argc: (n) => n >= 2, run: (ctx, argv) => array(argv.slice(2).map((key) => status(valueDigest(ctx.db, key)))) },
  populate: {
    argc: (n) => n >= 3 && n <= 5,
    run(ctx, argv) {
      const count = parseIntArg(argv[2]!);
      if (count === null || count < 0) fail(ERR.outOfRangePositive);
      // snprintf("%s:%lu") into a 128-byte buffer: the prefix ends at a NUL, the key at 127 bytes.
      const prefix = argv.length >= 4 ? cString(argv[3]!) : 'key';
      let size = 0;
      if (argv.length === 5) {
        const parsed = parseIntArg(argv[4]!);
        if (parsed === null || parsed < 0) fail(ERR.outOfRangePositive);
        size = parsed;
      }
      const db = ctx.db;
      for (let i = 0; i < count; i++) {
        const key = `${prefix}:${i}`.slice(0, 127);
        if (ctx.exists(key)) continue;
        let value = `value:${i}`;
        if (size > 0) value = value.length >= size ? value.slice(0, size) : value + '\0'.repeat(size - value.length);
        db.dict.set(key, value);
      }
      return OK;
    },
  },
  'set-active-expire': {
    argc: (n) => n === 3,
    run(ctx, argv) {
      ctx.engine.activeExpireEnabled = atoi(argv[2]!) !== 0;
      return OK;
    },
  },
  object: {
    argc: (n) => n === 3,
    run: (ctx, argv) => status(debugObject(ctx, argv[2]!)),
  },
  // The lab's server never blocks: the sleep is only acknowledged.
  sleep: { argc: (n) => n === 3, run: () => OK },
  help: {
    argc: (n) => n === 2,
    run: () =>
      array(
        [
          'DEBUG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
          'DIGEST',
          '    Output a hex signature representing the current DB content.',
          'DIGEST-VALUE <key> [<key> ...]',
          '    Output a hex signature of the values of all the specified keys.',
          'POPULATE <count> [<prefix>] [<size>]',
          '    Create <count> string keys named key:<num>. If <prefix> is specified then',
          '    it is used instead of the \'key\' prefix. These are not propagated to',
          '    replicas. Cluster slots are not respected so keys not belonging to the',
          '    current node can be created in cluster mode.',
          'SET-ACTIVE-EXPIRE <0|1>',
          '    Setting it to 0 disables expiring keys in background when they are not',
          '    accessed (otherwise the Redis behavior). Setting it to 1 reenables back the',
          '    default.',
          'SLEEP <seconds>',
          '    Stop the server for <seconds>. Decimals allowed.',
          'HELP',
          '    Prints this help.',
        ].map(status),
      ),
  },
};

export const serverCommands: readonly CommandSpec[] = [
  command({
    name: 'select',
    arity: 2,
    run(ctx, argv) {
      const id = parseDbIndex(argv[1]!);
      if (id < 0 || id >= ctx.engine.dbs.length) fail(ERR.dbIndexOutOfRange);
      ctx.client.db = id;
      return OK;
    },
  }),
  command({
    name: 'move',
    arity: 3,
    write: true,
    keys: [1, 1, 1],
    run(ctx, argv) {
      const key = argv[1]!;
      const target = parseDbIndex(argv[2]!);
      if (target < 0 || target >= ctx.engine.dbs.length) fail(ERR.dbIndexOutOfRange);
      const src = ctx.db;
      const dst = ctx.engine.dbs[target]!;
      if (src === dst) fail(ERR.sameObject);
      const value = ctx.lookup(key);
      if (value === undefined) return int(0);
      if (ctx.lookup(key, dst) !== undefined) return int(0);
      const expire = src.expires.get(key);
      const access = ctx.engine.keyAccess(src, key);
      dst.setKey(key, value);
      ctx.engine.setKeyAccess(dst, key, access);
      if (expire !== undefined) dst.expires.set(key, expire);
      src.delete(key);
      ctx.signalModified(key, src);
      ctx.signalModified(key, dst);
      ctx.dirty();
      return int(1);
    },
  }),
  command({
    name: 'swapdb',
    arity: 3,
    write: true,
    run(ctx, argv) {
      const a = parseDbIndex(argv[1]!, ERR.invalidFirstDbIndex);
      const b = parseDbIndex(argv[2]!, ERR.invalidSecondDbIndex);
      const count = ctx.engine.dbs.length;
      if (a < 0 || a >= count || b < 0 || b >= count) fail(ERR.dbIndexOutOfRange);
      if (a !== b) {
        const [first, second] = [ctx.engine.dbs[a]!, ctx.engine.dbs[b]!];
        ctx.engine.signalFlushedDb(first, second);
        ctx.engine.signalFlushedDb(second, first);
        first.swapWith(second);
      }
      ctx.dirty();
      return OK;
    },
  }),
  command({
    name: 'flushdb',
    arity: -1,
    write: true,
    run(ctx, argv) {
      checkFlushFlags(argv);
      ctx.dirty(ctx.db.size);
      ctx.engine.signalFlushedDb(ctx.db);
      ctx.db.clear();
      ctx.forcePropagation();
      return OK;
    },
  }),
  command({
    name: 'flushall',
    arity: -1,
    write: true,
    run(ctx, argv) {
      checkFlushFlags(argv);
      let removed = 0;
      for (const db of ctx.engine.dbs) ctx.engine.signalFlushedDb(db);
      for (const db of ctx.engine.dbs) {
        removed += db.size;
        db.clear();
      }
      ctx.dirty(removed);
      ctx.forcePropagation();
      ctx.engine.emit('flushall');
      return OK;
    },
  }),
  command({ name: 'dbsize', arity: 1, run: (ctx) => int(ctx.db.size) }),
  command({
    name: 'ping',
    arity: -1,
    run(_ctx, argv) {
      if (argv.length > 2) fail(ERR.wrongArity('ping'));
      return argv.length === 2 ? bulk(argv[1]!) : PONG;
    },
  }),
  command({ name: 'echo', arity: 2, run: (_ctx, argv) => bulk(argv[1]!) }),
  command({
    name: 'time',
    arity: 1,
    run(ctx) {
      const ms = ctx.engine.clock.now();
      const seconds = Math.floor(ms / 1000);
      return array([bulk(String(seconds)), bulk(String(Math.floor((ms - seconds * 1000) * 1000)))]);
    },
  }),
  command({ name: 'info', arity: -1, run: (ctx, argv) => bulk(infoText(ctx.engine, argv.slice(1))) }),
  command({
    name: 'debug',
    arity: -2,
    run(ctx, argv) {
      const handler = debugSubcommands[cString(argv[1]!).toLowerCase()];
      if (!handler || !handler.argc(argv.length)) fail(ERR.subcommandSyntax(argv[1]!, 'debug'));
      return handler.run(ctx, argv);
    },
  }),
];
