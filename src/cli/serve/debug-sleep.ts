// DEBUG SLEEP on a real server: the process stops for that long, as Redis's does (a synchronous
// sleep: inside EXEC too, so what expires meanwhile has expired when the transaction ends and
// blocked clients are served). The engine alone has no time to spend, so it answers at once.
// Other DEBUG subcommands are unchanged.
import { command, type CommandSpec, OK, type PersistentServer } from '../../engine/index.js';

const SLEEPER = new Int32Array(new SharedArrayBuffer(4));

export function debugSleepCommand(server: PersistentServer): CommandSpec {
  const debug = server.engine.commands.get('debug')!;
  return command({
    ...debug,
    run(ctx, argv) {
      if (argv[1]!.toLowerCase() !== 'sleep' || argv.length !== 3) return debug.run(ctx, argv);
      // strtod: what does not parse sleeps 0.
      const seconds = Number.parseFloat(argv[2]!);
      if (Number.isFinite(seconds) && seconds > 0) Atomics.wait(SLEEPER, 0, 0, seconds * 1000);
      return OK;
    },
  });
}
