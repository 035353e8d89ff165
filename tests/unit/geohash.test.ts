// Geohash encoding and decoding, the search cells and the two C sorts, as properties: a position
// decodes to the centre of the cell it was encoded into, neighbours are adjacent cells, the
// search cells cover the whole search shape, and the sorts order what a stable sort orders.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { glibcQsort, pqsort } from '../../src/engine/util/c-sort.js';
import {
  align52,
  decodeScore,
  geohashDecode,
  geohashEncode,
  geohashNeighbors,
  GEO_LAT_MAX,
  GEO_LAT_MIN,
  GEO_STEP_MAX,
  isNoHash,
} from '../../src/engine/util/geohash.js';
import { boundingBox, searchAreas, type GeoShape } from '../../src/engine/util/geohash-areas.js';

const longitudeArb = fc.double({ min: -180, max: 180, noNaN: true });
const latitudeArb = fc.double({ min: GEO_LAT_MIN, max: GEO_LAT_MAX, noNaN: true });
const stepArb = fc.integer({ min: 1, max: GEO_STEP_MAX });

describe('geohash', () => {
  it('decodes a score to the centre of the cell its position was encoded into', () => {
    fc.assert(
      fc.property(longitudeArb, latitudeArb, (lon, lat) => {
        const hash = geohashEncode(lon, lat, GEO_STEP_MAX)!;
        const area = geohashDecode(hash);
        // Within rounding (lon + 180 may round a tiny negative longitude up to the cell at 0).
        const eps = 1e-12;
        expect(lon).toBeGreaterThanOrEqual(area.longitude.min - eps);
        expect(lat).toBeGreaterThanOrEqual(area.latitude.min - eps);
        // A coordinate exactly at the top of the range falls in the cell past the last.
        if (lon < 180) expect(lon).toBeLessThanOrEqual(area.longitude.max + eps);
        if (lat < GEO_LAT_MAX) expect(lat).toBeLessThanOrEqual(area.latitude.max + eps);
        const [dlon, dlat] = decodeScore(Number(align52(hash)));
        // A cell of step 26 is 360 / 2^26 degrees wide (about 0.6 m at the equator).
        expect(Math.abs(dlon - lon)).toBeLessThanOrEqual(360 / 2 ** 26);
        expect(Math.abs(dlat - lat)).toBeLessThanOrEqual((GEO_LAT_MAX - GEO_LAT_MIN) / 2 ** 26);
      }),
    );
  });

  it('keeps the order of positions along each axis (the hash is a fixed-point fraction)', () => {
    fc.assert(
      fc.property(longitudeArb, longitudeArb, latitudeArb, stepArb, (a, b, lat, step) => {
        const [west, east] = a <= b ? [a, b] : [b, a];
        const cellOf = (lon: number) => geohashDecode(geohashEncode(lon, lat, step)!).longitude.min;
        expect(cellOf(west)).toBeLessThanOrEqual(cellOf(east));
      }),
    );
  });

  it('finds neighbours that touch the cell on the side they are named after', () => {
    fc.assert(
      fc.property(fc.double({ min: -179, max: 179, noNaN: true }), fc.double({ min: -84, max: 84, noNaN: true }), fc.integer({ min: 2, max: GEO_STEP_MAX }), (lon, lat, step) => {
        const hash = geohashEncode(lon, lat, step)!;
        const cell = geohashDecode(hash);
        const n = geohashNeighbors(hash);
        const near = (x: number, y: number) => Math.abs(x - y) < 1e-9;
        const north = geohashDecode(n.north);
        const east = geohashDecode(n.east);
        // Away from the edges of the range, where neighbours wrap around.
        if (cell.latitude.max < GEO_LAT_MAX - 1e-9) expect(near(north.latitude.min, cell.latitude.max)).toBe(true);
        if (cell.longitude.max < 180 - 1e-9) expect(near(east.longitude.min, cell.longitude.max)).toBe(true);
        expect(near(north.longitude.min, cell.longitude.min)).toBe(true);
        expect(near(geohashDecode(n.southWest).latitude.max, cell.latitude.min) || cell.latitude.min <= GEO_LAT_MIN + 1e-9).toBe(true);
      }),
    );
  });

  it('searches cells that together cover the bounding box of the shape', () => {
    const shapeArb: fc.Arbitrary<GeoShape> = fc.oneof(
      fc.record({ type: fc.constant('radius' as const), longitude: fc.double({ min: -170, max: 170, noNaN: true }), latitude: fc.double({ min: -60, max: 60, noNaN: true }), conversion: fc.constantFrom(1, 1000), radius: fc.double({ min: 0, max: 500, noNaN: true }) }),
      fc.record({ type: fc.constant('box' as const), longitude: fc.double({ min: -170, max: 170, noNaN: true }), latitude: fc.double({ min: -60, max: 60, noNaN: true }), conversion: fc.constantFrom(1, 1000), width: fc.double({ min: 0, max: 800, noNaN: true }), height: fc.double({ min: 0, max: 800, noNaN: true }) }),
    );
    fc.assert(
      fc.property(shapeArb, fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), (shape, fx, fy) => {
        const [minLon, minLat, maxLon, maxLat] = boundingBox(shape);
        const lon = minLon + fx * (maxLon - minLon);
        const lat = minLat + fy * (maxLat - minLat);
        if (lon < -180 || lon > 180 || lat < GEO_LAT_MIN || lat > GEO_LAT_MAX) return;
        const { cells } = searchAreas(shape);
        const inside = cells.some((cell) => {
          if (isNoHash(cell)) return false;
          const area = geohashDecode(cell);
          return lon >= area.longitude.min && lon <= area.longitude.max && lat >= area.latitude.min && lat <= area.latitude.max;
        });
        expect(inside, JSON.stringify({ shape, lon, lat })).toBe(true);
      }),
    );
  });
});

describe('the C sorts', () => {
  const itemsArb = fc.array(fc.record({ key: fc.integer({ min: 0, max: 20 }), id: fc.nat() }), { maxLength: 120 });
  const byKey = (a: { key: number }, b: { key: number }) => (a.key > b.key ? 1 : a.key === b.key ? 0 : -1);

  it('glibc qsort is a stable sort', () => {
    fc.assert(
      fc.property(itemsArb, (items) => {
        const sorted = [...items];
        glibcQsort(sorted, byKey);
        expect(sorted).toEqual([...items].sort(byKey));
      }),
    );
  });

  it('pqsort puts in ranks left…right what a full sort puts there, and keeps every element', () => {
    fc.assert(
      fc.property(itemsArb, fc.nat(), fc.nat(), (items, a, b) => {
        if (items.length === 0) return;
        const [left, right] = [a % items.length, b % items.length].sort((x, y) => x - y) as [number, number];
        const partial = [...items];
        pqsort(partial, byKey, left, right);
        const full = [...items].sort(byKey);
        expect(partial.slice(left, right + 1).map((x) => x.key)).toEqual(full.slice(left, right + 1).map((x) => x.key));
        expect([...partial].sort(byKey).map((x) => x.key)).toEqual(full.map((x) => x.key));
        expect(new Set(partial)).toEqual(new Set(items));
      }),
    );
  });
});
