// A chart's time axis reads in one unit, at round numbers of it, whatever the run's length.
import { describe, expect, it } from 'vitest';
import { byteAxis, timeAxisTicks } from '../../src/ui/format.js';

const labels = (spanMs: number) => timeAxisTicks(spanMs).map((t) => t.label);

describe('a time axis', () => {
  it('labels every tick, 0 included, in the unit the span reads best in', () => {
    expect(labels(10_000)).toEqual(['0 s', '2 s', '4 s', '6 s', '8 s', '10 s']);
    expect(labels(900)).toEqual(['0 ms', '200 ms', '400 ms', '600 ms', '800 ms']);
    expect(labels(600_000)).toEqual(['0 min', '2 min', '4 min', '6 min', '8 min', '10 min']);
    expect(labels(14_400_000)).toEqual(['0 h', '1 h', '2 h', '3 h', '4 h']);
  });

  it('places each tick at its time in ms, inside the span', () => {
    for (const span of [1, 1_999, 2_000, 9_700, 119_999, 7_200_000, 86_400_000]) {
      const ticks = timeAxisTicks(span);
      expect(ticks.length).toBeGreaterThan(0);
      expect(ticks[0]!.ms).toBe(0);
      for (const t of ticks) expect(t.ms).toBeLessThanOrEqual(span);
    }
    expect(timeAxisTicks(14_400_000).map((t) => t.ms)).toContain(3_600_000);
  });
});

describe('a size axis', () => {
  it('ticks at round numbers of one binary unit, its top at or above the largest value', () => {
    expect(byteAxis(83_456).ticks.map((t) => t.label)).toEqual(['0 KiB', '50 KiB', '100 KiB']);
    expect(byteAxis(1).ticks.map((t) => t.label)).toEqual(['0 B', '1 B']);
    for (const max of [1, 700, 1024, 83_456, 5 * 1024 * 1024 + 1, 3 * 1024 ** 3]) {
      const axis = byteAxis(max);
      expect(axis.top).toBeGreaterThanOrEqual(max);
      expect(axis.ticks[0]!.bytes).toBe(0);
      expect(axis.ticks.at(-1)!.bytes).toBeLessThanOrEqual(axis.top);
      const unit = axis.ticks[0]!.label.split(' ')[1];
      for (const t of axis.ticks) expect(t.label.split(' ')[1]).toBe(unit);
    }
  });
});
