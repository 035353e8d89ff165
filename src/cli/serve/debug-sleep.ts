// DEBUG SLEEP on a real server: the event loop stops for that long, as Redis's does (the engine
// alone has no time to spend, so it answers at once). Other DEBUG subcommands are unchanged.
import { command, type CommandSpec, OK, type PersistentServer } from '../../engine/index.js';

export function debugSleepCommand(server: PersistentServer): CommandSpec {
  const debug = server.engine.commands.get('debug')!;
  return command({
    ...debug,
    run(ctx, argv) {
      if (argv[1]!.toLowerCase() !== 'sleep' || argv.length !== 3) return debug.run(ctx, argv);
      // strtod: what does not parse sleeps 0.
      const seconds = Number.parseFloat(argv[2]!);
      const ms = Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 0;
      server.block(new Promise((resolve) => setTimeout(resolve, ms)));
      return OK;
    },
  });
}
