// A socket that sends bytes exactly as given and records every byte it gets back, for comparing
// what two servers answer to the same (possibly malformed) input, and whether they hang up.
import { Socket } from 'node:net';

export class RawClient {
  private received = '';
  closed = false;
  private readonly waiters: (() => void)[] = [];

  private constructor(readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.received += chunk.toString('latin1');
      this.notify();
    });
    socket.on('close', () => {
      this.closed = true;
      this.notify();
    });
    socket.on('error', () => {});
  }

  static open(port: number): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const socket = new Socket();
      socket.once('error', reject);
      socket.connect(port, '127.0.0.1', () => {
        socket.off('error', reject);
        resolve(new RawClient(socket));
      });
    });
  }

  send(bytes: string): void {
    this.socket.write(Buffer.from(bytes, 'latin1'));
  }

  /** Everything received so far. */
  get text(): string {
    return this.received;
  }

  /** Waits until `done(text)` holds or the socket closed; throws after `timeoutMs`. */
  async until(done: (text: string) => boolean, timeoutMs = 5000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    while (!done(this.received) && !this.closed) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting; received so far: ${JSON.stringify(this.received)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return this.received;
  }

  /** Waits for the server to close the connection; returns everything it sent. */
  untilClosed(timeoutMs = 5000): Promise<string> {
    return this.until(() => false, timeoutMs).catch((e: Error) => {
      if (this.closed) return this.received;
      throw e;
    });
  }

  /** Whatever arrives within `ms` (for inputs that get no answer and no hang-up). */
  async settle(ms: number): Promise<string> {
    await new Promise((r) => setTimeout(r, ms));
    return this.received;
  }

  close(): void {
    this.socket.destroy();
  }

  private notify(): void {
    for (const w of this.waiters.splice(0)) w();
  }
}
