// The server's disk operations happen one at a time, in order (AOF writes, fsyncs, renames,
// manifest updates), as Redis's main thread and its single background fsync do.
export class IoQueue {
  private tail: Promise<unknown> = Promise.resolve();
  private inFlight = 0;

  run<T>(operation: () => Promise<T>): Promise<T> {
    // Nothing in flight: start at once rather than a microtask later (the hot path of writes).
    const result = this.inFlight === 0 ? operation() : this.tail.then(operation);
    this.inFlight++;
    this.tail = result.then(
      () => void this.inFlight--,
      () => void this.inFlight--,
    );
    return result;
  }

  /** Resolves when everything queued so far has settled. */
  async drain(): Promise<void> {
    await this.tail;
  }
}
