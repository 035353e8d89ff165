// MULTI / EXEC / DISCARD / WATCH / UNWATCH. Queueing itself happens in Engine.execute; EXEC runs
// the queue through Engine.call so that all effects are propagated as one MULTI … EXEC unit.
import type { CommandContext } from '../context.js';
import { ERR } from '../errors.js';
import { array, NIL_ARRAY, OK, type Reply } from '../resp/reply.js';
import { command, fail, type CommandSpec } from './types.js';

/** discardTransaction: out of MULTI, nothing watched, the dirty flag cleared. */
function discardTransaction(ctx: CommandContext): void {
  ctx.client.multi = null;
  ctx.client.dirtyCas = false;
  ctx.engine.watches.unwatchAll(ctx.client);
}

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
      discardTransaction(ctx);
      return OK;
    },
  }),
  command({
    name: 'exec',
    arity: 1,
    run(ctx) {
      const multi = ctx.client.multi;
      if (!multi) fail(ERR.execWithoutMulti);
      const { engine, client } = ctx;
      if (engine.watches.anyExpired(client, engine.dbs)) client.dirtyCas = true;
      const casFailed = client.dirtyCas;
      discardTransaction(ctx);
      if (multi.aborted) fail(ERR.execAbort);
      if (casFailed) return NIL_ARRAY;
      const replies: Reply[] = multi.queue.map(({ spec, argv }) => engine.call(client, spec, argv));
      return array(replies);
    },
  }),
  command({
    name: 'watch',
    arity: -2,
    keys: [1, -1, 1],
    run(ctx, argv) {
      if (ctx.client.multi) fail(ERR.watchInsideMulti);
      // No point in watching once a watched key changed.
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
