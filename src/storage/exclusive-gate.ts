// Calls on a store that run side by side, and calls that must run alone: on OPFS an open access
// handle locks its file, so a rename or delete (which closes the handles first) must not have a
// read, size or write reopen one half-way.

export class ExclusiveGate {
  private shared = 0;
  private exclusive: Promise<void> | null = null;
  private drained: (() => void) | null = null;

  /** Runs `operation` alongside others, after any exclusive one in progress. */
  async share<T>(operation: () => Promise<T>): Promise<T> {
    while (this.exclusive) await this.exclusive;
    this.shared++;
    try {
      return await operation();
    } finally {
      if (--this.shared === 0) this.drained?.();
    }
  }

  /** Runs `operation` once the shared ones in progress have ended, with none starting meanwhile. */
  async alone<T>(operation: () => Promise<T>): Promise<T> {
    while (this.exclusive) await this.exclusive;
    let release!: () => void;
    this.exclusive = new Promise<void>((resolve) => (release = resolve));
    try {
      if (this.shared > 0) await new Promise<void>((resolve) => (this.drained = resolve));
      this.drained = null;
      return await operation();
    } finally {
      this.exclusive = null;
      release();
    }
  }
}
