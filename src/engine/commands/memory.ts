// MEMORY USAGE / STATS / DOCTOR / MALLOC-STATS / PURGE / HELP. The lab has no allocator to ask:
// USAGE computes what redis 7.0 computes for the key's encoding (objectComputeSize with every
// element counted, as SAMPLES 0); STATS is built from the same used-memory figure maxmemory and
// INFO use, with redis's formulas for the keyspace dicts' overhead and no fragmentation;
// MALLOC-STATS answers as a Redis built without jemalloc does.
import type { Engine } from '../engine.js';
import { ERR } from '../errors.js';
import { STARTUP_BYTES } from '../eviction.js';
import { expiresDictOverhead, mainDictOverhead, memoryUsage } from '../keyspace/memory-usage.js';
import { array, bulk, int, NIL, OK, status, type Reply } from '../resp/reply.js';
import { formatDouble, parseIntArg } from '../util/numbers.js';
import { command, fail, type CommandSpec } from './types.js';

const HELP = [
  'MEMORY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'DOCTOR',
  '    Return memory problems reports.',
  'MALLOC-STATS',
  '    Return internal statistics report from the memory allocator.',
  'PURGE',
  '    Attempt to purge dirty pages for reclamation by the allocator.',
  'STATS',
  '    Return information about the memory usage of the server.',
  'USAGE <key> [SAMPLES <count>]',
  '    Return memory in bytes used by <key> and its value. Nested values are',
  '    sampled up to <count> times (default: 5, 0 means sample all).',
  'HELP',
  '    Prints this help.',
];

/** memoryCommand's STATS map, from the lab's estimate; what the lab has none of is 0. */
function memoryStats(engine: Engine): Reply {
  const total = engine.estimatedMemory();
  let keys = 0;
  let overhead = STARTUP_BYTES;
  const dbs: Reply[] = [];
  for (const db of engine.dbs) {
    if (db.size === 0) continue;
    keys += db.size;
    const main = mainDictOverhead(db.size);
    const expires = expiresDictOverhead(db.expires.size);
    overhead += main + expires;
    dbs.push(bulk(`db.${db.id}`), array([bulk('overhead.hashtable.main'), int(main), bulk('overhead.hashtable.expires'), int(expires), bulk('overhead.hashtable.slot-to-keys'), int(0)]));
  }
  // As redis: the dataset is what the overhead does not explain.
  const dataset = Math.max(0, total - overhead);
  const net = total - STARTUP_BYTES;
  const field = (name: string, value: number) => [bulk(name), int(value)];
  const ratio = (name: string, value: number) => [bulk(name), bulk(formatDouble(value))];
  return array([
    ...field('peak.allocated', total),
    ...field('total.allocated', total),
    ...field('startup.allocated', STARTUP_BYTES),
    ...['replication.backlog', 'clients.slaves', 'clients.normal', 'cluster.links', 'aof.buffer', 'lua.caches', 'functions.caches'].flatMap((name) => field(name, 0)),
    ...dbs,
    ...field('overhead.total', overhead),
    ...field('keys.count', keys),
    ...field('keys.bytes-per-key', keys === 0 ? 0 : Math.floor(net / keys)),
    ...field('dataset.bytes', dataset),
    ...ratio('dataset.percentage', net <= 0 ? 0 : (dataset * 100) / net),
    ...ratio('peak.percentage', 100),
    ...field('allocator.allocated', total),
    ...field('allocator.active', total),
    ...field('allocator.resident', total),
    ...ratio('allocator-fragmentation.ratio', 1),
    ...field('allocator-fragmentation.bytes', 0),
    ...ratio('allocator-rss.ratio', 1),
    ...field('allocator-rss.bytes', 0),
    ...ratio('rss-overhead.ratio', 1),
    ...field('rss-overhead.bytes', 0),
    ...ratio('fragmentation', 1),
    ...field('fragmentation.bytes', 0),
  ]);
}

/** memoryDoctor's verdict: the lab's estimate has no fragmentation, RSS or peak to complain of. */
function memoryDoctor(engine: Engine): string {
  // Redis calls an instance under 5 MB empty.
  if (engine.estimatedMemory() < 5 * 1024 * 1024) {
    return (
      'Hi Sam, this instance is empty or is using very little memory, my issues detector can\'t be used in these conditions. ' +
      'Please, leave for your mission on Earth and fill it with some data. The new Sam and I will be back to our programming as soon as I finished rebooting.\n'
    );
  }
  return "Hi Sam, I can't find any memory issue in your instance. I can only account for what occurs on this base.\n";
}

export const memoryCommands: readonly CommandSpec[] = [
  command({
    name: 'memory',
    arity: -2,
    run: () => fail(ERR.syntax),
    subcommands: {
      usage: command({
        name: 'memory|usage',
        arity: -3,
        keys: [2, 2, 1],
        run(ctx, argv) {
          for (let j = 3; j < argv.length; j++) {
            if (argv[j]!.toLowerCase() === 'samples' && j + 1 < argv.length) {
              const samples = parseIntArg(argv[++j]!);
              if (samples === null) fail(ERR.notInteger);
              if (samples < 0) fail(ERR.syntax);
            } else fail(ERR.syntax);
          }
          // dictFind: an expired key not yet deleted still counts.
          const value = ctx.db.dict.get(argv[2]!);
          return value === undefined ? NIL : int(memoryUsage(argv[2]!, value));
        },
      }),
      stats: command({ name: 'memory|stats', arity: 2, run: (ctx) => memoryStats(ctx.engine) }),
      doctor: command({ name: 'memory|doctor', arity: 2, run: (ctx) => bulk(memoryDoctor(ctx.engine)) }),
      'malloc-stats': command({ name: 'memory|malloc-stats', arity: 2, run: () => bulk('Stats not supported for the current allocator') }),
      purge: command({ name: 'memory|purge', arity: 2, run: () => OK }),
      help: command({ name: 'memory|help', arity: 2, run: () => array(HELP.map(status)) }),
    },
  }),
];
