// Numbers in reports: the ICU-free digit grouping says exactly what toLocaleString('en-US') says.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatCount, groupDigits } from '../../src/scenario/words.js';

describe('groupDigits', () => {
  it("equals toLocaleString('en-US') for every number", () => {
    const numbers = fc.oneof(fc.integer(), fc.maxSafeInteger(), fc.double(), fc.constantFrom(0, -0, 999, 1000, -1000, 999_999, 1_000_000, 2 ** 53, -(2 ** 53), Infinity, NaN));
    fc.assert(fc.property(numbers, (n) => {
        expect(groupDigits(n)).toBe(n.toLocaleString('en-US'));
      }));
    fc.assert(fc.property(numbers, (n) => {
        expect(formatCount(n)).toBe(Math.round(n).toLocaleString('en-US'));
      }));
  });
});
