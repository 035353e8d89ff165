// Numbers as the page prints them, always with their unit: bytes in binary units, counts with
// thousands separators, durations in the largest units that read well, latencies in ms.

/** 512 B, 1.5 KiB, 3.2 MiB; `digits` after the point for KiB and MiB (axis labels use 0 for KiB). */
export function formatBytes(n: number, kibDigits = 1): string {
  if (n < 1024) return `${formatCount(Math.round(n))} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(kibDigits)} KiB`;
  if (n < 1024 ** 3) return `${(n / 1024 / 1024).toFixed(1)} MiB`;
  return `${(n / 1024 ** 3).toFixed(2)} GiB`;
}

import { nice, ticks } from 'd3';

export { formatCount, formatDuration, formatLossWindow } from '../scenario/words.js';
import { formatCount } from '../scenario/words.js';

/**
 * A time axis from 0 to `spanMs`: about `count` ticks at round numbers of one unit chosen by the
 * span, each labelled in it ("0 s, 2 s, 4 s" rather than "0 ms, 2 s"; "0 h, 1 h, 2 h" rather
 * than "0 ms, 5,000,000 ms").
 */
export function timeAxisTicks(spanMs: number, count = 5): { ms: number; label: string }[] {
  const [unit, per] = spanMs < 2_000 ? ['ms', 1] : spanMs < 120_000 ? ['s', 1_000] : spanMs < 7_200_000 ? ['min', 60_000] : ['h', 3_600_000];
  return ticks(0, spanMs / per, count).map((value) => ({ ms: value * per, label: `${value.toLocaleString('en-US')} ${unit}` }));
}

/**
 * A size axis from 0 past `maxBytes`: its top and about `count` ticks at round numbers of one
 * binary unit ("0 KiB, 50 KiB, 100 KiB" rather than "20 KiB, 39 KiB, 59 KiB", which is what
 * decimal round numbers print as in KiB).
 */
export function byteAxis(maxBytes: number, count = 3): { top: number; ticks: { bytes: number; label: string }[] } {
  const units = ['B', 'KiB', 'MiB', 'GiB'];
  let power = 0;
  while (power < units.length - 1 && maxBytes >= 1024 ** (power + 1)) power++;
  const per = 1024 ** power;
  const [, top] = nice(0, Math.max(1, maxBytes / per), count);
  // Bytes come whole: no tick between two counts.
  const values = ticks(0, top, count).filter((value) => power > 0 || Number.isInteger(value));
  return { top: top * per, ticks: values.map((value) => ({ bytes: value * per, label: `${value.toLocaleString('en-US')} ${units[power]}` })) };
}

/** A latency: 0.05 ms, 2.4 ms, 1,200 ms. */
export function formatMs(ms: number | null): string {
  if (ms === null) return '—';
  if (ms === 0) return '0 ms';
  if (ms < 10) return `${Number(ms.toPrecision(2))} ms`;
  return `${formatCount(ms)} ms`;
}

/** A latency the page timed with a clock that ticks every `tickMs`: one below a tick was too short to time. */
export function formatTimedMs(ms: number | null, tickMs: number): string {
  return ms !== null && ms < tickMs ? `< ${formatMs(tickMs)}` : formatMs(ms);
}

/** 1,234 writes/s */
export const formatRate = (n: number, what = 'writes'): string => `${formatCount(n)} ${what}/s`;
