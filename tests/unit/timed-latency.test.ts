// A latency the page timed is printed as measured, or as "under one tick" of the clock that timed
// it: browsers coarsen performance.now() (Chromium to 0.1 ms without cross-origin isolation).
import { describe, expect, it } from 'vitest';
import { formatTimedMs } from '../../src/ui/format.js';
import { clockResolutionMs } from '../../src/worker/clock-resolution.js';

describe('a timed latency', () => {
  it('below the clock tick reads as under the tick, never as 0 ms', () => {
    expect(formatTimedMs(0, 0.1)).toBe('< 0.1 ms');
    expect(formatTimedMs(0.05, 0.1)).toBe('< 0.1 ms');
    expect(formatTimedMs(0, 1)).toBe('< 1 ms');
  });

  it('at or above the tick reads as measured', () => {
    expect(formatTimedMs(0.1, 0.1)).toBe('0.1 ms');
    expect(formatTimedMs(2.46, 0.1)).toBe('2.5 ms');
    expect(formatTimedMs(null, 0.1)).toBe('—');
  });

  it("Node's clock is measured finer than a browser's coarsened one", () => {
    const tick = clockResolutionMs();
    expect(tick).toBeGreaterThan(0);
    expect(tick).toBeLessThan(0.1);
    expect(clockResolutionMs()).toBe(tick);
  });
});
