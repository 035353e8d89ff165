// Number helpers of the newer commands with C's semantics: "%.2f" as glibc prints a double (the
// exact binary value, ties to even: DEBUG OBJECT's ql_avg_node), strtod as SORT checks a weight
// (whole string up to a NUL, no ERANGE, no NaN, "" is 0), and the LFU counter's arithmetic.
import { describe, expect, it } from 'vitest';
import { seededRng } from '../../src/engine/clock.js';
import { idleMs, lfuCounter, lfuLogIncr, LRU_CLOCK_MAX, lruClock } from '../../src/engine/keyspace/access.js';
import { formatFixed, parseSortWeight, scoreText } from '../../src/engine/util/numbers.js';

describe('formatFixed', () => {
  it('rounds the exact binary value, ties to even, as glibc printf does', () => {
    // 2.125, 0.125 and 2.375 are exact ties; 1.015 and 2.675 are a hair below theirs.
    expect([2.125, 0.125, 2.375, 1.015, 2.675, 1, 80, 3.5].map((x) => formatFixed(x, 2))).toEqual(['2.12', '0.12', '2.38', '1.01', '2.67', '1.00', '80.00', '3.50']);
    expect(formatFixed(1 / 3, 2)).toBe('0.33');
    expect(formatFixed(-0.005, 2)).toBe('-0.01');
    expect(formatFixed(Infinity, 2)).toBe('inf');
  });
});

describe('scoreText', () => {
  it("spells a score as zzlInsertAt stores it in a listpack: double2ll's integers (±2^62, -0 as 0), else %.17g", () => {
    expect([0, -0, 1.5, -3, 2 ** 62, -(2 ** 62), 2 ** 63, 0.1].map(scoreText)).toEqual(['0', '0', '1.5', '-3', '4611686018427387904', '-4611686018427387904', '9.2233720368547758e+18', '0.10000000000000001']);
  });
});

describe('parseSortWeight', () => {
  it('accepts what strtod consumes to the end, without ERANGE or NaN', () => {
    expect(parseSortWeight('')).toBe(0);
    expect(parseSortWeight(' 7')).toBe(7);
    expect(parseSortWeight('0x10')).toBe(16);
    expect(parseSortWeight('-inf')).toBe(-Infinity);
    expect(parseSortWeight('12\x00trailing')).toBe(12);
    expect(parseSortWeight('1.5e3')).toBe(1500);
  });

  it('refuses leftovers, blanks, NaN, overflow and underflow', () => {
    for (const bad of ['abc', '1 ', ' ', 'nan', '1e400', '-1e400', '1e-400', '1e-310', '1x']) expect(parseSortWeight(bad), bad).toBeNull();
  });
});

describe('access fields', () => {
  it('wraps the LRU clock at 24 bits and measures idle time across the wrap', () => {
    const now = (LRU_CLOCK_MAX + 5) * 1000;
    expect(lruClock(now)).toBe(4);
    expect(idleMs(LRU_CLOCK_MAX - 2, now)).toBe(6000);
  });

  it('never counts past 255, always counts with a log factor of 0, decays per period', () => {
    const rng = seededRng(7);
    expect(lfuLogIncr(255, 0, rng)).toBe(255);
    for (let c = 0; c < 255; c++) expect(lfuLogIncr(c, 0, rng)).toBe(c + 1);
    const field = (10 << 8) | 20; // last decrement at minute 10, counter 20
    expect(lfuCounter(field, 13 * 60_000, 1)).toBe(17);
    expect(lfuCounter(field, 50 * 60_000, 1)).toBe(0);
    expect(lfuCounter(field, 13 * 60_000, 0)).toBe(20);
  });
});
