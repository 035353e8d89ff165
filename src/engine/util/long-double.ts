// x87 80-bit long double arithmetic, exactly, for INCRBYFLOAT and HINCRBYFLOAT: Redis parses
// with strtold, adds in long double and prints with "%.17Lf", so "10.5" + "0.1" is "10.6" there,
// not the "10.600000000000001" a 64-bit double would give. Values are m × 2^e with a 64-bit
// significand, rounded to nearest-even like the FPU.
import type { Bin } from '../bytes.js';

export type LongDouble =
  | { readonly kind: 'finite'; readonly negative: boolean; readonly mantissa: bigint; readonly exponent: number }
  | { readonly kind: 'inf'; readonly negative: boolean }
  | { readonly kind: 'nan' };

const BITS = 64n;
const TOP = 1n << (BITS - 1n);
/** The smallest exponent of a denormal's unit (2^-16445). */
const MIN_EXPONENT = -16445;
/** Largest exponent of the unit of a finite value with a 64-bit significand (max ≈ 2^16384). */
const MAX_EXPONENT = 16384 - 64;

function bitLength(n: bigint): number {
  return n === 0n ? 0 : n.toString(2).length;
}

/** Rounds num/den (num, den > 0) × 2^shift to a long double; flags overflow and underflow. */
function roundRational(negative: boolean, num: bigint, den: bigint): { value: LongDouble; overflow: boolean; underflow: boolean } {
  if (num === 0n) return { value: { kind: 'finite', negative, mantissa: 0n, exponent: 0 }, overflow: false, underflow: false };
  // Pick e so that num / den / 2^e has 64 integer bits.
  let e = bitLength(num) - bitLength(den) - 64;
  const scaled = (k: number): [bigint, bigint] => (k >= 0 ? [num, den << BigInt(k)] : [num << BigInt(-k), den]);
  let [n, d] = scaled(e);
  if (n / d >= 1n << BITS) {
    e++;
    [n, d] = scaled(e);
  } else if (n / d < TOP) {
    e--;
    [n, d] = scaled(e);
  }
  if (e < MIN_EXPONENT) {
    e = MIN_EXPONENT;
    [n, d] = scaled(e);
  }
  let q = n / d;
  const r2 = (n % d) * 2n;
  if (r2 > d || (r2 === d && (q & 1n) === 1n)) q++;
  if (q === 1n << BITS) {
    q >>= 1n;
    e++;
  }
  if (e > MAX_EXPONENT) return { value: { kind: 'inf', negative }, overflow: true, underflow: false };
  return { value: { kind: 'finite', negative, mantissa: q, exponent: e }, overflow: false, underflow: q === 0n };
}

const DECIMAL = /^([+-]?)(?:([0-9]+)\.?([0-9]*)|\.([0-9]+))(?:[eE]([+-]?[0-9]+))?$/;
const HEX = /^([+-]?)0[xX](?:([0-9a-fA-F]+)\.?([0-9a-fA-F]*)|\.([0-9a-fA-F]+))(?:[pP]([+-]?[0-9]+))?$/;
const INF = /^([+-]?)(?:inf|infinity)$/i;
const NAN = /^[+-]?nan(?:\([0-9a-zA-Z_]*\))?$/i;

/** strtold over the whole string; null where strtold would not consume it all. */
function strtold(s: string): { value: LongDouble; overflow: boolean; underflow: boolean } | null {
  const inf = INF.exec(s);
  if (inf) return { value: { kind: 'inf', negative: inf[1] === '-' }, overflow: false, underflow: false };
  if (NAN.test(s)) return { value: { kind: 'nan' }, overflow: false, underflow: false };
  let negative: boolean;
  let digits: bigint;
  let base: bigint;
  let fractionDigits: number;
  let exponent: number;
  const dec = DECIMAL.exec(s);
  const hex = dec ? null : HEX.exec(s);
  if (dec) {
    negative = dec[1] === '-';
    const intPart = dec[2] ?? '';
    const frac = dec[3] ?? dec[4] ?? '';
    digits = BigInt((intPart + frac).replace(/^0+(?=.)/, '') || '0');
    base = 10n;
    fractionDigits = frac.length;
    exponent = Number(dec[5] ?? 0);
  } else if (hex) {
    negative = hex[1] === '-';
    const intPart = hex[2] ?? '';
    const frac = hex[3] ?? hex[4] ?? '';
    digits = BigInt('0x' + (intPart + frac || '0'));
    base = 2n;
    fractionDigits = frac.length * 4;
    exponent = Number(hex[5] ?? 0);
  } else {
    return null;
  }
  if (digits === 0n) return { value: { kind: 'finite', negative, mantissa: 0n, exponent: 0 }, overflow: false, underflow: false };
  // Exponents far outside the range saturate: the result is inf or 0 whatever the digits.
  const scale = exponent - fractionDigits;
  const magnitudeBits = bitLength(digits) + scale * (base === 10n ? 3.33 : 1);
  if (magnitudeBits > 17000) return { value: { kind: 'inf', negative }, overflow: true, underflow: false };
  if (magnitudeBits < -17000) return { value: { kind: 'finite', negative, mantissa: 0n, exponent: 0 }, overflow: false, underflow: true };
  const power = base ** BigInt(Math.abs(scale));
  return scale >= 0 ? roundRational(negative, digits * power, 1n) : roundRational(negative, digits, power);
}

/** Redis's string2ld: no leading space, all consumed, no overflow or underflow to zero, no NaN. */
export function parseLongDouble(s: Bin): LongDouble | null {
  if (s.length === 0 || s.length >= 5 * 1024 || /^[ \t\n\v\f\r]/.test(s)) return null;
  const r = strtold(s);
  if (!r || r.value.kind === 'nan' || r.overflow || r.underflow) return null;
  return r.value;
}

export function isFinite(v: LongDouble): boolean {
  return v.kind === 'finite';
}

export function addLongDouble(a: LongDouble, b: LongDouble): LongDouble {
  if (a.kind === 'nan' || b.kind === 'nan') return { kind: 'nan' };
  if (a.kind === 'inf' || b.kind === 'inf') {
    if (a.kind === 'inf' && b.kind === 'inf' && a.negative !== b.negative) return { kind: 'nan' };
    return a.kind === 'inf' ? a : b;
  }
  const e = Math.min(a.exponent, b.exponent);
  const sa = (a.negative ? -a.mantissa : a.mantissa) << BigInt(a.exponent - e);
  const sb = (b.negative ? -b.mantissa : b.mantissa) << BigInt(b.exponent - e);
  const sum = sa + sb;
  // An exact zero sum is +0 in round-to-nearest (-0 only if both were -0).
  if (sum === 0n) return { kind: 'finite', negative: a.negative && b.negative, mantissa: 0n, exponent: 0 };
  const negative = sum < 0n;
  const magnitude = negative ? -sum : sum;
  const r = e >= 0 ? roundRational(negative, magnitude << BigInt(e), 1n) : roundRational(negative, magnitude, 1n << BigInt(-e));
  return r.value;
}

/** The long double holding a double's value exactly (what C's implicit conversion gives). */
export function longDoubleOf(d: number): LongDouble {
  if (Number.isNaN(d)) return { kind: 'nan' };
  const negative = d < 0 || Object.is(d, -0);
  if (!Number.isFinite(d)) return { kind: 'inf', negative };
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, d);
  const biased = (view.getUint16(0) >> 4) & 0x7ff;
  const fraction = view.getBigUint64(0) & ((1n << 52n) - 1n);
  // Normal: 1.fraction × 2^(biased − 1023); subnormal: 0.fraction × 2^−1022.
  return biased === 0
    ? { kind: 'finite', negative, mantissa: fraction, exponent: -1074 }
    : { kind: 'finite', negative, mantissa: fraction | (1n << 52n), exponent: biased - 1075 };
}

/** printf("%.<digits>Lf"): the exact value rounded half to even, as glibc prints it. */
export function formatFixed(v: LongDouble, digits: number): string {
  if (v.kind === 'nan') return 'nan';
  if (v.kind === 'inf') return v.negative ? '-inf' : 'inf';
  const scale = 10n ** BigInt(digits);
  let scaled: bigint;
  if (v.exponent >= 0) {
    scaled = (v.mantissa << BigInt(v.exponent)) * scale;
  } else {
    const num = v.mantissa * scale;
    const den = 1n << BigInt(-v.exponent);
    scaled = num / den;
    const r2 = (num % den) * 2n;
    if (r2 > den || (r2 === den && (scaled & 1n) === 1n)) scaled++;
  }
  const text = scaled.toString().padStart(digits + 1, '0');
  const out = digits > 0 ? `${text.slice(0, -digits)}.${text.slice(-digits)}` : text;
  return v.negative ? '-' + out : out;
}

/** printf("%.17Lf") then Redis's LD_STR_HUMAN trimming of trailing zeros (and "-0" → "0"). */
export function formatLongDoubleHuman(v: LongDouble): string {
  if (v.kind !== 'finite') return formatFixed(v, 17);
  const out = formatFixed(v, 17).replace(/0+$/, '').replace(/\.$/, '');
  return out === '-0' ? '0' : out;
}
