// Standard output that a closed reader cannot break: after EPIPE (`... | head -1`) nothing more is
// printed, but the caller keeps running, so commands still execute and files are still saved.
import type { Writable } from 'node:stream';

export class Output {
  private closed = false;

  constructor(
    private readonly stream: Writable,
    private readonly warn: (line: string) => void,
    /** Told once when the reader goes away. */
    private readonly onClose: () => void = () => {},
  ) {
    stream.on('error', (e: NodeJS.ErrnoException) => this.close(e));
  }

  /** Whether the reader is gone: what is left to print is dropped. */
  get isClosed(): boolean {
    return this.closed;
  }

  /** Writes `text` (latin1: one byte per char) and waits while the pipe is full. */
  async write(text: string): Promise<void> {
    if (this.closed) return;
    if (this.stream.write(text, 'latin1')) return;
    await new Promise<void>((resolve) => {
      const done = () => {
        this.stream.off('drain', done);
        this.stream.off('error', done);
        this.stream.off('close', done);
        resolve();
      };
      this.stream.once('drain', done);
      this.stream.once('error', done);
      this.stream.once('close', done);
    });
  }

  private close(e: NodeJS.ErrnoException): void {
    if (this.closed) return;
    this.closed = true;
    this.onClose();
    // A reader that stops reading is normal in a pipeline; anything else deserves a line.
    if (e.code !== 'EPIPE') this.warn(`standard output failed (${e.message}); the rest is not printed`);
  }
}
