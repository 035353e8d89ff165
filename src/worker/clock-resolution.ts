// How finely this context's performance.now() ticks. Browsers coarsen it where the page is not
// cross-origin isolated (Chromium to 0.1 ms, Firefox to 1 ms), so a latency below one tick reads
// as 0: the page says "under a tick" rather than print a 0 it did not measure.

let measured: number | null = null;

/** The smallest step seen between two different readings, in ms (measured once, ~1 ms at most). */
export function clockResolutionMs(): number {
  if (measured !== null) return measured;
  let smallest = Infinity;
  let steps = 0;
  const started = performance.now();
  let last = started;
  while (steps < 20 && last - started < 5) {
    const now = performance.now();
    if (now > last) {
      smallest = Math.min(smallest, now - last);
      steps++;
      last = now;
    }
  }
  // Readings a few µs apart at most: the clock is as fine as anything the page times.
  measured = Number.isFinite(smallest) ? Math.max(smallest, 0.001) : 1;
  return measured;
}
