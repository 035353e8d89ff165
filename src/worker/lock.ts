// The Web Lock that makes one worker the only writer of a set of files. A worker that was just
// terminated (a crash, a reload) releases its lock a moment later, so a new one waits briefly;
// a second tab keeps the lock, and the new worker then runs in memory.

const LOCK_WAIT_MS = 3_000;

/**
 * Resolves true when this context holds the lock (until it ends), false when another kept it.
 * A page replacing its own worker knows the holder is ending and may wait longer.
 */
export function acquireLock(name: string, waitMs = LOCK_WAIT_MS): Promise<boolean> {
  if (typeof navigator === 'undefined' || !navigator.locks) return Promise.resolve(true);
  return new Promise((resolve) => {
    navigator.locks
      .request(name, { signal: AbortSignal.timeout(waitMs) }, () => {
        resolve(true);
        // Held until the worker ends: a terminated worker releases it.
        return new Promise<void>(() => {});
      })
      .catch(() => resolve(false));
  });
}
