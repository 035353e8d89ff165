// Progress of long CLI work on stderr, so stdout stays the result: nothing for work that ends
// within a second, then a line a second at most (rewritten in place on a terminal).
import type { WriteStream } from 'node:tty';

const QUIET_MS = 1000;

export class Progress {
  private readonly started = performance.now();
  private lastShown = 0;
  private showing = false;

  constructor(private readonly stream: Pick<WriteStream, 'write' | 'isTTY'>) {}

  /** `text` describes where the work is; shown if the work has run long enough. */
  update(text: string): void {
    const now = performance.now();
    if (now - this.started < QUIET_MS || now - this.lastShown < QUIET_MS) return;
    this.lastShown = now;
    this.showing = true;
    this.stream.write(this.stream.isTTY ? `\r${text}\x1b[K` : `${text}\n`);
  }

  /** Clears a progress line a terminal still shows, before a result or a message. */
  clear(): void {
    if (this.showing && this.stream.isTTY) this.stream.write('\r\x1b[K');
    this.showing = false;
  }
}
