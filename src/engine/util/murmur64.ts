// MurmurHash64A as hyperloglog.c has it (little-endian blocks on every platform), in 32-bit
// halves: BigInt would make PFADD of many elements several times slower.
import type { Bin } from '../bytes.js';

/** A uint64 as two uint32 halves. */
export interface U64 {
  hi: number;
  lo: number;
}

const M_HI = 0xc6a4a793;
const M_LO = 0x5bd1e995;

/** (hi, lo) × m mod 2^64 into `out`. */
function mulM(hi: number, lo: number, out: U64): void {
  // lo × M_LO needs its full 64 bits: 16-bit pieces keep every partial product exact.
  const a0 = lo & 0xffff;
  const a1 = lo >>> 16;
  const b0 = M_LO & 0xffff;
  const b1 = M_LO >>> 16;
  const p00 = a0 * b0;
  const p01 = a0 * b1;
  const p10 = a1 * b0;
  const mid = (p00 >>> 16) + (p01 & 0xffff) + (p10 & 0xffff);
  const carry = a1 * b1 + Math.floor(p01 / 0x10000) + Math.floor(p10 / 0x10000) + Math.floor(mid / 0x10000);
  out.lo = Math.imul(lo, M_LO) >>> 0;
  out.hi = (carry + Math.imul(hi, M_LO) + Math.imul(lo, M_HI)) >>> 0;
}

/** MurmurHash64A(data, len, seed) with a 32-bit seed. */
export function murmurHash64A(data: Bin, seed: number, out: U64 = { hi: 0, lo: 0 }): U64 {
  const len = data.length;
  const k: U64 = { hi: 0, lo: 0 };
  // h = seed ^ (len * m)
  mulM(0, len, out);
  out.lo = (out.lo ^ seed) >>> 0;
  const blocks = len - (len & 7);
  for (let i = 0; i < blocks; i += 8) {
    const lo = (data.charCodeAt(i) | (data.charCodeAt(i + 1) << 8) | (data.charCodeAt(i + 2) << 16) | (data.charCodeAt(i + 3) << 24)) >>> 0;
    const hi = (data.charCodeAt(i + 4) | (data.charCodeAt(i + 5) << 8) | (data.charCodeAt(i + 6) << 16) | (data.charCodeAt(i + 7) << 24)) >>> 0;
    mulM(hi, lo, k);
    // k ^= k >> 47; k *= m
    mulM(k.hi, (k.lo ^ (k.hi >>> 15)) >>> 0, k);
    // h ^= k; h *= m
    mulM((out.hi ^ k.hi) >>> 0, (out.lo ^ k.lo) >>> 0, out);
  }
  const rest = len & 7;
  if (rest > 0) {
    let hi = out.hi;
    let lo = out.lo;
    for (let j = rest - 1; j >= 0; j--) {
      const byte = data.charCodeAt(blocks + j);
      if (j >= 4) hi ^= byte << (8 * (j - 4));
      else lo ^= byte << (8 * j);
    }
    mulM(hi >>> 0, lo >>> 0, out);
  }
  // h ^= h >> 47; h *= m; h ^= h >> 47
  mulM(out.hi, (out.lo ^ (out.hi >>> 15)) >>> 0, out);
  out.lo = (out.lo ^ (out.hi >>> 15)) >>> 0;
  return out;
}
