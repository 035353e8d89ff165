// Numbers as the panels print them: bytes in binary units, counts with thousands separators.

/** 512 B, 1.5 KiB, 3.2 MiB; `digits` after the point for KiB and MiB (axis labels use 0 for KiB). */
export function formatBytes(n: number, kibDigits = 1): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(kibDigits)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

export const formatCount = (n: number): string => n.toLocaleString('en-US');
