// MEMORY USAGE / PURGE / HELP. The lab has no allocator to ask: USAGE is the same estimate the
// keyspace panels and INFO's used_memory use (payload plus a per-entry overhead), not Redis's
// jemalloc figure, so it answers the questions Redis's users ask of it (is it there, how big,
// did it grow) without matching Redis's bytes.
import { ERR } from '../errors.js';
import { valueBytes } from '../keyspace/values.js';
import { array, int, NIL, OK, status } from '../resp/reply.js';
import { parseIntArg } from '../util/numbers.js';
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

/** The dict entry, key and robj header as Redis's objectComputeSize counts them, roughly. */
const KEY_OVERHEAD = 48;

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
          return value === undefined ? NIL : int(KEY_OVERHEAD + argv[2]!.length + valueBytes(value));
        },
      }),
      purge: command({ name: 'memory|purge', arity: 2, run: () => OK }),
      help: command({ name: 'memory|help', arity: 2, run: () => array(HELP.map(status)) }),
    },
  }),
];
