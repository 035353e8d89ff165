// The differential suite: random sequences of 50+ commands over every type, on the same keys
// (so wrong types, conversions and expiries meet), run on the lab and on redis-server; every
// reply and the final DEBUG DIGEST must be identical.
import { afterAll, beforeAll, describe, it } from 'vitest';
import { assertDifferential } from '../support/differential.js';
import { RedisServer } from '../support/redis-server.js';
import { allRules, GROUPS, mixedCommandArb } from './groups/all.js';

let server: RedisServer;
beforeAll(async () => {
  server = await RedisServer.start();
});
afterAll(async () => {
  await server?.stop();
});

describe('lab vs redis-server', () => {
  it('agree on 1,000 mixed sequences of 50–100 commands', async () => {
    await assertDifferential(server, mixedCommandArb, { runs: 1000, minLength: 50, maxLength: 100, rules: allRules });
  });

  for (const [name, arb] of Object.entries(GROUPS)) {
    it(`agree on ${name}-heavy sequences`, async () => {
      await assertDifferential(server, arb, { runs: 150, minLength: 50, maxLength: 80, rules: allRules });
    });
  }
});
