// A real Node client library, ioredis, against `cli serve` and against redis-server: random
// batches of pipelines and MULTI/EXEC transactions (some after a WATCH another connection may
// break) over every type give the same results and leave the same dataset.
import fc from 'fast-check';
import Redis from 'ioredis';
import { describe, expect, it } from 'vitest';
import { allRules, mixedCommandArb } from '../oracle/groups/all.js';
import { keyArb } from '../support/differential.js';
import { useRedisAndLab } from '../support/lab-server.js';

const servers = useRedisAndLab();

/** ioredis keeps track of transactions and the database itself; the batches are built around that. */
const CLIENT_STATE = new Set(['multi', 'exec', 'discard', 'select', 'watch', 'unwatch', 'swapdb']);
const commandArb = mixedCommandArb.filter((argv) => {
  const name = argv[0]!.toLowerCase();
  return !(name in allRules) && !CLIENT_STATE.has(name);
});

type Batch = { kind: 'pipeline' | 'multi'; watch: string | null; breakWatch: boolean; commands: string[][] };
const batchArb: fc.Arbitrary<Batch> = fc.record({
  kind: fc.constantFrom('pipeline', 'multi'),
  watch: fc.option(keyArb, { nil: null }),
  breakWatch: fc.boolean(),
  commands: fc.array(commandArb, { minLength: 1, maxLength: 20 }),
});

const asText = (v: unknown): unknown => (Buffer.isBuffer(v) ? v.toString('latin1') : Array.isArray(v) ? v.map(asText) : v);

/** Runs the batches through ioredis (a main client and another that breaks WATCHes). */
async function runBatches(port: number, batches: readonly Batch[]): Promise<unknown[]> {
  const main = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0 });
  const other = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0 });
  await Promise.all([main.connect(), other.connect()]);
  const out: unknown[] = [];
  try {
    await main.call('FLUSHALL');
    await main.call('DEBUG', 'SET-ACTIVE-EXPIRE', '0');
    for (const batch of batches) {
      if (batch.watch !== null) {
        await main.watch(batch.watch);
        if (batch.breakWatch) await other.call('SET', batch.watch, 'touched');
      }
      const pipeline = batch.kind === 'multi' ? main.multi() : main.pipeline();
      for (const [name, ...args] of batch.commands) pipeline.callBuffer(name!, ...args.map((a) => Buffer.from(a, 'latin1')));
      try {
        const results = await pipeline.exec();
        out.push(results === null ? null : results.map(([err, value]) => [err ? (err as Error).message : null, asText(value)]));
      } catch (e) {
        // EXECABORT: a command that could not be queued.
        out.push({ error: (e as Error).message });
      }
      if (batch.watch !== null) await main.unwatch();
    }
    out.push(await main.call('DEBUG', 'DIGEST'));
  } finally {
    main.disconnect();
    other.disconnect();
  }
  return out;
}

describe('ioredis against cli serve', () => {
  it('pipelines and transactions give the same results and dataset as against redis-server', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(batchArb, { minLength: 1, maxLength: 8 }), async (batches) => {
        const expected = await runBatches(servers.redis.port, batches);
        const actual = await runBatches(servers.lab.port, batches);
        expect(actual).toEqual(expected);
      }),
      { numRuns: 60 },
    );
  });
});
