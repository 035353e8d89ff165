// Numbers in the words reports and panels use: counts with thousands separators, durations in the
// largest units that read well. Shared, so a report and the page say the same thing the same way.

/**
 * `n.toLocaleString('en-US')`, without waking ICU for whole numbers: a scenario run's first
 * report otherwise pays tens of milliseconds to load its locale data.
 */
export function groupDigits(n: number): string {
  if (!Number.isSafeInteger(n) || Object.is(n, -0)) return n.toLocaleString('en-US');
  const digits = String(Math.abs(n));
  let out = digits.slice(0, ((digits.length - 1) % 3) + 1);
  for (let i = out.length; i < digits.length; i += 3) out += `,${digits.slice(i, i + 3)}`;
  return n < 0 ? `-${out}` : out;
}

export const formatCount = (n: number): string => groupDigits(Math.round(n));

/** A loss window as people read it: none when nothing was lost, and never "0 ms" when something was. */
export function formatLossWindow(ms: number, lost: number): string {
  if (lost === 0) return 'none';
  return ms < 1 ? 'under 1 ms' : formatDuration(Math.round(ms));
}

/** 850 ms, 9.7 s, 3 min 20 s, 3 h 50 min, 2 d 4 h. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${formatCount(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${Number(s.toFixed(s < 10 ? 2 : 1))} s`;
  const parts = (big: number, bigUnit: string, small: number, smallUnit: string) => (small > 0 ? `${big} ${bigUnit} ${small} ${smallUnit}` : `${big} ${bigUnit}`);
  if (s < 3600) return parts(Math.floor(s / 60), 'min', Math.round(s % 60), 's');
  if (s < 86_400) return parts(Math.floor(s / 3600), 'h', Math.round((s % 3600) / 60), 'min');
  return parts(Math.floor(s / 86_400), 'd', Math.round((s % 86_400) / 3600), 'h');
}
