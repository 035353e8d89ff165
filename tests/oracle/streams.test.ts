// Stream commands against redis-server in a quick run of their own (the full differential suite
// runs them mixed with every other type as well), and blocking commands among the writes that
// would serve them, on a server whose event loop wakes every 10 ms to time its blocks out.
import { afterAll, beforeAll, describe, it } from 'vitest';
import { assertDifferential } from '../support/differential.js';
import { RedisServer } from '../support/redis-server.js';
import { allRules, blockingMixArb, GROUPS } from './groups/all.js';

let server: RedisServer;
let fast: RedisServer;
beforeAll(async () => {
  server = await RedisServer.start();
  fast = await RedisServer.start({ args: ['--hz', '100'] });
});
afterAll(async () => {
  await server?.stop();
  await fast?.stop();
});

describe('lab vs redis-server, streams', () => {
  it('agree on stream-heavy sequences', async () => {
    await assertDifferential(server, GROUPS.streams, { runs: 300, minLength: 30, maxLength: 80, rules: allRules });
  });

  it('agree on blocking commands that cannot block here, among lists, sorted sets and streams', async () => {
    await assertDifferential(fast, blockingMixArb, { runs: 150, minLength: 30, maxLength: 60, rules: allRules });
  });
});
