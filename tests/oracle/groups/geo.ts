// Generators for the geo commands in the differential suites: GEOADD, GEOPOS, GEODIST, GEOHASH
// and every search form (GEORADIUS[_RO], GEORADIUSBYMEMBER[_RO], GEOSEARCH, GEOSEARCHSTORE) with
// their options, on the shared keys (so members meet plain sorted sets and other types).
//
// Positions come from a pool of irregular coordinates, several members often sharing one: equal
// distances are then exactly equal on both sides and show how each sort orders ties. Distances
// themselves go through libm (sin, cos, asin), whose last bits differ between V8 and glibc (and
// between glibc on CPUs with and without FMA); a 4-decimal reply can only differ when a distance
// sits within an ulp of a rounding boundary, which these coordinates make rare enough to compare
// exactly. STOREDIST stores those raw distances, so here it only stores exact zeros (radius 0);
// tests/oracle/geo.test.ts compares it within a few ulps.
import fc from 'fast-check';
import type { Rules } from '../../support/differential.js';
import { keyArb, valueArb } from '../../support/differential.js';

/** Mostly two keys, so that searches find what was added; the shared keys now and then. */
const geoKeyArb = fc.oneof({ arbitrary: fc.constantFrom('k1', 'k2'), weight: 5 }, { arbitrary: keyArb, weight: 2 });

/** Longitude, latitude pairs: around Sicily, far away, and at the limits of the range. */
const POSITIONS: readonly (readonly [string, string])[] = [
  ['13.361389', '38.115556'],
  ['15.087269', '37.502669'],
  ['13.583333', '37.316667'],
  ['14.9847321', '36.8911442'],
  ['12.758489', '38.788813'],
  ['15.6560934', '38.1932517'],
  ['-0.1277583', '51.5073509'],
  ['139.6917064', '35.6894875'],
  ['-73.9856644', '40.7484405'],
  ['-179.9999', '-85.05112878'],
  ['180', '85.05112878'],
  ['0', '0'],
];
const positionArb = fc.constantFrom(...POSITIONS);
const badPositionArb = fc.constantFrom<readonly [string, string]>(['181', '0'], ['0', '85.06'], ['-180.5', '-90'], ['x', '0'], ['0', ''], ['inf', '0'], ['1e300', '-1e-7']);
const memberArb = fc.oneof({ arbitrary: fc.constantFrom('Palermo', 'Catania', 'a', 'b', 'c', 'd', 'e', '', 'm0', 'm1', 'm7'), weight: 8 }, { arbitrary: valueArb, weight: 1 });
/** The centre member of a search: mostly one that GEOADD is likely to have added. */
const centerMemberArb = fc.oneof({ arbitrary: fc.constantFrom('m0', 'm1', 'm3', 'a', 'Palermo'), weight: 6 }, { arbitrary: memberArb, weight: 1 });
const unitArb = fc.oneof({ arbitrary: fc.constantFrom('km', 'km', 'km', 'm', 'mi', 'ft', 'KM'), weight: 12 }, { arbitrary: fc.constantFrom('furlong', ''), weight: 1 });
const radiusArb = fc.oneof(
  { arbitrary: fc.constantFrom('0', '1', '50', '100', '200', '300', '500', '1000', '5000', '20000'), weight: 12 },
  { arbitrary: fc.constantFrom('-1', 'x', '1e400', '0.5', 'inf'), weight: 1 },
);
const countArb = fc.oneof(
  { arbitrary: fc.integer({ min: 1, max: 50 }).map((n) => ['COUNT', String(n)]), weight: 6 },
  { arbitrary: fc.integer({ min: 1, max: 10 }).map((n) => ['COUNT', String(n), 'ANY']), weight: 3 },
  { arbitrary: fc.constantFrom<string[]>(['COUNT', '0'], ['COUNT', 'x'], ['COUNT'], ['ANY'], ['COUNT', '9223372036854775807']), weight: 1 },
);
/** The options every search form takes, in any order. */
const optionsArb = fc
  .tuple(
    fc.subarray(['WITHDIST', 'WITHHASH', 'WITHCOORD']),
    fc.constantFrom<string[]>([], [], ['ASC'], ['DESC'], ['asc']),
    fc.oneof({ arbitrary: fc.constant<string[]>([]), weight: 2 }, { arbitrary: countArb, weight: 1 }),
  )
  .chain(([withs, order, count]) => {
    const parts = [...withs.map((w) => [w]), order, count];
    return fc.shuffledSubarray(parts, { minLength: parts.length, maxLength: parts.length });
  })
  .map((parts) => parts.flat());
const storeArb = fc.oneof(
  { arbitrary: fc.constant<string[]>([]), weight: 6 },
  { arbitrary: keyArb.map((k) => ['STORE', k]), weight: 2 },
  { arbitrary: keyArb.map((k) => ['STOREDIST', k]), weight: 1 },
);

/** STOREDIST keeps raw distances: only a radius of 0 (exact zeros) is compared here. */
function storedistZero(argv: string[]): string[] {
  if (!argv.some((a) => a.toUpperCase() === 'STOREDIST')) return argv;
  const radius = argv.findIndex((a, i) => i > 1 && /^(BYRADIUS)$/i.test(a));
  const out = [...argv];
  if (radius > 0) out[radius + 1] = '0';
  else if (/^GEORADIUS$/i.test(argv[0]!)) out[4] = '0';
  else if (/^GEORADIUSBYMEMBER$/i.test(argv[0]!)) out[3] = '0';
  else if (/BYBOX/i.test(argv.join(' '))) {
    const box = argv.findIndex((a) => /^BYBOX$/i.test(a));
    out[box + 1] = '0';
    out[box + 2] = '0';
  }
  return out;
}

const fromArb = fc.oneof(
  { arbitrary: centerMemberArb.map((m) => ['FROMMEMBER', m]), weight: 6 },
  { arbitrary: positionArb.map(([lon, lat]) => ['FROMLONLAT', lon, lat]), weight: 6 },
  { arbitrary: badPositionArb.map(([lon, lat]) => ['FROMLONLAT', lon, lat]), weight: 1 },
);
const byArb = fc.oneof(
  fc.tuple(radiusArb, unitArb).map(([r, u]) => ['BYRADIUS', r, u]),
  fc.tuple(radiusArb, radiusArb, unitArb).map(([w, h, u]) => ['BYBOX', w, h, u]),
);

export const geoCommandArb: fc.Arbitrary<string[]> = fc.oneof(
  {
    arbitrary: fc
      .tuple(geoKeyArb, fc.subarray(['NX', 'XX', 'CH'], { maxLength: 2 }), fc.array(fc.tuple(positionArb, memberArb), { minLength: 1, maxLength: 6 }))
      .map(([k, flags, items]) => ['GEOADD', k, ...flags, ...items.flatMap(([[lon, lat], m]) => [lon, lat, m])]),
    weight: 8,
  },
  {
    // Many members on few positions: COUNT then runs pqsort over long runs of equal distances.
    arbitrary: fc
      .tuple(geoKeyArb, fc.integer({ min: 8, max: 60 }), fc.array(positionArb, { minLength: 1, maxLength: 4 }))
      .map(([k, n, spots]) => ['GEOADD', k, ...Array.from({ length: n }, (_, i) => [...spots[i % spots.length]!, `m${i}`]).flat()]),
    weight: 3,
  },
  { arbitrary: fc.tuple(geoKeyArb, badPositionArb, memberArb).map(([k, [lon, lat], m]) => ['GEOADD', k, lon, lat, m]), weight: 1 },
  { arbitrary: fc.constantFrom<string[]>(['GEOADD', 'k1', 'NX', 'XX', '1', '2', 'm'], ['GEOADD', 'k1', '1', '2', 'm', '3'], ['GEOADD', 'k1', 'GT', '1', '2', 'm'], ['GEOADD', 'k1', 'CH', 'CH', 'CH']), weight: 1 },
  { arbitrary: fc.tuple(geoKeyArb, fc.array(memberArb, { maxLength: 4 })).map(([k, ms]) => ['GEOPOS', k, ...ms]), weight: 3 },
  { arbitrary: fc.tuple(geoKeyArb, fc.array(memberArb, { maxLength: 4 })).map(([k, ms]) => ['GEOHASH', k, ...ms]), weight: 2 },
  { arbitrary: fc.tuple(geoKeyArb, memberArb, memberArb, fc.constantFrom<string[]>([], ['km'], ['mi'], ['ft'], ['m'], ['furlong'], ['km', 'x'])).map(([k, a, b, u]) => ['GEODIST', k, a, b, ...u]), weight: 3 },
  {
    arbitrary: fc
      .tuple(fc.constantFrom('GEORADIUS', 'GEORADIUS_RO'), geoKeyArb, fc.oneof({ arbitrary: positionArb, weight: 6 }, { arbitrary: badPositionArb, weight: 1 }), radiusArb, unitArb, optionsArb, storeArb)
      .map(([c, k, [lon, lat], r, u, o, s]) => storedistZero([c, k, lon, lat, r, u, ...o, ...s])),
    weight: 4,
  },
  {
    arbitrary: fc
      .tuple(fc.constantFrom('GEORADIUSBYMEMBER', 'GEORADIUSBYMEMBER_RO'), geoKeyArb, centerMemberArb, radiusArb, unitArb, optionsArb, storeArb)
      .map(([c, k, m, r, u, o, s]) => storedistZero([c, k, m, r, u, ...o, ...s])),
    weight: 4,
  },
  {
    arbitrary: fc
      .tuple(geoKeyArb, fc.shuffledSubarray([fromArb, byArb], { minLength: 2, maxLength: 2 }), optionsArb)
      .chain(([k, parts, o]) => fc.tuple(fc.constant(k), fc.tuple(...parts), fc.constant(o)))
      .map(([k, parts, o]) => ['GEOSEARCH', k, ...parts.flat(), ...o]),
    weight: 5,
  },
  {
    arbitrary: fc
      .tuple(keyArb, geoKeyArb, fromArb, byArb, optionsArb.map((o) => o.filter((x) => !/^WITH/.test(x))), fc.constantFrom<string[]>([], [], ['STOREDIST']))
      .map(([d, k, f, b, o, s]) => storedistZero(['GEOSEARCHSTORE', d, k, ...f, ...b, ...o, ...s])),
    weight: 3,
  },
  {
    arbitrary: fc.constantFrom<string[]>(
      ['GEOSEARCH', 'k1', 'FROMMEMBER', 'a', 'FROMLONLAT', '1', '2', 'BYRADIUS', '1', 'km'],
      ['GEOSEARCH', 'k1', 'BYRADIUS', '1', 'km', 'BYBOX', '1', '1', 'km', 'FROMMEMBER', 'a'],
      ['GEOSEARCH', 'k1', 'FROMMEMBER', 'a', 'WITHDIST', 'ASC', 'COUNT', '1'],
      ['geosearch', 'k1', 'FROMLONLAT', '1', '2', 'WITHDIST', 'ASC', 'ANY'],
      ['GEOSEARCH', 'k1', 'FROMLONLAT', '1', '2', 'BYRADIUS', '1', 'km', 'STORE', 'k2'],
      ['GEOSEARCHSTORE', 'k2', 'k1', 'FROMLONLAT', '1', '2', 'BYRADIUS', '1', 'km', 'WITHDIST'],
      ['GEORADIUS', 'k1', '1', '2', '3', 'km', 'STORE', 'k2', 'WITHCOORD'],
      ['GEORADIUS_RO', 'k1', '1', '2', '3', 'km', 'STORE', 'k2'],
      ['GEOSEARCH', 'k1', 'FROMMEMBER', 'a', 'BYRADIUS', '1', 'km', 'COUNT'],
    ),
    weight: 1,
  },
  { arbitrary: fc.tuple(geoKeyArb, memberArb).map(([k, m]) => ['ZREM', k, m]), weight: 1 },
  { arbitrary: geoKeyArb.map((k) => ['ZRANGE', k, '0', '-1', 'WITHSCORES']), weight: 2 },
  { arbitrary: fc.tuple(geoKeyArb, fc.constantFrom('-1', '1.5', '1e19', 'inf', '-inf', '4503599627370496', '3479099956230698'), memberArb).map(([k, s, m]) => ['ZADD', k, s, m]), weight: 1 },
);

export const geoRules: Rules = {};
