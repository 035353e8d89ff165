// MULTI / EXEC / DISCARD / WATCH / UNWATCH. Queueing itself happens in Engine.execute; EXEC runs
// the queue through Engine.call so that all effects are propagated as one MULTI … EXEC unit, or
// replies a nil array when a watched key was touched (see watch.ts).
import type { Client, Engine } from '../engine.js';
import { ERR } from '../errors.js';
import { array, NIL_ARRAY, OK, type Reply } from '../resp/reply.js';
import { command, fail, type CommandSpec } from './types.js';

/** discardTransaction: out of MULTI, every key unwatched, the dirty flags cleared. */
function discardTransaction(engine: Engine, client: Client): void {
  client.multi = null;
  client.dirtyCas = false;
  engine.watches.unwatchAll(client);
}

export const transactionCommands: readonly CommandSpec[] = [
  command({
    name: 'multi',
    arity: 1,
    run(ctx) {
      if (ctx.client.multi) fail(ERR.multiNested);
      ctx.client.multi = { queue: [], aborted: false, denyoom: false };
      return OK;
    },
  }),
  command({
    name: 'discard',
    arity: 1,
    run(ctx) {
      if (!ctx.client.multi) fail(ERR.discardWithoutMulti);
      discardTransaction(ctx.engine, ctx.client);
      return OK;
    },
  }),
  command({
    name: 'exec',
    arity: 1,
    run(ctx) {
      const { client, engine } = ctx;
      const multi = client.multi;
      if (!multi) fail(ERR.execWithoutMulti);
      if (engine.watches.watchedKeyExpired(client)) client.dirtyCas = true;
      if (multi.aborted || client.dirtyCas) {
        discardTransaction(engine, client);
        if (multi.aborted) fail(ERR.execAbort);
        return NIL_ARRAY;
      }
      engine.watches.unwatchAll(client);
      client.multi = null;
      engine.inExec = true;
      let replies: Reply[];
      try {
        replies = multi.queue.map(({ spec, argv }) => engine.call(client, spec, argv));
      } finally {
        engine.inExec = false;
      }
      discardTransaction(engine, client);
      return array(replies);
    },
  }),
  command({
    name: 'watch',
    arity: -2,
    run(ctx, argv) {
      if (ctx.client.multi) fail(ERR.watchInsideMulti);
      // No point in watching once the transaction is bound to fail.
      if (ctx.client.dirtyCas) return OK;
      for (const key of argv.slice(1)) ctx.engine.watches.watch(ctx.client, ctx.db, key);
      return OK;
    },
  }),
  command({
    name: 'unwatch',
    arity: 1,
    run(ctx) {
      ctx.engine.watches.unwatchAll(ctx.client);
      ctx.client.dirtyCas = false;
      return OK;
    },
  }),
];
