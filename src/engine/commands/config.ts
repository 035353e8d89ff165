// CONFIG GET / SET / RESETSTAT / REWRITE / HELP as redis-server 7.0 answers them, over the
// engine's Config. SET with several pairs is all-or-nothing, as in Redis; what a new value
// changes at once (encoding limits, maxmemory, appendonly …) follows from Config's listeners.
import type { Bin } from '../bytes.js';
import { Config, ConfigError } from '../config.js';
import { ERR } from '../errors.js';
import { array, bulk, OK } from '../resp/reply.js';
import { stringMatch } from '../util/glob.js';
import { helpReply } from './command-introspection.js';
import { command, fail, type CommandSpec } from './types.js';

const HELP = [
  'GET <pattern>',
  '    Return parameters matching the glob-like <pattern> and their values.',
  'SET <directive> <value>',
  '    Set the configuration <directive> to <value>.',
  'RESETSTAT',
  '    Reset statistics reported by the INFO command.',
  'REWRITE',
  '    Rewrite the configuration file.',
];

export const configCommands: readonly CommandSpec[] = [
  command({
    name: 'config',
    arity: -2,
    run: () => fail(ERR.syntax),
    subcommands: {
      get: command({
        name: 'config|get',
        arity: -3,
        run(ctx, argv) {
          const seen = new Map<string, string>();
          for (const pattern of argv.slice(2)) {
            for (const [name, value] of ctx.engine.config.entries((n) => stringMatch(pattern.toLowerCase(), n, true))) seen.set(name, value);
          }
          return array([...seen].flatMap(([name, value]) => [bulk(name), bulk(value)]));
        },
      }),
      set: command({
        name: 'config|set',
        arity: -4,
        run(ctx, argv) {
          if (argv.length % 2 !== 0) fail(ERR.wrongArity('config|set'));
          const pairs: [Bin, Bin][] = [];
          for (let i = 2; i < argv.length; i += 2) pairs.push([argv[i]!.toLowerCase(), argv[i + 1]!]);
          // As Redis: names first (unknown, immutable, protected, duplicates), then the values
          // on a copy, so a bad pair changes nothing.
          const guard = (run: () => void) => {
            try {
              run();
            } catch (e) {
              if (e instanceof ConfigError) fail(`ERR ${e.message}`);
              throw e;
            }
          };
          const names = new Set<string>();
          for (const [name] of pairs) {
            guard(() => Config.settable(name));
            if (names.has(name)) fail(`ERR CONFIG SET failed (possibly related to argument '${name}') - duplicate parameter`);
            names.add(name);
          }
          const trial = new Config();
          for (const [name, value] of pairs) guard(() => trial.set(name, value));
          for (const [name, value] of pairs) ctx.engine.config.set(name, value);
          return OK;
        },
      }),
      resetstat: command({
        name: 'config|resetstat',
        arity: 2,
        run(ctx) {
          ctx.engine.resetStats();
          return OK;
        },
      }),
      rewrite: command({ name: 'config|rewrite', arity: 2, run: () => fail('ERR The server is running without a config file') }),
      help: command({ name: 'config|help', arity: 2, run: () => helpReply('config', HELP) }),
    },
  }),
];
