// Mutated and truncated RDB files: every outcome is a load or a LoadError, quickly, never another
// exception or a hang. FUZZ_RUNS raises the count (`npm run fuzz`).
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/engine/clock.js';
import { Engine } from '../../src/engine/engine.js';
import { LoadError } from '../../src/engine/load-error.js';
import { loadRdb } from '../../src/engine/rdb/reader.js';
import { rdbChunks } from '../../src/engine/rdb/writer.js';
import { RedisServer } from '../support/redis-server.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 20_000);
const PER_CASE_MS = 2_000;

/** Every type and encoding, kept small so thousands of loads stay quick. */
const COMPACT_DATASET: string[][] = [
  ['SET', 's', 'hello'],
  ['SET', 'i', '-70000'],
  ['SET', 'c', 'abcabcabcabcabcabcabcabcabc'],
  ['SET', 'e', 'v', 'PXAT', '4102444800000'],
  ['RPUSH', 'l', 'a', '1', '-300', '5000000000', 'b'.repeat(70)],
  ['SADD', 'si', '1', '2', '-40000'],
  ['SADD', 'ss', 'x', 'y'],
  ['HSET', 'h', 'f', 'v', 'n', '7'],
  ['HSET', 'hh', 'f', 'v'.repeat(65)],
  ['ZADD', 'z', '1', 'a', '2.5', 'b', 'inf', 'c'],
  ['ZADD', 'zz', '1', 'm'.repeat(65), '-2', 'n'],
  ['XADD', 'x', '1-1', 'f', 'v', 'g', 'w'],
  ['XADD', 'x', '1-2', 'f', '1', 'g', '2'],
  ['XADD', 'x', '2-0', 'other', 'x'],
  ['XGROUP', 'CREATE', 'x', 'grp', '0'],
  ['XREADGROUP', 'GROUP', 'grp', 'c', 'COUNT', '2', 'STREAMS', 'x', '>'],
  ['XDEL', 'x', '1-2'],
  ['FUNCTION', 'LOAD', "#!lua name=lib\nredis.register_function('f', function() return 1 end)"],
  ['SELECT', '3'],
  ['SET', 'k3', 'db3'],
];

function labFile(compression: boolean): Uint8Array {
  const engine = new Engine({ clock: systemClock });
  const client = engine.createClient();
  for (const argv of COMPACT_DATASET) engine.execute(client, argv);
  // No checksum, so mutations that still parse run all the way through the loader.
  return Buffer.concat([...rdbChunks(engine.dbs, { compression, checksum: false, aofBase: false, functions: engine.functions.codes(), now: Date.now(), usedMemory: 1 })]);
}

type Mutation =
  | { kind: 'set'; at: number; byte: number }
  | { kind: 'flip'; at: number; bit: number }
  | { kind: 'delete'; at: number; length: number }
  | { kind: 'insert'; at: number; bytes: number[] }
  | { kind: 'truncate'; at: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('set' as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 16 }) }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), bytes: fc.array(fc.constantFrom(0, 1, 0x40, 0x80, 0x81, 0xc0, 0xc3, 0xfe, 0xff, 0x7f), { minLength: 1, maxLength: 9 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
);

function mutate(file: Uint8Array, mutations: readonly Mutation[]): Uint8Array {
  let bytes = [...file];
  for (const m of mutations) {
    if (bytes.length === 0) break;
    const at = m.at % bytes.length;
    if (m.kind === 'set') bytes[at] = m.byte;
    else if (m.kind === 'flip') bytes[at]! ^= 1 << m.bit;
    else if (m.kind === 'delete') bytes.splice(at, m.length);
    else if (m.kind === 'insert') bytes.splice(at, 0, ...m.bytes);
    else bytes = bytes.slice(0, at);
  }
  return new Uint8Array(bytes);
}

async function* inChunks(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
}

let redis: RedisServer;
const bases: Record<string, Uint8Array> = {};

beforeAll(async () => {
  bases['lab, compressed'] = labFile(true);
  bases['lab, plain'] = labFile(false);
  redis = await RedisServer.start({ args: ['--rdbchecksum', 'no'] });
  await redis.pipeline(COMPACT_DATASET);
  await redis.command('SAVE');
  bases['redis-server'] = new Uint8Array(readFileSync(join(redis.dir, 'dump.rdb')));
});

afterAll(async () => {
  await redis?.stop();
});

describe('RDB fuzzing', () => {
  it(`survives ${RUNS.toLocaleString('en')} mutated files: each loads or fails with a LoadError, quickly`, async () => {
    const outcomes = { loaded: 0, rejected: 0 };
    const names = Object.keys(bases);
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...names), fc.array(mutation, { minLength: 1, maxLength: 4 }), fc.integer({ min: 1, max: 4096 }), async (base, mutations, chunkSize) => {
        const bytes = mutate(bases[base]!, mutations);
        const started = performance.now();
        try {
          await loadRdb(new Engine({ clock: systemClock }), inChunks(bytes, chunkSize), { file: 'fuzz.rdb' });
          outcomes.loaded++;
        } catch (e) {
          if (!(e instanceof LoadError)) throw e;
          expect(e.offset).toBeGreaterThanOrEqual(0);
          expect(e.offset).toBeLessThanOrEqual(bytes.length);
          expect(e.reason.length).toBeGreaterThan(5);
          outcomes.rejected++;
        }
        expect(performance.now() - started).toBeLessThan(PER_CASE_MS);
      }),
      { numRuns: RUNS },
    );
    // Both outcomes must occur, or the mutator is not reaching the loader's interesting paths.
    expect(outcomes.loaded).toBeGreaterThan(RUNS / 50);
    expect(outcomes.rejected).toBeGreaterThan(RUNS / 5);
  }, 600_000);
});
