// The count arguments of SRANDMEMBER, HRANDFIELD, ZRANDMEMBER and SPOP at the edges of their
// ranges, against redis-server: exact bounds (no detour through a double) and the changes counted.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/engine/clock.js';
import { Engine } from '../../src/engine/engine.js';
import type { Reply } from '../../src/engine/resp/reply.js';
import { MAX_RANDOM_REPLY } from '../../src/engine/commands/random-count.js';
import { runDifferential } from '../support/differential.js';
import { RedisServer } from '../support/redis-server.js';

let server: RedisServer;
beforeAll(async () => {
  server = await RedisServer.start();
});
afterAll(async () => {
  await server?.stop();
});

const FILL = [['HSET', 'h', 'a', '1', 'b', '2'], ['ZADD', 'z', '1', 'a', '2', 'b'], ['SADD', 's', 'a', 'b', 'c', 'd', 'e']];

describe('random-element counts against redis-server', () => {
  it('refuses |count| > LONG_MAX / 2 with values or scores, exactly at the bound', async () => {
    const commands: string[][] = [...FILL];
    for (const [name, key, flag] of [['HRANDFIELD', 'h', 'WITHVALUES'], ['ZRANDMEMBER', 'z', 'WITHSCORES']] as const) {
      for (const count of ['-4611686018427387904', '4611686018427387904', '4611686018427387903', '-9223372036854775807', '-9223372036854775808', '9223372036854775808']) {
        commands.push([name, key, count, flag], [name, 'missing', count, flag], [name, key, count, 'bogus']);
      }
      // In range, so redis looks the key up: a missing key is an empty reply at once.
      commands.push([name, 'missing', '-4611686018427387903', flag]);
    }
    const result = await runDifferential(server, commands, { hrandfield: { normalize: sameShape }, zrandmember: { normalize: sameShape } });
    expect(result.message).toBe('');
  });

  it('SPOP and SRANDMEMBER counts at the int64 edges, and SPOP counts each popped member as a change', async () => {
    const commands: string[][] = [...FILL];
    for (const count of ['-0', '-1', '9223372036854775808', '-9223372036854775808', 'x', '0']) commands.push(['SPOP', 's', count], ['SRANDMEMBER', 's', count]);
    commands.push(['SRANDMEMBER', 's', '9223372036854775807'], ['SRANDMEMBER', 'missing', '-9223372036854775807']);
    // rdb_changes_since_last_save survives FLUSHALL, so the changes one command adds are compared.
    await server.command('FLUSHALL');
    const lab = new Engine({ clock: systemClock });
    const client = lab.createClient();
    const labChanges = () => changesSinceSave(lab.execute(client, ['INFO', 'persistence']));
    const redisChanges = async () => changesSinceSave(await server.command('INFO', 'persistence'));
    const added = async (argv: string[]) => {
      const [redisBefore, labBefore] = [await redisChanges(), labChanges()];
      await server.command(...argv);
      lab.execute(client, argv);
      return { redis: (await redisChanges()) - redisBefore, lab: labChanges() - labBefore };
    };
    await added(['SADD', 's', 'a', 'b', 'c', 'd', 'e']);
    const popTwo = await added(['SPOP', 's', '2']);
    expect(popTwo.lab).toBe(popTwo.redis);
    const popRest = await added(['SPOP', 's', '100']);
    expect(popRest).toEqual({ redis: 3, lab: 3 });
    const result = await runDifferential(server, commands, { spop: { normalize: sameShape }, srandmember: { normalize: sameShape } });
    expect(result.message).toBe('');
  });

  it('refuses, instead of building, a reply with more repeats than the lab can hold', () => {
    const lab = new Engine({ clock: systemClock });
    const client = lab.createClient();
    for (const argv of FILL) lab.execute(client, argv);
    for (const argv of [['SRANDMEMBER', 's', String(-MAX_RANDOM_REPLY - 1)], ['HRANDFIELD', 'h', '-4611686018427387903', 'WITHVALUES'], ['ZRANDMEMBER', 'z', '-9223372036854775807']]) {
      const reply = lab.execute(client, argv);
      expect(reply).toEqual({ kind: 'error', value: expect.stringMatching(/^ERR the lab refuses a reply of more than 16777216 random elements/) });
    }
    expect(lab.execute(client, ['SRANDMEMBER', 's', '-1000'])).toMatchObject({ kind: 'array', value: expect.any(Array) });
  });
});


function changesSinceSave(reply: Reply): number {
  const text = reply.kind === 'bulk' ? reply.value ?? '' : '';
  return Number(/rdb_changes_since_last_save:(\d+)/.exec(text)?.[1]);
}

/** Which elements come back is random; that the shapes agree is what must hold here. */
function sameShape(_: readonly string[], reply: Reply): Reply {
  return reply.kind === 'array' ? { kind: 'array', value: (reply.value ?? []).map(() => ({ kind: 'bulk', value: '?' })) } : reply;
}
