// Number parsing and formatting with Redis's exact rules (string2ll, strtod, "%.17g"), which
// differ from JS's Number() in many corners ("+1", " 1", "0x10", "inf", "1e400").
import type { Bin } from '../bytes.js';

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const SMALL_CANONICAL_INT = /^(?:0|-?[1-9][0-9]{0,14})$/;
const CANONICAL_INT = /^(?:0|-?[1-9][0-9]*)$/;

/**
 * A string whose first character is neither a digit nor '-' is no integer: most strings a
 * writer meets are words, known so without a regular expression or a BigInt.
 */
function mayBeInt(s: Bin): boolean {
  const c = s.charCodeAt(0);
  return (c >= 48 && c <= 57) || c === 45;
}

/** Redis's string2ll: a canonical base-10 int64 ("-0", "+1", "01", " 1" are not). */
export function parseInt64(s: Bin): bigint | null {
  if (s.length === 0 || s.length > 20 || !mayBeInt(s)) return null;
  if (SMALL_CANONICAL_INT.test(s)) return BigInt(s);
  if (!CANONICAL_INT.test(s)) return null;
  const v = BigInt(s);
  return v < INT64_MIN || v > INT64_MAX ? null : v;
}

/** A canonical integer of at most 15 digits as a number (any sum of two is exact), else null. */
export function parseSmallInt(s: Bin): number | null {
  return s.length > 0 && s.length <= 16 && mayBeInt(s) && SMALL_CANONICAL_INT.test(s) ? Number(s) : null;
}

/**
 * An int64 argument as a JS number (exact up to 2^53; beyond, close enough for the index and
 * count clamping it is used for). Null when not an integer.
 */
export function parseIntArg(s: Bin): number | null {
  if (s.length > 0 && s.length <= 16 && SMALL_CANONICAL_INT.test(s)) return Number(s);
  const v = parseInt64(s);
  return v === null ? null : Number(v);
}

export function fitsInt64(v: bigint): boolean {
  return v >= INT64_MIN && v <= INT64_MAX;
}

export { INT64_MAX, INT64_MIN };

const PLAIN_DECIMAL = /^-?[0-9]+(?:\.[0-9]+)?$/;
const DECIMAL_FLOAT = /^[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/;
const INFINITY_WORD = /^([+-]?)(?:inf|infinity)$/i;
const NAN_WORD = /^[+-]?nan(?:\([0-9a-z_]*\))?$/i;
const HEX_FLOAT = /^([+-]?)0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?(?:[pP]([+-]?[0-9]+))?$/;

/** strtod over the whole string; NaN for anything strtod would not consume completely. */
function strtodWhole(s: string): { value: number; underflow: boolean; overflow: boolean } {
  const inf = INFINITY_WORD.exec(s);
  if (inf) return { value: inf[1] === '-' ? -Infinity : Infinity, underflow: false, overflow: false };
  if (NAN_WORD.test(s)) return { value: NaN, underflow: false, overflow: false };
  if (DECIMAL_FLOAT.test(s)) {
    const value = Number(s);
    const mantissa = s.replace(/[eE].*$/, '');
    const underflow = value === 0 && /[1-9]/.test(mantissa);
    return { value, underflow, overflow: !Number.isFinite(value) };
  }
  const hex = HEX_FLOAT.exec(s);
  if (hex && (hex[2]!.length > 0 || (hex[3] ?? '').length > 0)) {
    const digits = hex[2]! + (hex[3] ?? '');
    let value = 0;
    for (const d of digits) value = value * 16 + parseInt(d, 16);
    value *= 2 ** (Number(hex[4] ?? 0) - 4 * (hex[3] ?? '').length);
    if (hex[1] === '-') value = -value;
    return { value, underflow: value === 0 && /[1-9a-f]/i.test(digits), overflow: !Number.isFinite(value) };
  }
  return { value: NaN, underflow: false, overflow: false };
}

/**
 * Redis's string2d (getDoubleFromObject): the whole string must be a float, no leading space,
 * no overflow or underflow to zero, and not NaN. Null otherwise.
 */
export function parseDouble(s: Bin): number | null {
  if (s.length === 0 || /^\s/.test(s)) return null;
  const r = strtodWhole(s);
  if (Number.isNaN(r.value) || r.underflow || r.overflow) return null;
  return r.value;
}

/**
 * Bare strtod with the "must consume everything" check, as zslParseRange uses it: leading
 * white space is skipped and overflow saturates to ±inf. Null for NaN or leftovers.
 */
export function parseStrtod(s: Bin): number | null {
  // Plain decimals (what listpacks and RDB text scores hold) are exact in Number() already.
  if (s.length < 16 && PLAIN_DECIMAL.test(s)) return Number(s);
  const trimmed = s.replace(/^[ \t\n\v\f\r]+/, '');
  if (trimmed.length === 0) return null;
  const r = strtodWhole(trimmed);
  if (Number.isNaN(r.value)) return null;
  return r.value;
}

/**
 * Recent formatDouble results: a dataset's scores repeat (a listpack written again at every
 * save, ranks and prices shared by many members), and each fresh one costs a 40-digit expansion.
 */
const formatted = new Map<number, string>();
const FORMATTED_MAX = 4096;

/** C's printf("%.17g", d) as glibc prints it (round half to even on the exact value). */
export function formatDouble(d: number): string {
  // -0 is a Map key equal to 0: it is answered below, before the cache.
  if (d === 0) return Object.is(d, -0) ? '-0' : '0';
  let text = formatted.get(d);
  if (text === undefined) {
    if (formatted.size === FORMATTED_MAX) formatted.clear();
    formatted.set(d, (text = formatDoubleUncached(d)));
  }
  return text;
}

/**
 * A sorted set's score as its listpack holds it (zzlInsertAt): integral values within ±2^62
 * (double2ll's bound) as integers, -0 included (double2ll takes it for 0), others as
 * d2string's "%.17g".
 */
export function scoreText(score: number): string {
  if (!Number.isInteger(score) || Math.abs(score) > 2 ** 62) return formatDouble(score);
  // Below 2^53 a number prints its integer digits exactly, without a BigInt.
  return Math.abs(score) < 2 ** 53 ? String(score) : BigInt(score).toString();
}

function formatDoubleUncached(d: number): string {
  if (Number.isNaN(d)) return 'nan';
  if (d === Infinity) return 'inf';
  if (d === -Infinity) return '-inf';
  if (d === 0) return Object.is(d, -0) ? '-0' : '0';
  const negative = d < 0;
  const exact = Math.abs(d).toExponential(40);
  const [mant, expText] = exact.split('e') as [string, string];
  let digits = mant.replace('.', '');
  let exponent = Number(expText);
  const rest = digits.slice(17);
  digits = digits.slice(0, 17);
  const roundUp = rest[0]! > '5' || (rest[0] === '5' && (/[1-9]/.test(rest.slice(1)) || Number(digits[16]) % 2 === 1));
  if (roundUp) {
    const bumped = (BigInt(digits) + 1n).toString();
    if (bumped.length > 17) {
      exponent += 1;
      digits = bumped.slice(0, 17);
    } else digits = bumped;
  }
  digits = digits.replace(/0+$/, '');
  let out: string;
  if (exponent < -4 || exponent >= 17) {
    const fraction = digits.slice(1);
    const e = Math.abs(exponent).toString().padStart(2, '0');
    out = digits[0] + (fraction ? '.' + fraction : '') + 'e' + (exponent < 0 ? '-' : '+') + e;
  } else if (exponent < 0) {
    out = '0.' + '0'.repeat(-exponent - 1) + digits;
  } else if (digits.length <= exponent + 1) {
    out = digits + '0'.repeat(exponent + 1 - digits.length);
  } else {
    out = digits.slice(0, exponent + 1) + '.' + digits.slice(exponent + 1);
  }
  return negative ? '-' + out : out;
}

/**
 * Redis's fixedpoint_d2string: llrint(d × 10^digits) (half to even; out of the int64 range
 * x86 gives INT64_MIN) printed with the point `digits` from the right, as GEODIST replies.
 */
export function formatFixedPoint(d: number, digits: number): string {
  if (d === 0) return '0.' + '0'.repeat(digits);
  const x = d * 10 ** digits;
  let scaled: bigint;
  if (!(Math.abs(x) < 2 ** 63)) {
    scaled = INT64_MIN;
  } else {
    const floor = Math.floor(x);
    const rest = x - floor;
    scaled = BigInt(rest > 0.5 || (rest === 0.5 && floor % 2 !== 0) ? floor + 1 : floor);
  }
  const negative = scaled < 0n;
  const text = (negative ? -scaled : scaled).toString().padStart(digits + 1, '0');
  return `${negative ? '-' : ''}${text.slice(0, -digits)}.${text.slice(-digits)}`;
}

/** C's printf("%.<digits>f", d) as glibc prints it: the exact binary value, ties to even. */
export function formatFixed(d: number, digits: number): string {
  if (!Number.isFinite(d)) return formatDouble(d);
  // toFixed(60) is exact for any double of a magnitude that has fractional digits at all.
  const exact = Math.abs(d).toFixed(60);
  const [whole, fraction] = exact.split('.') as [string, string];
  const kept = BigInt(whole + fraction.slice(0, digits));
  const rest = fraction.slice(digits);
  const half = rest[0]! > '5' || (rest[0] === '5' && /[1-9]/.test(rest.slice(1)));
  const tie = rest[0] === '5' && !/[1-9]/.test(rest.slice(1));
  const rounded = (kept + (half || (tie && kept % 2n === 1n) ? 1n : 0n)).toString().padStart(digits + 1, '0');
  const text = digits > 0 ? `${rounded.slice(0, -digits)}.${rounded.slice(-digits)}` : rounded;
  return d < 0 || Object.is(d, -0) ? `-${text}` : text;
}

/**
 * A SORT weight as sortCommandGeneric reads it: strtod must stop at the end (a NUL byte ends
 * the string for it), without ERANGE (overflow, or underflow to zero or a subnormal) and not
 * NaN. The empty string is 0. Null when SORT would say the score can't be converted.
 */
export function parseSortWeight(s: Bin): number | null {
  const nul = s.indexOf('\0');
  const text = nul >= 0 ? s.slice(0, nul) : s;
  if (text === '') return 0;
  const trimmed = text.replace(/^[ \t\n\v\f\r]+/, '');
  // Nothing converted: strtod leaves the end pointer at the start, on a space.
  if (trimmed === '') return null;
  const r = strtodWhole(trimmed);
  if (Number.isNaN(r.value) || r.overflow || r.underflow) return null;
  if (r.value !== 0 && Math.abs(r.value) < 2.2250738585072014e-308) return null;
  return r.value;
}

/** Digits of `n`, a non-negative integer, in decimal. */
export function decimalDigits(n: number): number {
  if (n < 10) return 1;
  if (n < 100) return 2;
  let digits = 3;
  for (let rest = Math.floor(n / 1000); rest > 0; rest = Math.floor(rest / 10)) digits++;
  return digits;
}

/** n (a non-negative integer) in decimal at `at`; returns the position after it. */
export function writeDecimal(buf: Uint8Array, at: number, n: number): number {
  const end = at + decimalDigits(n);
  let pos = end;
  do {
    buf[--pos] = 0x30 + (n % 10);
    n = Math.floor(n / 10);
  } while (n > 0);
  return end;
}
