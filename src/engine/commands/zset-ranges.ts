// Sorted-set range specifications as Redis parses and applies them: score ranges
// (zslParseRange: strtod, "(" for exclusive, ±inf), lex ranges (zslParseLexRange: "[", "(", "-",
// "+") and the selection walks, which follow the listpack code paths (first element in range,
// then onward while still in range).
import type { Bin } from '../bytes.js';
import type { ZEntry, ZSetValue } from '../keyspace/values.js';
import { parseStrtod } from '../util/numbers.js';

export interface ScoreRange {
  min: number;
  max: number;
  minExclusive: boolean;
  maxExclusive: boolean;
}

/** A lex bound: -inf / +inf as Redis's minstring / maxstring, or a member. */
export type LexBound = { kind: 'min' } | { kind: 'max' } | { kind: 'value'; value: Bin };

export interface LexRange {
  min: LexBound;
  max: LexBound;
  minExclusive: boolean;
  maxExclusive: boolean;
}

function parseScoreBound(arg: Bin): { value: number; exclusive: boolean } | null {
  const exclusive = arg.startsWith('(');
  const text = exclusive ? arg.slice(1) : arg;
  // strtod over "" consumes nothing and leaves the end pointer on the NUL: Redis accepts it as 0.
  const value = text === '' ? 0 : parseStrtod(text);
  return value === null ? null : { value, exclusive };
}

export function parseScoreRange(minArg: Bin, maxArg: Bin): ScoreRange | null {
  const min = parseScoreBound(minArg);
  const max = parseScoreBound(maxArg);
  if (!min || !max) return null;
  return { min: min.value, max: max.value, minExclusive: min.exclusive, maxExclusive: max.exclusive };
}

function parseLexBound(arg: Bin): { bound: LexBound; exclusive: boolean } | null {
  switch (arg[0]) {
    case '+':
      return arg.length === 1 ? { bound: { kind: 'max' }, exclusive: true } : null;
    case '-':
      return arg.length === 1 ? { bound: { kind: 'min' }, exclusive: true } : null;
    case '(':
      return { bound: { kind: 'value', value: arg.slice(1) }, exclusive: true };
    case '[':
      return { bound: { kind: 'value', value: arg.slice(1) }, exclusive: false };
    default:
      return null;
  }
}

export function parseLexRange(minArg: Bin, maxArg: Bin): LexRange | null {
  const min = parseLexBound(minArg);
  const max = parseLexBound(maxArg);
  if (!min || !max) return null;
  return { min: min.bound, max: max.bound, minExclusive: min.exclusive, maxExclusive: max.exclusive };
}

export function scoreGteMin(score: number, r: ScoreRange): boolean {
  return r.minExclusive ? score > r.min : score >= r.min;
}

export function scoreLteMax(score: number, r: ScoreRange): boolean {
  return r.maxExclusive ? score < r.max : score <= r.max;
}

function scoreRangeEmpty(r: ScoreRange): boolean {
  return r.min > r.max || (r.min === r.max && (r.minExclusive || r.maxExclusive));
}

/** sdscmplex: minstring and maxstring sort before and after everything (and equal themselves). */
function compareLex(a: LexBound, b: LexBound): number {
  if (a.kind === b.kind && a.kind !== 'value') return 0;
  if (a.kind === 'min' || b.kind === 'max') return -1;
  if (a.kind === 'max' || b.kind === 'min') return 1;
  const x = (a as { value: Bin }).value;
  const y = (b as { value: Bin }).value;
  return x < y ? -1 : x > y ? 1 : 0;
}

export function lexGteMin(member: Bin, r: LexRange): boolean {
  const c = compareLex({ kind: 'value', value: member }, r.min);
  return r.minExclusive ? c > 0 : c >= 0;
}

export function lexLteMax(member: Bin, r: LexRange): boolean {
  const c = compareLex({ kind: 'value', value: member }, r.max);
  return r.maxExclusive ? c < 0 : c <= 0;
}

function lexRangeEmpty(r: LexRange): boolean {
  const c = compareLex(r.min, r.max);
  return c > 0 || (c === 0 && (r.minExclusive || r.maxExclusive));
}

/**
 * Indices of the entries a score or lex range selects, in walk order (descending when
 * `reverse`): from the first entry in range, onward while in range, after skipping `offset`
 * and taking at most `limit` (negative: no limit; a negative offset selects nothing).
 */
export function selectRange(
  zset: ZSetValue,
  inRange: { gteMin: (e: ZEntry) => boolean; lteMax: (e: ZEntry) => boolean; empty: boolean },
  reverse: boolean,
  offset = 0,
  limit = -1,
): number[] {
  const entries = zset.sorted;
  const n = entries.length;
  if (inRange.empty || n === 0) return [];
  if (!inRange.gteMin(entries[n - 1]!) || !inRange.lteMax(entries[0]!)) return [];
  let start = -1;
  if (!reverse) {
    for (let i = 0; i < n; i++) {
      if (inRange.gteMin(entries[i]!)) {
        start = inRange.lteMax(entries[i]!) ? i : -1;
        break;
      }
    }
  } else {
    for (let i = n - 1; i >= 0; i--) {
      if (inRange.lteMax(entries[i]!)) {
        start = inRange.gteMin(entries[i]!) ? i : -1;
        break;
      }
    }
  }
  if (start < 0 || offset < 0) return [];
  const step = reverse ? -1 : 1;
  const out: number[] = [];
  let i = start + offset * step;
  for (; i >= 0 && i < n && (limit < 0 || out.length < limit); i += step) {
    const e = entries[i]!;
    if (reverse ? !inRange.gteMin(e) : !inRange.lteMax(e)) break;
    out.push(i);
  }
  return out;
}

export function scoreSelector(r: ScoreRange) {
  return { gteMin: (e: ZEntry) => scoreGteMin(e.score, r), lteMax: (e: ZEntry) => scoreLteMax(e.score, r), empty: scoreRangeEmpty(r) };
}

export function lexSelector(r: LexRange) {
  return { gteMin: (e: ZEntry) => lexGteMin(e.member, r), lteMax: (e: ZEntry) => lexLteMax(e.member, r), empty: lexRangeEmpty(r) };
}

/** Rank bounds normalised as genericZrangebyrankCommand does; null when empty. */
export function rankRange(start: number, end: number, length: number): [number, number] | null {
  if (start < 0) start = length + start;
  if (end < 0) end = length + end;
  if (start < 0) start = 0;
  if (start > end || start >= length) return null;
  if (end >= length) end = length - 1;
  return [start, end];
}
