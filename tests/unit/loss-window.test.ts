// How a loss window reads wherever the page shows one: "none" when nothing was lost, never
// "0 ms" or "0.00 s" when writes were, and hours in hours.
import { describe, expect, it } from 'vitest';
import { formatLossWindow } from '../../src/scenario/words.js';

describe('formatLossWindow', () => {
  it('reads as a person would say it', () => {
    expect(formatLossWindow(0, 0)).toBe('none');
    expect(formatLossWindow(0, 3)).toBe('under 1 ms');
    expect(formatLossWindow(0.4, 1)).toBe('under 1 ms');
    expect(formatLossWindow(116.4, 12)).toBe('116 ms');
    expect(formatLossWindow(1_500, 800)).toBe('1.5 s');
    expect(formatLossWindow(3_498_000, 34_980)).toBe('58 min 18 s');
  });
});
