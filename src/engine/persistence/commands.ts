// The persistence commands a PersistentServer adds to its engine: SAVE, BGSAVE, BGREWRITEAOF and
// LASTSAVE, with redis-server 7.0's replies. The synchronous part (the fork's snapshot) happens
// here; the file work continues in the server.
import { ERR } from '../errors.js';
import { command, fail, type CommandSpec } from '../commands/types.js';
import { int, OK, status } from '../resp/reply.js';
import type { PersistentServer } from './server.js';

export function persistenceCommands(server: PersistentServer): CommandSpec[] {
  return [
    command({
      name: 'save',
      arity: 1,
      noMulti: true,
      run() {
        if (server.job?.kind === 'rdb') fail(ERR.bgsaveInProgress);
        server.requestBlockingSave();
        return OK;
      },
    }),
    command({
      name: 'bgsave',
      arity: -1,
      run(_ctx, argv) {
        const schedule = argv.length > 1 && argv[1]!.toLowerCase() === 'schedule';
        if (argv.length > 2 || (argv.length === 2 && !schedule)) fail(ERR.syntax);
        if (server.job?.kind === 'rdb') fail(ERR.bgsaveInProgress);
        // Inside EXEC nothing forks: the save waits for serverCron, as in Redis.
        if (server.job || server.engine.inExec) {
          if (!schedule && !server.engine.inExec) fail(ERR.bgsaveDuringRewrite);
          server.status.bgsaveScheduled = true;
          return status('Background saving scheduled');
        }
        server.startBgsave();
        return status('Background saving started');
      },
    }),
    command({
      name: 'bgrewriteaof',
      arity: 1,
      run() {
        if (server.job?.kind === 'aof') fail(ERR.rewriteInProgress);
        if (server.job || server.engine.inExec) {
          server.scheduleRewrite();
          return status('Background append only file rewriting scheduled');
        }
        server.startRewrite();
        return status('Background append only file rewriting started');
      },
    }),
    command({
      name: 'lastsave',
      arity: 1,
      run: () => int(server.status.lastSaveUnix),
    }),
  ];
}
