// The HyperLogLog byte for byte against redis-server 7.0: for random element sets the lab builds
// the same string (sparse opcodes, dense registers, the header and its cached cardinality) after
// every PFADD, promotes to dense at the same element for any hll-sparse-max-bytes, merges and
// counts the same; CONFIG SET hll-sparse-max-bytes acts on the next PFADD; PFSELFTEST passes.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/engine/clock.js';
import { applyConfigText, Config } from '../../src/engine/config.js';
import { Engine } from '../../src/engine/engine.js';
import { rdbCodec } from '../../src/engine/persistence/rdb-codec.js';
import { PersistentServer } from '../../src/engine/persistence/server.js';
import type { Reply } from '../../src/engine/resp/reply.js';
import { VirtualClock } from '../../src/sim/virtual-clock.js';
import { MemoryStore } from '../../src/storage/memory-store.js';
import { RedisServer } from '../support/redis-server.js';

let redis: RedisServer;
beforeAll(async () => {
  redis = await RedisServer.start();
});
afterAll(async () => {
  await redis?.stop();
});

function lab(sparseMaxBytes = 3000) {
  const engine = new Engine({ clock: systemClock, limits: { hllSparseMaxBytes: sparseMaxBytes } });
  const client = engine.createClient();
  return (argv: readonly string[]): Reply => engine.execute(client, argv);
}

/** Runs the commands on both sides; redis first flushed and given `sparseMaxBytes`. */
async function both(commands: readonly string[][], sparseMaxBytes = 3000): Promise<{ redis: Reply[]; lab: Reply[] }> {
  await redis.pipeline([['FLUSHALL'], ['CONFIG', 'SET', 'hll-sparse-max-bytes', String(sparseMaxBytes)]]);
  const run = lab(sparseMaxBytes);
  return { redis: await redis.pipeline(commands), lab: commands.map(run) };
}

/** Elements: short words, numbers, binary strings, and runs of distinct ones to reach dense. */
const elementsArb = fc.oneof(
  fc.array(fc.oneof(fc.string({ maxLength: 12 }), fc.integer().map(String), fc.uint8Array({ maxLength: 20 }).map((b) => String.fromCharCode(...b))), { maxLength: 200 }),
  fc.tuple(fc.integer({ min: 0, max: 1e6 }), fc.integer({ min: 1, max: 4000 })).map(([from, n]) => Array.from({ length: n }, (_, i) => `el:${from + i}`)),
);

describe('HyperLogLog vs redis-server', () => {
  it('builds the same bytes after every PFADD and counts, caches and merges the same', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(elementsArb, { minLength: 1, maxLength: 4 }), fc.array(elementsArb, { maxLength: 2 }), async (batches, others) => {
        const commands: string[][] = [];
        for (const batch of batches) commands.push(['PFADD', 'h', ...batch], ['GET', 'h'], ['PFCOUNT', 'h'], ['GET', 'h']);
        for (const batch of others) commands.push(['PFADD', 'o', ...batch]);
        commands.push(['PFCOUNT', 'h', 'o'], ['PFMERGE', 'm', 'h', 'o'], ['GET', 'm'], ['PFCOUNT', 'm'], ['GET', 'm'], ['PFDEBUG', 'ENCODING', 'm']);
        const { redis: expected, lab: actual } = await both(commands);
        expect(actual).toEqual(expected);
      }),
      { numRuns: 60 },
    );
  });

  it('promotes a sparse HLL to dense at the same element, whatever hll-sparse-max-bytes is', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 3500 }), fc.integer({ min: 0, max: 1e6 }), async (maxBytes, from) => {
        // One element per PFADD: the string's length after each shows every step of the
        // sparse form and the exact PFADD that turns it into the 12304-byte dense one.
        const commands: string[][] = [];
        for (let i = 0; i < 2600; i++) commands.push(['PFADD', 'h', `e${from + i}`], ['STRLEN', 'h']);
        commands.push(['GET', 'h'], ['PFDEBUG', 'ENCODING', 'h']);
        const { redis: expected, lab: actual } = await both(commands, maxBytes);
        expect(actual).toEqual(expected);
        const lengths = actual.filter((_, i) => i % 2 === 1 && i < 5200).map((r) => r.value);
        // Under ~20 bytes the first register set already promotes it.
        if (maxBytes >= 100) expect(new Set(lengths).size, 'the sparse form grew').toBeGreaterThan(2);
      }),
      { numRuns: 12 },
    );
  });

  it('uses hll-sparse-max-bytes as CONFIG SET leaves it, from the next PFADD on', async () => {
    const config = new Config();
    expect(applyConfigText(config, 'save ""')).toEqual([]);
    const { server } = await PersistentServer.start({ disk: new MemoryStore(), config, clock: new VirtualClock(), rdb: rdbCodec });
    const client = server.engine.createClient();
    const run = (...argv: string[]) => server.execute(client, argv);
    const elements = Array.from({ length: 60 }, (_, i) => `x${i}`);
    expect(await run('CONFIG', 'SET', 'hll-sparse-max-bytes', '100')).toEqual({ kind: 'status', value: 'OK' });
    expect(await run('CONFIG', 'GET', 'hll-sparse-max-bytes')).toEqual({ kind: 'array', value: [{ kind: 'bulk', value: 'hll-sparse-max-bytes' }, { kind: 'bulk', value: '100' }] });
    await run('PFADD', 'h', ...elements);
    await redis.pipeline([['FLUSHALL'], ['CONFIG', 'SET', 'hll-sparse-max-bytes', '100'], ['PFADD', 'h', ...elements]]);
    const [encoding, bytes] = await redis.pipeline([['PFDEBUG', 'ENCODING', 'h'], ['GET', 'h']]);
    expect(encoding).toEqual({ kind: 'status', value: 'dense' });
    expect(await run('PFDEBUG', 'ENCODING', 'h')).toEqual(encoding);
    expect(await run('GET', 'h')).toEqual(bytes);
    expect(await run('CONFIG', 'SET', 'hll-sparse-max-bytes', '-1')).toEqual({
      kind: 'error',
      value: "ERR CONFIG SET failed (possibly related to argument 'hll-sparse-max-bytes') - argument must be a memory value",
    });
    await redis.command('CONFIG', 'SET', 'hll-sparse-max-bytes', '3000');
  });

  it('passes its own PFSELFTEST (registers read back, dense and sparse agree, errors in bounds)', () => {
    expect(lab()(['PFSELFTEST'])).toEqual({ kind: 'status', value: 'OK' });
  }, 120_000);
});
