// georadiusGeneric (geo.c), behind GEORADIUS, GEORADIUSBYMEMBER, their _RO forms, GEOSEARCH and
// GEOSEARCHSTORE: Redis's argument grammar and error order, the nine geohash cells searched in
// its order (so unsorted replies list members as Redis finds them), its sorts (glibc's stable
// qsort, or pqsort when COUNT keeps fewer), and STORE / STOREDIST into a sorted set.
import type { Bin } from '../bytes.js';
import type { CommandContext } from '../context.js';
import { ERR } from '../errors.js';
import { ZSetValue } from '../keyspace/values.js';
import { array, bulk, EMPTY_ARRAY, int, type Reply } from '../resp/reply.js';
import { glibcQsort, pqsort } from '../util/c-sort.js';
import { align52, decodeScore, isNoHash, type GeoHash } from '../util/geohash.js';
import { distanceIfWithin, searchAreas, type GeoShape } from '../util/geohash-areas.js';
import { formatFixedPoint, parseDouble, parseInt64 } from '../util/numbers.js';
import { coordinateReply, memberPosition, parseLonLat, parseUnit } from './geo-args.js';
import { fail } from './types.js';

export interface SearchFlags {
  /** GEORADIUS: the centre is argv[2..3], the radius argv[4..5]. */
  readonly byCoordinates?: boolean;
  /** GEORADIUSBYMEMBER: the centre is member argv[2], the radius argv[3..4]. */
  readonly byMember?: boolean;
  /** The _RO forms: STORE and STOREDIST are syntax errors. */
  readonly noStore?: boolean;
  /** GEOSEARCH: FROMMEMBER/FROMLONLAT and BYRADIUS/BYBOX options. */
  readonly search?: boolean;
  /** GEOSEARCHSTORE: the destination is argv[1], STOREDIST a flag. */
  readonly searchStore?: boolean;
}

interface GeoPoint {
  readonly member: Bin;
  readonly longitude: number;
  readonly latitude: number;
  dist: number;
  readonly score: number;
}

/** extractDistanceOrReply: a non-negative radius and its unit (as meters per unit). */
function parseRadius(radiusArg: Bin, unitArg: Bin): { radius: number; conversion: number } {
  const radius = parseDouble(radiusArg);
  if (radius === null) fail(ERR.geoRadiusNotNumber);
  if (radius < 0) fail(ERR.geoRadiusNegative);
  return { radius, conversion: parseUnit(unitArg) };
}

/** extractBoxOrReply: a non-negative width and height and their unit. */
function parseBox(widthArg: Bin, heightArg: Bin, unitArg: Bin): { width: number; height: number; conversion: number } {
  const width = parseDouble(widthArg);
  if (width === null) fail(ERR.geoWidthNotNumber);
  const height = parseDouble(heightArg);
  if (height === null) fail(ERR.geoHeightNotNumber);
  if (height < 0 || width < 0) fail(ERR.geoBoxNegative);
  return { width, height, conversion: parseUnit(unitArg) };
}

/** geoGetPointsInRange over one cell: members with scores in [min, max) inside the shape. */
function pointsInCell(zset: ZSetValue, cell: GeoHash, shape: GeoShape, points: GeoPoint[], limit: number): void {
  const min = Number(align52(cell));
  const max = Number(align52({ bits: cell.bits + 1n, step: cell.step }));
  for (let i = zset.lowerBound(min, ''); i < zset.sorted.length; i++) {
    const { member, score } = zset.sorted[i]!;
    if (score >= max) break;
    const [longitude, latitude] = decodeScore(score);
    const dist = distanceIfWithin(shape, longitude, latitude);
    if (dist !== null) points.push({ member, longitude, latitude, dist, score });
    if (points.length && limit && points.length >= limit) break;
  }
}

/** membersOfAllNeighbors: the cells in order, a cell equal to the last one searched skipped. */
function pointsInShape(zset: ZSetValue, shape: GeoShape, limit: number): GeoPoint[] {
  const { cells } = searchAreas(shape);
  const points: GeoPoint[] = [];
  let last = 0;
  for (let i = 0; i < cells.length; i++) {
    const cell = cells[i]!;
    if (isNoHash(cell)) continue;
    // Huge radii make neighbours repeat; `last` is 0 until a neighbour was searched, as in C.
    if (last && cell.bits === cells[last]!.bits && cell.step === cells[last]!.step) continue;
    if (points.length && limit && points.length >= limit) break;
    pointsInCell(zset, cell, shape, points, limit);
    last = i;
  }
  return points;
}

const byDistance = (a: GeoPoint, b: GeoPoint) => (a.dist > b.dist ? 1 : a.dist === b.dist ? 0 : -1);

export function georadiusGeneric(ctx: CommandContext, argv: readonly Bin[], sourceIndex: number, flags: SearchFlags): Reply {
  const zset = ctx.getZSet(argv[sourceIndex]!);
  let storeKey: Bin | null = null;
  let storeDist = false;
  let baseArgs: number;
  let center: [number, number] | null = null;
  let radius: { radius: number; conversion: number } | null = null;
  let box: { width: number; height: number; conversion: number } | null = null;
  if (flags.byCoordinates) {
    baseArgs = 6;
    center = parseLonLat(argv[2]!, argv[3]!);
    radius = parseRadius(argv[4]!, argv[5]!);
  } else if (flags.byMember) {
    baseArgs = 5;
    // Without the key the arguments are still parsed, to know which empty reply to give.
    if (zset) {
      center = memberPosition(zset, argv[2]!);
      radius = parseRadius(argv[3]!, argv[4]!);
    }
  } else {
    baseArgs = 2;
    if (flags.searchStore) {
      baseArgs = 3;
      storeKey = argv[1]!;
    }
  }
  let withDist = false;
  let withHash = false;
  let withCoord = false;
  let fromMember = false;
  let fromLonLat = false;
  let sort: 'none' | 'asc' | 'desc' = 'none';
  let any = false;
  let count = 0;
  const remaining = argv.length - baseArgs;
  for (let i = 0; i < remaining; i++) {
    const at = baseArgs + i;
    const arg = argv[at]!.toLowerCase();
    const storeAllowed = !flags.noStore && !flags.search;
    if (arg === 'withdist') withDist = true;
    else if (arg === 'withhash') withHash = true;
    else if (arg === 'withcoord') withCoord = true;
    else if (arg === 'any') any = true;
    else if (arg === 'asc') sort = 'asc';
    else if (arg === 'desc') sort = 'desc';
    else if (arg === 'count' && i + 1 < remaining) {
      const parsed = parseInt64(argv[at + 1]!);
      if (parsed === null) fail(ERR.notInteger);
      if (parsed <= 0n) fail(ERR.geoCountNotPositive);
      count = Number(parsed);
      i++;
    } else if ((arg === 'store' || arg === 'storedist') && i + 1 < remaining && storeAllowed) {
      storeKey = argv[at + 1]!;
      storeDist = arg === 'storedist';
      i++;
    } else if (arg === 'storedist' && flags.search && flags.searchStore) {
      storeDist = true;
    } else if (arg === 'frommember' && i + 1 < remaining && flags.search && !fromLonLat) {
      if (zset) center = memberPosition(zset, argv[at + 1]!);
      fromMember = true;
      i++;
    } else if (arg === 'fromlonlat' && i + 2 < remaining && flags.search && !fromMember) {
      center = parseLonLat(argv[at + 1]!, argv[at + 2]!);
      fromLonLat = true;
      i += 2;
    } else if (arg === 'byradius' && i + 2 < remaining && flags.search && !box) {
      radius = parseRadius(argv[at + 1]!, argv[at + 2]!);
      i += 2;
    } else if (arg === 'bybox' && i + 3 < remaining && flags.search && !radius) {
      box = parseBox(argv[at + 1]!, argv[at + 2]!, argv[at + 3]!);
      i += 3;
    } else {
      fail(ERR.syntax);
    }
  }
  if (storeKey !== null && (withDist || withHash || withCoord)) fail(ERR.geoStoreWithOptions(flags.searchStore ? 'GEOSEARCHSTORE' : 'STORE option in GEORADIUS'));
  if (flags.search && !(fromMember || fromLonLat)) fail(ERR.geoFromRequired(argv[0]!));
  if (flags.search && !(radius || box)) fail(ERR.geoByRequired(argv[0]!));
  if (any && !count) fail(ERR.geoAnyWithoutCount);

  if (!zset) {
    if (storeKey === null) return EMPTY_ARRAY;
    // dbDelete: no lookup first.
    if (ctx.db.delete(storeKey)) ctx.dirty();
    return int(0);
  }
  // COUNT needs the nearest ones: ascending unless ANY (any COUNT found) or an order was given.
  if (count !== 0 && sort === 'none' && !any) sort = 'asc';
  const [longitude, latitude] = center!;
  const shape: GeoShape = box
    ? { type: 'box', longitude, latitude, ...box }
    : { type: 'radius', longitude, latitude, ...radius! };
  const points = pointsInShape(zset, shape, any ? count : 0);
  if (points.length === 0 && storeKey === null) return EMPTY_ARRAY;
  const returned = count === 0 || points.length < count ? points.length : count;
  if (sort !== 'none') {
    const compare = sort === 'asc' ? byDistance : (a: GeoPoint, b: GeoPoint) => -byDistance(a, b);
    if (returned === points.length) glibcQsort(points, compare);
    else pqsort(points, compare, 0, returned - 1);
  }
  const kept = points.slice(0, returned);
  for (const point of kept) point.dist /= shape.conversion;

  if (storeKey === null) {
    const options = (withDist ? 1 : 0) + (withHash ? 1 : 0) + (withCoord ? 1 : 0);
    return array(
      kept.map((p) => {
        if (!options) return bulk(p.member);
        const item: Reply[] = [bulk(p.member)];
        if (withDist) item.push(bulk(formatFixedPoint(p.dist, 4)));
        if (withHash) item.push(int(BigInt(Math.trunc(p.score))));
        if (withCoord) item.push(coordinateReply(p.longitude, p.latitude));
        return array(item);
      }),
    );
  }
  if (returned === 0) {
    if (ctx.db.delete(storeKey)) ctx.dirty();
    return int(0);
  }
  const result = new ZSetValue();
  for (const p of kept) result.set(p.member, storeDist ? p.dist : p.score, ctx.limits);
  ctx.db.setKey(storeKey, result);
  ctx.dirty(returned);
  return int(returned);
}
