// CONFIG GET / SET / RESETSTAT / REWRITE / HELP as redis-server 7.0 answers them, over the
// server's Config. SET with several pairs is all-or-nothing, as in Redis.
import type { Bin } from '../bytes.js';
import { command, fail, type CommandSpec } from '../commands/types.js';
import { Config, ConfigError } from '../config.js';
import { ERR } from '../errors.js';
import { array, bulk, OK, status } from '../resp/reply.js';
import { stringMatch } from '../util/glob.js';

const HELP = [
  'CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'GET <pattern>',
  '    Return parameters matching the glob-like <pattern> and their values.',
  'SET <directive> <value>',
  '    Set the configuration <directive> to <value>.',
  'RESETSTAT',
  '    Reset statistics reported by the INFO command.',
  'REWRITE',
  '    Rewrite the configuration file.',
  'HELP',
  '    Prints this help.',
];

export interface ConfigHost {
  config: Config;
  /** Called after a successful SET, for directives that act at once (appendonly …). */
  applied(name: string, value: string): void;
  resetStats(): void;
}

export function configCommand(host: ConfigHost): CommandSpec {
  return command({
    name: 'config',
    arity: -2,
    run: () => fail(ERR.syntax),
    subcommands: {
      get: command({
        name: 'config|get',
        arity: -3,
        run(_ctx, argv) {
          const seen = new Map<string, string>();
          for (const pattern of argv.slice(2)) {
            for (const [name, value] of host.config.entries((n) => stringMatch(pattern.toLowerCase(), n, true))) seen.set(name, value);
          }
          return array([...seen].flatMap(([name, value]) => [bulk(name), bulk(value)]));
        },
      }),
      set: command({
        name: 'config|set',
        arity: -4,
        run(_ctx, argv) {
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
          for (const [name, value] of pairs) {
            host.config.set(name, value);
            host.applied(name, host.config.get(name));
          }
          return OK;
        },
      }),
      resetstat: command({
        name: 'config|resetstat',
        arity: 2,
        run() {
          host.resetStats();
          return OK;
        },
      }),
      rewrite: command({ name: 'config|rewrite', arity: 2, run: () => fail('ERR The server is running without a config file') }),
      help: command({ name: 'config|help', arity: 2, run: () => array(HELP.map((line) => status(line))) }),
    },
  });
}
