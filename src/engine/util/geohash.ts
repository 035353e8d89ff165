// Redis's geohash (geohash.c): longitude and latitude as fixed-point fractions of their range,
// interleaved bit by bit (latitude in the even bits) into 2 × step bits; a sorted-set score is
// the 52-bit hash of step 26 over latitudes ±85.05112878. Hashes are bigints (a hash at the
// edge of the range can pass 2^53); decoding a score, done per member searched, stays in numbers.

export const GEO_STEP_MAX = 26;
export const GEO_LAT_MIN = -85.05112878;
export const GEO_LAT_MAX = 85.05112878;
export const GEO_LONG_MIN = -180;
export const GEO_LONG_MAX = 180;

export interface GeoRange {
  readonly min: number;
  readonly max: number;
}

/** The ranges of scores (WGS84 in Redis's Mercator-safe latitudes). */
export const LONG_RANGE: GeoRange = { min: GEO_LONG_MIN, max: GEO_LONG_MAX };
export const LAT_RANGE: GeoRange = { min: GEO_LAT_MIN, max: GEO_LAT_MAX };

export interface GeoHash {
  readonly bits: bigint;
  readonly step: number;
}

/** GZERO: a neighbour taken out of a search. */
export const NO_HASH: GeoHash = { bits: 0n, step: 0 };

export function isNoHash(hash: GeoHash): boolean {
  return hash.bits === 0n && hash.step === 0;
}

export interface GeoArea {
  readonly longitude: GeoRange;
  readonly latitude: GeoRange;
}

/** The 16 low bits of `x` spread to the even bits of a 32-bit word. */
function spread16(x: number): number {
  x &= 0xffff;
  x = (x | (x << 8)) & 0x00ff00ff;
  x = (x | (x << 4)) & 0x0f0f0f0f;
  x = (x | (x << 2)) & 0x33333333;
  x = (x | (x << 1)) & 0x55555555;
  return x >>> 0;
}

/** The even bits of a 32-bit word packed into 16 bits. */
function compact16(x: number): number {
  x &= 0x55555555;
  x = (x | (x >>> 1)) & 0x33333333;
  x = (x | (x >>> 2)) & 0x0f0f0f0f;
  x = (x | (x >>> 4)) & 0x00ff00ff;
  x = (x | (x >>> 8)) & 0x0000ffff;
  return x;
}

/** interleave64: the bits of uint32 `even` in the even positions, those of `odd` in the odd. */
function interleave(even: number, odd: number): bigint {
  const lo = (spread16(even) | (spread16(odd) << 1)) >>> 0;
  const hi = (spread16(even >>> 16) | (spread16(odd >>> 16) << 1)) >>> 0;
  return (BigInt(hi) << 32n) | BigInt(lo);
}

/** deinterleave64 of a uint64 given as halves: [latitude bits, longitude bits]. */
function deinterleave(hi: number, lo: number): [number, number] {
  const even = (compact16(lo) | (compact16(hi) << 16)) >>> 0;
  const odd = (compact16(lo >>> 1) | (compact16(hi >>> 1) << 16)) >>> 0;
  return [even, odd];
}

/** A double converted to uint64_t as x86-64 code does it (truncation; out of range as cvttsd2si). */
function uint64Halves(d: number): [number, number] {
  if (d >= 0 && d < 2 ** 53 && Number.isInteger(d)) {
    const hi = Math.floor(d / 2 ** 32);
    return [hi, d - hi * 2 ** 32];
  }
  let v: bigint;
  if (d >= 2 ** 63) {
    const rest = d - 2 ** 63;
    v = rest >= 2 ** 63 ? 0n : BigInt(Math.trunc(rest)) | (1n << 63n);
  } else {
    const t = Math.trunc(d);
    v = Number.isNaN(t) || t < -(2 ** 63) ? 1n << 63n : BigInt.asUintN(64, BigInt(t));
  }
  return [Number(v >> 32n), Number(v & 0xffffffffn)];
}

/**
 * geohashEncode: null outside the coordinate limits or the ranges. The fixed-point offsets are
 * truncated to uint32 as C does.
 */
export function geohashEncode(longitude: number, latitude: number, step: number, longRange = LONG_RANGE, latRange = LAT_RANGE): GeoHash | null {
  if (longitude > GEO_LONG_MAX || longitude < GEO_LONG_MIN || latitude > GEO_LAT_MAX || latitude < GEO_LAT_MIN) return null;
  if (latitude < latRange.min || latitude > latRange.max || longitude < longRange.min || longitude > longRange.max) return null;
  const latOffset = ((latitude - latRange.min) / (latRange.max - latRange.min)) * 2 ** step;
  const longOffset = ((longitude - longRange.min) / (longRange.max - longRange.min)) * 2 ** step;
  return { bits: interleave(latOffset >>> 0, longOffset >>> 0), step };
}

function areaOf(ilato: number, ilono: number, step: number, longRange: GeoRange, latRange: GeoRange): GeoArea {
  const latScale = latRange.max - latRange.min;
  const longScale = longRange.max - longRange.min;
  const cells = 2 ** step;
  // (ilato + 1) wraps in uint32, as in C.
  return {
    latitude: { min: latRange.min + (ilato / cells) * latScale, max: latRange.min + (((ilato + 1) >>> 0) / cells) * latScale },
    longitude: { min: longRange.min + (ilono / cells) * longScale, max: longRange.min + (((ilono + 1) >>> 0) / cells) * longScale },
  };
}

/** geohashDecode: the cell a hash stands for. */
export function geohashDecode(hash: GeoHash, longRange = LONG_RANGE, latRange = LAT_RANGE): GeoArea {
  const [ilato, ilono] = deinterleave(Number(hash.bits >> 32n), Number(hash.bits & 0xffffffffn));
  return areaOf(ilato, ilono, hash.step, longRange, latRange);
}

/** geohashDecodeAreaToLongLat: the cell's centre, kept within the coordinate limits. */
export function areaCenter(area: GeoArea): [number, number] {
  const longitude = Math.min(Math.max((area.longitude.min + area.longitude.max) / 2, GEO_LONG_MIN), GEO_LONG_MAX);
  const latitude = Math.min(Math.max((area.latitude.min + area.latitude.max) / 2, GEO_LAT_MIN), GEO_LAT_MAX);
  return [longitude, latitude];
}

/** decodeGeohash: a sorted-set score (any double) to [longitude, latitude]. */
export function decodeScore(score: number): [number, number] {
  const [hi, lo] = uint64Halves(score);
  const [ilato, ilono] = deinterleave(hi, lo);
  return areaCenter(areaOf(ilato, ilono, GEO_STEP_MAX, LONG_RANGE, LAT_RANGE));
}

/** geohashAlign52Bits: the hash shifted to the 52 bits of a score. */
export function align52(hash: GeoHash): bigint {
  return hash.bits << BigInt(52 - hash.step * 2);
}

const EVEN = 0x5555555555555555n;
const ODD = 0xaaaaaaaaaaaaaaaan;
const U64 = (v: bigint) => BigInt.asUintN(64, v);

/** geohash_move_x / geohash_move_y: one cell east/west (odd bits) or north/south (even bits). */
function move(hash: GeoHash, dx: number, dy: number): GeoHash {
  const width = 64n - BigInt(hash.step * 2);
  let bits = hash.bits;
  for (const [d, mine, other] of [[dx, ODD, EVEN], [dy, EVEN, ODD]] as const) {
    if (d === 0) continue;
    let part = bits & mine;
    const kept = bits & other;
    const zz = other >> width;
    part = d > 0 ? U64(part + zz + 1n) : U64((part | zz) - (zz + 1n));
    part &= mine >> width;
    bits = part | kept;
  }
  return { bits, step: hash.step };
}

export interface GeoNeighbors {
  readonly north: GeoHash;
  readonly south: GeoHash;
  readonly east: GeoHash;
  readonly west: GeoHash;
  readonly northEast: GeoHash;
  readonly northWest: GeoHash;
  readonly southEast: GeoHash;
  readonly southWest: GeoHash;
}

/** geohashNeighbors: the eight cells around, wrapping at the edges of the range. */
export function geohashNeighbors(hash: GeoHash): GeoNeighbors {
  return {
    north: move(hash, 0, 1),
    south: move(hash, 0, -1),
    east: move(hash, 1, 0),
    west: move(hash, -1, 0),
    northEast: move(hash, 1, 1),
    northWest: move(hash, -1, 1),
    southEast: move(hash, 1, -1),
    southWest: move(hash, -1, -1),
  };
}
