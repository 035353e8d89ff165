// Server and database commands: SELECT, MOVE, SWAPDB, FLUSHDB, FLUSHALL, DBSIZE, PING, ECHO,
// TIME, INFO, DEBUG (DIGEST, DIGEST-VALUE, POPULATE, SET-ACTIVE-EXPIRE, SLEEP) and COMMAND.
import type { Bin } from '../bytes.js';
import { parseMemory } from '../config.js';
import { datasetDigest, valueDigest } from '../digest.js';
import { ERR } from '../errors.js';
import { infoText } from '../info.js';
import { array, bulk, int, OK, status, type Reply } from '../resp/reply.js';
import { parseIntArg } from '../util/numbers.js';
import { command, fail, type CommandSpec } from './types.js';

const INT32_MAX = 2 ** 31 - 1;

function parseDbIndex(arg: Bin, message: string = ERR.notInteger): number {
  const id = parseIntArg(arg);
  if (id === null || id < -(2 ** 31) || id > INT32_MAX) fail(message);
  return id;
}

/** FLUSHDB/FLUSHALL take an optional SYNC or ASYNC; both flush at once here. */
function checkFlushFlags(argv: readonly Bin[]): void {
  if (argv.length > 2) fail(ERR.syntax);
  if (argv.length === 2 && !['sync', 'async'].includes(argv[1]!.toLowerCase())) fail(ERR.syntax);
}

const PONG = status('PONG');

const debugSubcommands: Record<string, (ctx: Parameters<CommandSpec['run']>[0], argv: readonly Bin[]) => Reply> = {
  digest: (ctx, argv) => {
    if (argv.length !== 2) fail(ERR.syntax);
    return status(datasetDigest(ctx.engine));
  },
  'digest-value': (ctx, argv) => array(argv.slice(2).map((key) => status(valueDigest(ctx.db, key)))),
  populate: (ctx, argv) => {
    if (argv.length < 3 || argv.length > 5) fail(ERR.syntax);
    const count = parseIntArg(argv[2]!);
    if (count === null || count < 0) fail(ERR.outOfRangePositive);
    const prefix = argv.length >= 4 ? argv[3]! : 'key';
    let size = 0;
    if (argv.length === 5) {
      const parsed = parseIntArg(argv[4]!);
      if (parsed === null || parsed < 0) fail(ERR.outOfRangePositive);
      size = parsed;
    }
    const db = ctx.db;
    for (let i = 0; i < count; i++) {
      const key = `${prefix}:${i}`;
      if (ctx.exists(key)) continue;
      let value = `value:${i}`;
      if (size > 0) value = value.length >= size ? value.slice(0, size) : value + '\0'.repeat(size - value.length);
      db.dict.set(key, value);
    }
    return OK;
  },
  'set-active-expire': (ctx, argv) => {
    if (argv.length !== 3) fail(ERR.syntax);
    ctx.engine.activeExpireEnabled = argv[2] !== '0';
    return OK;
  },
  sleep: () => OK,
  // The size above which a list element gets a quicklist node of its own: the lab's lists have
  // no nodes, so only the argument is checked.
  'quicklist-packed-threshold': (_ctx, argv) => {
    if (argv.length !== 3) fail(ERR.subcommandSyntax(argv[1]!, 'debug'));
    const size = parseMemory(argv[2]!);
    if (size === null || size > 2 ** 32 - 2 ** 20) fail('ERR argument must be a memory value bigger than 1 and smaller than 4gb');
    return OK;
  },
  help: () =>
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
      dst.setKey(key, value);
      if (expire !== undefined) dst.expires.set(key, expire);
      src.delete(key);
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
        const [dbA, dbB] = [ctx.engine.dbs[a]!, ctx.engine.dbs[b]!];
        ctx.engine.watches.touchAllInDb(dbA, dbB);
        ctx.engine.watches.touchAllInDb(dbB, dbA);
        dbA.swapWith(dbB);
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
      ctx.engine.watches.touchAllInDb(ctx.db, null);
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
      for (const db of ctx.engine.dbs) {
        removed += db.size;
        ctx.engine.watches.touchAllInDb(db, null);
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
      const sub = argv[1]!.toLowerCase();
      const handler = debugSubcommands[sub];
      if (!handler) fail(ERR.subcommandSyntax(argv[1]!, 'debug'));
      return handler(ctx, argv);
    },
  }),
  command({
    name: 'command',
    arity: -1,
    subcommands: {
      count: command({ name: 'command|count', arity: 2, run: (ctx) => int(ctx.engine.commands.size) }),
      list: command({
        name: 'command|list',
        arity: -2,
        run: (ctx) => array([...ctx.engine.commands.keys()].map((name) => bulk(name))),
      }),
      info: command({
        name: 'command|info',
        arity: -2,
        run: (ctx, argv) =>
          array(
            argv.slice(2).map((name) => {
              const spec = ctx.engine.commands.get(name.toLowerCase());
              if (!spec) return bulk(null);
              const [first, last, step] = spec.keys ?? [0, 0, 0];
              return array([
                bulk(spec.name),
                int(spec.arity),
                array([status(spec.write ? 'write' : 'readonly')]),
                int(first),
                int(last),
                int(step),
              ]);
            }),
          ),
      }),
    },
    run: (ctx) => array([...ctx.engine.commands.keys()].map((name) => bulk(name))),
  }),
];
