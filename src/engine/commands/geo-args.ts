// What the geo commands share: coordinates and units as geo.c parses them (with its error texts),
// a member's position decoded from its score, and coordinates replied as "%.17Lf" trimmed.
import type { Bin } from '../bytes.js';
import { ERR } from '../errors.js';
import type { ZSetValue } from '../keyspace/values.js';
import { array, bulk, type Reply } from '../resp/reply.js';
import { decodeScore, GEO_LAT_MAX, GEO_LAT_MIN, GEO_LONG_MAX, GEO_LONG_MIN } from '../util/geohash.js';
import { formatFixed, formatLongDoubleHuman, longDoubleOf } from '../util/long-double.js';
import { parseDouble } from '../util/numbers.js';
import { fail } from './types.js';

/** extractLongLatOrReply: both parsed first, then checked against the limits. */
export function parseLonLat(lonArg: Bin, latArg: Bin): [number, number] {
  const longitude = parseDouble(lonArg);
  if (longitude === null) fail(ERR.notFloat);
  const latitude = parseDouble(latArg);
  if (latitude === null) fail(ERR.notFloat);
  if (longitude < GEO_LONG_MIN || longitude > GEO_LONG_MAX || latitude < GEO_LAT_MIN || latitude > GEO_LAT_MAX) {
    const printf = (d: number) => formatFixed(longDoubleOf(d), 6);
    fail(ERR.geoInvalidPair(printf(longitude), printf(latitude)));
  }
  return [longitude, latitude];
}

const UNITS: ReadonlyMap<string, number> = new Map([
  ['m', 1],
  ['km', 1000],
  ['ft', 0.3048],
  ['mi', 1609.34],
]);

/** extractUnitOrReply: meters per unit. */
export function parseUnit(arg: Bin): number {
  const meters = UNITS.get(arg.toLowerCase());
  if (meters === undefined) fail(ERR.geoUnit);
  return meters;
}

/** longLatFromMember: the member's [longitude, latitude], or Redis's error when it is missing. */
export function memberPosition(zset: ZSetValue, member: Bin): [number, number] {
  const score = zset.scores.get(member);
  if (score === undefined) fail(ERR.geoMemberNotFound);
  return decodeScore(score);
}

/** addReplyHumanLongDouble of a double. */
export function humanDouble(d: number): string {
  return formatLongDoubleHuman(longDoubleOf(d));
}

export function coordinateReply(longitude: number, latitude: number): Reply {
  return array([bulk(humanDouble(longitude)), bulk(humanDouble(latitude))]);
}
