// Geo against redis-server 7.0 for random positions: the 52-bit geohash scores, GEOPOS and GEOHASH
// are plain arithmetic and must be identical; distances go through libm, so they are compared in
// two parts: the lab formats Redis's own raw distance (read back through STOREDIST) exactly as
// Redis printed it, and the lab's raw distance is within a few ulps of Redis's. That last
// tolerance is Redis's own: glibc's sin/cos/asin give other last bits on a CPU without FMA.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/engine/clock.js';
import { Engine } from '../../src/engine/engine.js';
import type { Reply } from '../../src/engine/resp/reply.js';
import { formatFixedPoint } from '../../src/engine/util/numbers.js';
import { RedisServer } from '../support/redis-server.js';

let redis: RedisServer;
beforeAll(async () => {
  redis = await RedisServer.start();
});
afterAll(async () => {
  await redis?.stop();
});

async function both(commands: readonly string[][]): Promise<{ redis: Reply[]; lab: Reply[] }> {
  await redis.command('FLUSHALL');
  const engine = new Engine({ clock: systemClock });
  const client = engine.createClient();
  return { redis: await redis.pipeline(commands), lab: commands.map((argv) => engine.execute(client, argv)) };
}

/** Coordinates as a client would send them: any double in range, short decimals, the limits. */
const longitudeArb = fc.oneof(
  fc.double({ min: -180, max: 180, noNaN: true }).map(String),
  fc.integer({ min: -1800000, max: 1800000 }).map((n) => String(n / 10000)),
  fc.constantFrom('180', '-180', '0', '-0', '179.99999999999997'),
);
const latitudeArb = fc.oneof(
  fc.double({ min: -85.05112878, max: 85.05112878, noNaN: true }).map(String),
  fc.integer({ min: -850511, max: 850511 }).map((n) => String(n / 10000)),
  fc.constantFrom('85.05112878', '-85.05112878', '0', '85.051128779999'),
);
const positionsArb = fc.array(fc.tuple(longitudeArb, latitudeArb), { minLength: 2, maxLength: 30 });
const UNITS = ['m', 'km', 'mi', 'ft'] as const;
/** A radius past the antipodes in each unit. */
const WHOLE_EARTH: Record<(typeof UNITS)[number], string> = { m: '30000000', km: '30000', mi: '20000', ft: '100000000' };

/** Two doubles at most `ulps` representable values apart. */
function withinUlps(a: number, b: number, ulps: number): boolean {
  if (a === b) return true;
  const ulp = Math.max(Math.abs(a), Math.abs(b)) * Number.EPSILON;
  return Math.abs(a - b) <= ulps * ulp;
}

describe('geo vs redis-server', () => {
  it('stores the same scores and replies the same GEOPOS and GEOHASH for any position', async () => {
    await fc.assert(
      fc.asyncProperty(positionsArb, async (positions) => {
        const members = positions.map((_, i) => `p${i}`);
        const commands = [
          ['GEOADD', 'g', ...positions.flatMap(([lon, lat], i) => [lon, lat, members[i]!])],
          ['ZRANGE', 'g', '0', '-1', 'WITHSCORES'],
          ['GEOPOS', 'g', ...members, 'missing'],
          ['GEOHASH', 'g', ...members, 'missing'],
        ];
        const { redis: expected, lab: actual } = await both(commands);
        expect(actual).toEqual(expected);
      }),
      { numRuns: 150 },
    );
  });

  it('formats Redis’s own distances exactly as Redis does, and computes them within 4 ulps', async () => {
    let compared = 0;
    await fc.assert(
      fc.asyncProperty(positionsArb, fc.constantFrom(...UNITS), async (positions, unit) => {
        const members = positions.map((_, i) => `p${i}`);
        const commands: string[][] = [['GEOADD', 'g', ...positions.flatMap(([lon, lat], i) => [lon, lat, members[i]!])]];
        // Every member's distance from p0: printed by GEODIST, stored raw by STOREDIST.
        for (const m of members) commands.push(['GEODIST', 'g', 'p0', m, unit]);
        commands.push(['GEOSEARCHSTORE', 'd', 'g', 'FROMMEMBER', 'p0', 'BYRADIUS', WHOLE_EARTH[unit], unit, 'STOREDIST']);
        commands.push(['ZRANGE', 'd', '0', '-1', 'WITHSCORES']);
        const { redis: expected, lab: actual } = await both(commands);
        const raw = (replies: Reply[]) => {
          const last = replies[replies.length - 1]!;
          const pairs = last.kind === 'array' ? last.value ?? [] : [];
          const out = new Map<string, number>();
          for (let i = 0; i < pairs.length; i += 2) out.set(pairs[i]!.value as string, Number(pairs[i + 1]!.value));
          return out;
        };
        const redisRaw = raw(expected);
        const labRaw = raw(actual);
        expect([...labRaw.keys()].sort()).toEqual([...redisRaw.keys()].sort());
        members.forEach((m, i) => {
          const printed = expected[1 + i]!.value as string;
          // The search misses members Redis's nine cells do not reach (near the poles, across
          // the antimeridian): those printed distances can only be compared as printed.
          if (!redisRaw.has(m)) {
            expect(actual[1 + i]!.value, m).toBe(printed);
            return;
          }
          // The lab's formatting of Redis's value is Redis's reply, byte for byte.
          expect(formatFixedPoint(redisRaw.get(m)!, 4), m).toBe(printed);
          expect(withinUlps(labRaw.get(m)!, redisRaw.get(m)!, 4), `${m}: lab ${labRaw.get(m)} redis ${redisRaw.get(m)}`).toBe(true);
          expect(actual[1 + i]!.value).toBe(formatFixedPoint(labRaw.get(m)!, 4));
          compared++;
        });
      }),
      { numRuns: 100 },
    );
    expect(compared, 'distances compared raw').toBeGreaterThan(500);
  });
});
