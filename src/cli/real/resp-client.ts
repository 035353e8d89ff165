// A RESP2 client for redis-server over loopback, small and exact: arguments and bulk replies are
// Bin strings (one char per byte), so replies compare directly with the engine's. The oracle
// tests and verify-real talk to the real server through it.
import { Socket } from 'node:net';
import { encodeCommand, ReplyParser, type Reply } from '../../engine/index.js';

export function encodeArgv(argv: readonly string[]): Buffer {
  return Buffer.from(encodeCommand(argv), 'latin1');
}

export class RedisConnection {
  private readonly parser = new ReplyParser();
  private readonly waiting: ((reply: Reply) => void)[] = [];

  private readonly waitingErrors: ((error: Error) => void)[] = [];
  private closed = false;
  private closing = false;

  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.parser.push(chunk.toString('latin1'));
      for (let parsed = this.parser.next(); parsed.kind !== 'incomplete'; parsed = this.parser.next()) {
        if (parsed.kind === 'error') {
          // Nothing after bytes that are not RESP can be trusted: what is awaited fails.
          for (const fail of this.waitingErrors.splice(0)) fail(new Error(`redis-server sent a malformed reply: ${parsed.message}`));
          this.waiting.length = 0;
          socket.destroy();
          return;
        }
        this.waitingErrors.shift();
        this.waiting.shift()?.(parsed.value);
      }
    });
    // A server that goes away (a crash, SHUTDOWN) fails the replies still awaited.
    socket.on('error', () => undefined);
    socket.on('close', () => {
      this.closed = true;
      this.waiting.length = 0;
      const waiting = this.waitingErrors.splice(0);
      // Closed by us: what was still awaited (a blocked command) is simply abandoned.
      if (!this.closing) for (const fail of waiting) fail(new Error('the connection to redis-server closed'));
    });
  }

  static async open(port: number, host = '127.0.0.1'): Promise<RedisConnection> {
    const socket = new Socket();
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.connect(port, host, () => {
        socket.off('error', reject);
        resolve();
      });
    });
    socket.setNoDelay(true);
    return new RedisConnection(socket);
  }

  /** Sends commands in one write and resolves with their replies in order. */
  pipeline(commands: readonly (readonly string[])[]): Promise<Reply[]> {
    if (this.closed) return Promise.reject(new Error('the connection to redis-server is closed'));
    const promises: Promise<Reply>[] = [];
    for (let i = 0; i < commands.length; i++) {
      promises.push(
        new Promise((resolve, reject) => {
          this.waiting.push(resolve);
          this.waitingErrors.push(reject);
        }),
      );
    }
    this.socket.write(Buffer.concat(commands.map(encodeArgv)));
    return Promise.all(promises);
  }

  async command(...argv: string[]): Promise<Reply> {
    const [reply] = await this.pipeline([argv]);
    return reply!;
  }

  close(): void {
    this.closing = true;
    this.socket.destroy();
  }
}
