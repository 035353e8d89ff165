// Geo commands (geo.c): GEOADD (a ZADD of 52-bit geohash scores, propagated as that ZADD),
// GEOPOS, GEODIST, GEOHASH, and the searches of geo-search.ts. Positions reply as "%.17Lf"
// trimmed, distances with four decimals as fixedpoint_d2string prints them.
import type { Bin } from '../bytes.js';
import type { CommandContext } from '../context.js';
import { ERR } from '../errors.js';
import { array, bulk, NIL, NIL_ARRAY, type Reply } from '../resp/reply.js';
import { align52, decodeScore, geohashEncode, GEO_STEP_MAX } from '../util/geohash.js';
import { geoDistance } from '../util/geohash-areas.js';
import { formatFixedPoint } from '../util/numbers.js';
import { coordinateReply, parseLonLat, parseUnit } from './geo-args.js';
import { georadiusGeneric } from './geo-search.js';
import { command, fail, type CommandSpec } from './types.js';
import { zadd } from './zsets.js';

function geoadd(ctx: CommandContext, argv: readonly Bin[]): Reply {
  let nx = false;
  let xx = false;
  let first = 2;
  for (; first < argv.length; first++) {
    const option = argv[first]!.toLowerCase();
    if (option === 'nx') nx = true;
    else if (option === 'xx') xx = true;
    else if (option !== 'ch') break;
  }
  if ((argv.length - first) % 3 !== 0 || (xx && nx)) fail(ERR.syntax);
  // ZADD key [options as given] score member …, which is also what Redis propagates.
  const zaddArgv = ['zadd', ...argv.slice(1, first)];
  for (let i = first; i < argv.length; i += 3) {
    const [longitude, latitude] = parseLonLat(argv[i]!, argv[i + 1]!);
    zaddArgv.push(align52(geohashEncode(longitude, latitude, GEO_STEP_MAX)!).toString(), argv[i + 2]!);
  }
  ctx.rewriteArgv(zaddArgv);
  return zadd(ctx, zaddArgv, false);
}

/** The 11-character standard geohash (latitudes ±90) of a position; the last character is '0'. */
function standardGeohash(longitude: number, latitude: number): string {
  const alphabet = '0123456789bcdefghjkmnpqrstuvwxyz';
  const { bits } = geohashEncode(longitude, latitude, GEO_STEP_MAX, { min: -180, max: 180 }, { min: -90, max: 90 })!;
  let out = '';
  for (let i = 0; i < 10; i++) out += alphabet[Number((bits >> BigInt(52 - (i + 1) * 5)) & 0x1fn)];
  return out + '0';
}

/** GEOPOS and GEOHASH: one reply per member of argv[2…], `missing` for a member not there. */
function eachPosition(ctx: CommandContext, argv: readonly Bin[], missing: Reply, reply: (longitude: number, latitude: number) => Reply): Reply {
  const zset = ctx.getZSet(argv[1]!);
  return array(
    argv.slice(2).map((member) => {
      const score = zset?.scores.get(member);
      return score === undefined ? missing : reply(...decodeScore(score));
    }),
  );
}

export const geoCommands: readonly CommandSpec[] = [
  command({ name: 'geoadd', arity: -5, write: true, keys: [1, 1, 1], run: geoadd }),
  command({ name: 'geopos', arity: -2, keys: [1, 1, 1], run: (ctx, argv) => eachPosition(ctx, argv, NIL_ARRAY, coordinateReply) }),
  command({
    name: 'geodist',
    arity: -4,
    keys: [1, 1, 1],
    run(ctx, argv) {
      let toMeters = 1;
      if (argv.length === 5) toMeters = parseUnit(argv[4]!);
      else if (argv.length > 5) fail(ERR.syntax);
      const zset = ctx.getZSet(argv[1]!);
      const first = zset?.scores.get(argv[2]!);
      const second = zset?.scores.get(argv[3]!);
      if (first === undefined || second === undefined) return NIL;
      return bulk(formatFixedPoint(geoDistance(...decodeScore(first), ...decodeScore(second)) / toMeters, 4));
    },
  }),
  command({ name: 'geohash', arity: -2, keys: [1, 1, 1], run: (ctx, argv) => eachPosition(ctx, argv, NIL, (lon, lat) => bulk(standardGeohash(lon, lat))) }),
  command({ name: 'georadius', arity: -6, write: true, keys: [1, 1, 1], run: (ctx, argv) => georadiusGeneric(ctx, argv, 1, { byCoordinates: true }) }),
  command({ name: 'georadius_ro', arity: -6, keys: [1, 1, 1], run: (ctx, argv) => georadiusGeneric(ctx, argv, 1, { byCoordinates: true, noStore: true }) }),
  command({ name: 'georadiusbymember', arity: -5, write: true, keys: [1, 1, 1], run: (ctx, argv) => georadiusGeneric(ctx, argv, 1, { byMember: true }) }),
  command({ name: 'georadiusbymember_ro', arity: -5, keys: [1, 1, 1], run: (ctx, argv) => georadiusGeneric(ctx, argv, 1, { byMember: true, noStore: true }) }),
  command({ name: 'geosearch', arity: -7, keys: [1, 1, 1], run: (ctx, argv) => georadiusGeneric(ctx, argv, 1, { search: true }) }),
  command({ name: 'geosearchstore', arity: -8, write: true, keys: [1, 2, 1], run: (ctx, argv) => georadiusGeneric(ctx, argv, 2, { search: true, searchStore: true }) }),
];
