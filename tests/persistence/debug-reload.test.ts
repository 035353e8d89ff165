// DEBUG RELOAD and DEBUG LOADAOF against redis-server: after random writes of every type, the
// dataset saved and loaded back in place (or replayed from the AOF) has the same digest and the
// same encodings on both sides, and the options and errors answer alike.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyConfigText, Config } from '../../src/engine/config.js';
import { rdbCodec } from '../../src/engine/persistence/rdb-codec.js';
import { PersistentServer } from '../../src/engine/persistence/server.js';
import { systemClock } from '../../src/engine/clock.js';
import type { Reply } from '../../src/engine/resp/reply.js';
import { MemoryStore } from '../../src/storage/memory-store.js';
import { allRules, mixedCommandArb } from '../oracle/groups/all.js';
import { RESET_CONFIG } from '../support/differential.js';
import { RedisServer } from '../support/redis-server.js';

let redis: RedisServer;
beforeAll(async () => {
  redis = await RedisServer.start();
});
afterAll(async () => {
  await redis?.stop();
});

async function lab(config: string) {
  const c = new Config();
  expect(applyConfigText(c, config)).toEqual([]);
  const { server } = await PersistentServer.start({ disk: new MemoryStore(), config: c, clock: systemClock, rdb: rdbCodec });
  return { server, client: server.engine.createClient() };
}

/** Commands with random results would make the two datasets differ for that reason alone. */
const deterministic = mixedCommandArb.filter((argv) => !allRules[argv[0]!.toLowerCase()]?.reconcile);

/** The keys of every database with their encodings, and the digest. */
async function state(run: (...argv: string[]) => Promise<Reply>): Promise<unknown> {
  const out: unknown[] = [];
  for (let db = 0; db < 16; db++) {
    await run('SELECT', String(db));
    const keys = await run('KEYS', '*');
    const names = keys.kind === 'array' ? keys.value!.map((k) => (k.kind === 'bulk' ? k.value! : '')).sort() : [];
    for (const key of names) out.push([db, key, await run('OBJECT', 'ENCODING', key)]);
  }
  await run('SELECT', '0');
  out.push(await run('DEBUG', 'DIGEST'));
  return out;
}

async function compare(config: string, reload: string[][]): Promise<void> {
  await fc.assert(
    fc.asyncProperty(fc.array(deterministic, { minLength: 10, maxLength: 60 }), async (commands) => {
      // The encoding limits an earlier run's CONFIG SET changed go back to their defaults, as the lab starts afresh.
      await redis.pipeline([['DISCARD'], ['UNWATCH'], ['CONFIG', 'SET', ...RESET_CONFIG.flat()], ['SELECT', '0'], ['FLUSHALL'], ['DEBUG', 'SET-ACTIVE-EXPIRE', '0'], ...applyLines(config)]);
      // Turning the AOF on starts a rewrite; DEBUG LOADAOF before it ends would find no AOF.
      await redis.waitForBackgroundJobs();
      const { server, client } = await lab(config);
      await redis.pipeline(commands);
      await server.executeTurn(commands.map((argv) => ({ client, argv })));
      await redis.pipeline([['DISCARD'], ['SELECT', '0']]);
      await server.executeTurn([{ client, argv: ['DISCARD'] }, { client, argv: ['SELECT', '0'] }]);
      const expectedReplies = await redis.pipeline(reload);
      const actualReplies = await server.executeTurn(reload.map((argv) => ({ client, argv })));
      expect(actualReplies).toEqual(expectedReplies);
      const expected = await state((...argv) => redis.command(...argv));
      const actual = await state((...argv) => server.execute(client, argv));
      expect(actual).toEqual(expected);
      await server.shutdown('nosave');
    }),
    { numRuns: 25 },
  );
}

/** The directives of `config` as CONFIG SET commands for redis-server. */
function applyLines(config: string): string[][] {
  return config.split('\n').filter(Boolean).map((line) => ['CONFIG', 'SET', ...line.split(' ', 2)]);
}

describe('DEBUG RELOAD / LOADAOF vs redis-server', () => {
  afterAll(async () => {
    await redis.pipeline([['CONFIG', 'SET', 'appendonly', 'no']]);
  });

  it('DEBUG RELOAD keeps the dataset and its encodings, with each option', async () => {
    await compare('appendonly no', [['DEBUG', 'RELOAD'], ['DEBUG', 'RELOAD', 'NOSAVE'], ['DEBUG', 'RELOAD', 'MERGE', 'NOFLUSH', 'NOSAVE'], ['DEBUG', 'RELOAD', 'BOGUS']]);
  });

  it('DEBUG LOADAOF replays what the AOF holds', async () => {
    await compare('appendonly yes', [['DEBUG', 'LOADAOF'], ['DEBUG', 'LOADAOF', 'extra']]);
  });
});
