// Server and database commands, and the dataset digest itself, against redis-server 7.0.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Reply } from '../../src/engine/resp/reply.js';
import { datasetDigest } from '../../src/engine/digest.js';
import { Engine } from '../../src/engine/engine.js';
import { systemClock } from '../../src/engine/clock.js';
import { assertDifferential, runDifferential, sortArray } from '../support/differential.js';
import { RedisServer } from '../support/redis-server.js';
import { serverCommandArb, serverRules } from './groups/server.js';
import { allRules, mixedCommandArb } from './groups/all.js';
import { keyArb } from '../support/differential.js';

let server: RedisServer;
beforeAll(async () => {
  server = await RedisServer.start();
});
afterAll(async () => {
  await server?.stop();
});

describe('server commands against redis-server', () => {
  it('DEBUG POPULATE builds the same dataset and digest as redis', async () => {
    await server.pipeline([['FLUSHALL'], ['SELECT', '2'], ['DEBUG', 'POPULATE', '2000', 'pop', '30'], ['SELECT', '0'], ['DEBUG', 'POPULATE', '500']]);
    const redisDigest = await server.command('DEBUG', 'DIGEST');
    const engine = new Engine({ clock: systemClock });
    const client = engine.createClient();
    for (const argv of [['SELECT', '2'], ['DEBUG', 'POPULATE', '2000', 'pop', '30'], ['SELECT', '0'], ['DEBUG', 'POPULATE', '500']]) {
      engine.execute(client, argv);
    }
    expect(datasetDigest(engine)).toBe(redisDigest.kind === 'status' ? redisDigest.value : '');
    expect(engine.dbs[2]!.size).toBe(2000);
  });

  it('an empty dataset digests to zeros, like redis', async () => {
    const result = await runDifferential(server, [['DEBUG', 'DIGEST'], ['DBSIZE'], ['PING']]);
    expect(result.message).toBe('');
    expect(datasetDigest(new Engine({ clock: systemClock }))).toBe('0'.repeat(40));
  });

  it('unknown commands, arity errors and transactions reply as redis does', async () => {
    const result = await runDifferential(server, [
      ['foo', 'a', 'b'],
      ['GET'],
      ['MULTI'],
      ['PING'],
      ['nosuch'],
      ['EXEC'],
      ['MULTI'],
      ['MULTI'],
      ['ECHO', 'x'],
      ['EXEC'],
      ['EXEC'],
      ['DISCARD'],
      ['SELECT', '99'],
      ['SELECT', 'x'],
      ['SWAPDB', 'a', '1'],
      ['SWAPDB', '1', 'b'],
      ['SWAPDB', '1', '99'],
      ['DEBUG', 'nope'],
      ['EXEC', 'x'],
      ['MULTI'],
      ['SET', 'a', '1'],
      ['EXEC', 'x'],
      ['EXEC'],
    ]);
    expect(result.message).toBe('');
  });

  it('refuses EXEC when out of memory with a transaction that uses memory, discarding it, as redis does', async () => {
    const result = await runDifferential(server, [
      { client: 0, argv: ['MULTI'] },
      { client: 0, argv: ['SET', 'x', '1'] },
      { client: 0, argv: ['GET', 'x'] },
      { client: 1, argv: ['CONFIG', 'SET', 'maxmemory', '1'] },
      { client: 0, argv: ['EXEC'] },
      { client: 0, argv: ['GET', 'x'] },
      { client: 1, argv: ['CONFIG', 'SET', 'maxmemory', '0'] },
      { client: 0, argv: ['EXEC'] },
      { client: 0, argv: ['MULTI'] },
      { client: 0, argv: ['GET', 'x'] },
      { client: 1, argv: ['CONFIG', 'SET', 'maxmemory', '1'] },
      { client: 0, argv: ['EXEC'] },
      { client: 1, argv: ['CONFIG', 'SET', 'maxmemory', '0'] },
    ]);
    expect(result.message).toBe('');
  });

  it('counts calls and error replies as redis does (INFO commandstats, errorstats, total_error_replies), refusals and errors inside EXEC included', async () => {
    const commands = [
      ['CONFIG', 'RESETSTAT'], ['FLUSHALL'], ['nosuch'], ['GET'], ['LPUSH', 'l', 'a'], ['GET', 'l'], ['SET', 'x', '1', 'NX', 'XX'],
      ['MULTI'], ['nosuch'], ['EXEC'], ['SET', 's', 'v'], ['MULTI'], ['INCR', 's'], ['LPUSH', 's', 'a'], ['EXEC'], ['EXEC'],
      ['XREADGROUP', 'GROUP', 'g', 'c', 'STREAMS', 'nostream', '>'], ['CONFIG', 'SET', 'maxmemory', '1'], ['SET', 'oom', 'v'], ['GET', 'oom'],
      ['CONFIG', 'SET', 'maxmemory', '0'], ['MULTI'], ['GET', 'a', 'b'], ['DISCARD'], ['INFO', 'commandstats'], ['INFO', 'errorstats'], ['INFO', 'stats'],
    ];
    const redisReplies = await server.pipeline(commands);
    const engine = new Engine({ clock: systemClock });
    const client = engine.createClient();
    const labReplies = commands.map((argv) => engine.execute(client, argv));
    const errorstats = (r: Reply | undefined) => String(r?.value);
    const total = (r: Reply | undefined) => /total_error_replies:(\d+)/.exec(String(r?.value))?.[1];
    const n = commands.length;
    expect(errorstats(labReplies[n - 2])).toBe(errorstats(redisReplies[n - 2]));
    expect(errorstats(redisReplies[n - 2])).toContain('errorstat_EXECABORT:count=1');
    expect(total(labReplies[n - 1])).toBe(total(redisReplies[n - 1]));
    // Per command, without the timings (the lab does not time commands) and in one order.
    const commandstats = (r: Reply | undefined) =>
      String(r?.value).split('\r\n').filter((l) => l.startsWith('cmdstat_')).map((l) => l.replace(/usec=\d+,usec_per_call=[\d.]+,/, '')).sort();
    expect(commandstats(labReplies[n - 3])).toEqual(commandstats(redisReplies[n - 3]));
    expect(commandstats(redisReplies[n - 3])).toContain('cmdstat_set:calls=2,rejected_calls=1,failed_calls=1');
  });

  it('quotes an unknown command and its arguments as redis does: 128 bytes, CR and LF as spaces, up to a NUL', async () => {
    const long = 'a'.repeat(100);
    const result = await runDifferential(server, [
      ['nosuch', long, long, long],
      ['nosuch', ...Array.from({ length: 40 }, (_, i) => `arg${i}`)],
      ['n'.repeat(200), 'x'],
      ['no\r\nsuch', 'a\rb', 'c\nd'],
      ['nul\x00cut', 'before\x00after', 'x'],
      ['nosuch', 'y'.repeat(126), 'z'],
      ['nosuch', 'y'.repeat(125), 'z'],
      ['DEBUG', 'a\r\nb'],
      ['OBJECT', 'no\r\nsuch\x00cut'],
      ['EXPIRE', 'k', '10', 'what\r\never'],
      ['MULTI'],
      ['nosuch', long, long],
      ['EXEC'],
    ]);
    expect(result.message).toBe('');
  });

  it('DEBUG answers a wrong argument count with its subcommand error, and populates as snprintf does', async () => {
    const result = await runDifferential(server, [
      ['DEBUG', 'DIGEST', 'x'],
      ['DEBUG', 'digest', 'a', 'b'],
      ['DEBUG', 'POPULATE'],
      ['DEBUG', 'populate', '1', 'p', '1', 'x'],
      ['DEBUG', 'SET-ACTIVE-EXPIRE'],
      ['DEBUG', 'SET-ACTIVE-EXPIRE', '0', '2'],
      ['DEBUG', 'SET-ACTIVE-EXPIRE', 'off'],
      ['DEBUG', 'SLEEP'],
      ['DEBUG', 'SLEEP', '0'],
      ['DEBUG', 'HELP', 'x'],
      ['DEBUG', 'POPULATE', '-1'],
      ['DEBUG', 'POPULATE', '2', 'nul\x00cut'],
      ['DEBUG', 'POPULATE', '2', 'p'.repeat(130)],
      ['DEBUG', 'POPULATE', '2', 'q'.repeat(124)],
      ['KEYS', '*'],
    ], { keys: { normalize: (_, r) => sortArray(r) } });
    expect(result.message).toBe('');
    const engine = new Engine({ clock: systemClock });
    engine.execute(engine.createClient(), ['DEBUG', 'SET-ACTIVE-EXPIRE', 'yes']);
    // atoi("yes") is 0: redis turns active expiry off.
    expect(engine.activeExpireEnabled).toBe(false);
  });

  it('random server command sequences match', async () => {
    await assertDifferential(server, serverCommandArb, { runs: 60, minLength: 20, maxLength: 50, rules: serverRules });
  });

  it('WATCH … MULTI … EXEC around writes of every type fails or runs as in redis', async () => {
    const transactionArb = fc.oneof(
      { arbitrary: fc.constantFrom<string[]>(['MULTI'], ['EXEC'], ['DISCARD'], ['UNWATCH']), weight: 3 },
      { arbitrary: fc.array(keyArb, { minLength: 1, maxLength: 2 }).map((keys) => ['WATCH', ...keys]), weight: 2 },
      { arbitrary: mixedCommandArb, weight: 6 },
    );
    await assertDifferential(server, transactionArb, { runs: 200, minLength: 20, maxLength: 60, rules: allRules });
  });

  it('propagates FLUSHDB even when the db is already empty, and MOVE/SWAPDB as received', () => {
    const engine = new Engine({ clock: systemClock });
    const client = engine.createClient();
    const units: string[][][] = [];
    engine.onPropagate((unit) => units.push(unit.map((c) => [...c.argv])));
    engine.execute(client, ['FLUSHDB']);
    engine.execute(client, ['SWAPDB', '0', '1']);
    engine.execute(client, ['MOVE', 'missing', '1']);
    engine.execute(client, ['PING']);
    expect(units).toEqual([[['FLUSHDB']], [['SWAPDB', '0', '1']]]);
  });

  it('DEBUG DIGEST-VALUE of any key matches redis', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 50 }), async (count) => {
        await server.pipeline([['FLUSHALL'], ['DEBUG', 'POPULATE', String(count), 'k']]);
        const engine = new Engine({ clock: systemClock });
        const client = engine.createClient();
        engine.execute(client, ['DEBUG', 'POPULATE', String(count), 'k']);
        const args = ['DEBUG', 'DIGEST-VALUE', 'k:0', `k:${count - 1}`, 'missing'];
        expect(engine.execute(client, args)).toEqual(await server.command(...args));
      }),
      { numRuns: 10 },
    );
  });
});
