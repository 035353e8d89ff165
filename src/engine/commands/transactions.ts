// MULTI / EXEC / DISCARD. Queueing itself happens in Engine.execute; EXEC runs the queue through
// Engine.call so that all effects are propagated as one MULTI … EXEC unit.
import { ERR } from '../errors.js';
import { array, OK, type Reply } from '../resp/reply.js';
import { command, fail, type CommandSpec } from './types.js';

export const transactionCommands: readonly CommandSpec[] = [
  command({
    name: 'multi',
    arity: 1,
    run(ctx) {
      if (ctx.client.multi) fail(ERR.multiNested);
      ctx.client.multi = { queue: [], aborted: false };
      return OK;
    },
  }),
  command({
    name: 'discard',
    arity: 1,
    run(ctx) {
      if (!ctx.client.multi) fail(ERR.discardWithoutMulti);
      ctx.client.multi = null;
      return OK;
    },
  }),
  command({
    name: 'exec',
    arity: 1,
    run(ctx) {
      const multi = ctx.client.multi;
      if (!multi) fail(ERR.execWithoutMulti);
      ctx.client.multi = null;
      if (multi.aborted) fail(ERR.execAbort);
      ctx.engine.inExec = true;
      try {
        return array(multi.queue.map(({ spec, argv }): Reply => ctx.engine.call(ctx.client, spec, argv)));
      } finally {
        ctx.engine.inExec = false;
      }
    },
  }),
];
