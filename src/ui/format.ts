// Numbers as the page prints them, always with their unit: bytes in binary units, counts with
// thousands separators, durations in the largest units that read well, latencies in ms.

/** 512 B, 1.5 KiB, 3.2 MiB; `digits` after the point for KiB and MiB (axis labels use 0 for KiB). */
export function formatBytes(n: number, kibDigits = 1): string {
  if (n < 1024) return `${formatCount(Math.round(n))} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(kibDigits)} KiB`;
  if (n < 1024 ** 3) return `${(n / 1024 / 1024).toFixed(1)} MiB`;
  return `${(n / 1024 ** 3).toFixed(2)} GiB`;
}

export { formatCount, formatDuration } from '../scenario/words.js';
import { formatCount } from '../scenario/words.js';

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
