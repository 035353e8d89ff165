// Numbers in the words reports and panels use: counts with thousands separators, durations in the
// largest units that read well. Shared, so a report and the page say the same thing the same way.

export const formatCount = (n: number): string => Math.round(n).toLocaleString('en-US');

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
