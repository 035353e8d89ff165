// A RESP2 client for redis-server over loopback, small and exact: arguments and bulk replies are
// Bin strings (one char per byte), so replies compare directly with the engine's. The oracle
// tests and verify-real talk to the real server through it.
import { Socket } from 'node:net';
import type { Reply } from '../../engine/index.js';

/** A minimal incremental RESP2 reply reader over a Node socket. */
class ReplyReader {
  private buffer: Buffer = Buffer.alloc(0);
  private offset = 0;

  push(chunk: Buffer): void {
    this.buffer = this.offset < this.buffer.length ? Buffer.concat([this.buffer.subarray(this.offset), chunk]) : chunk;
    this.offset = 0;
  }

  /** The next complete reply, or undefined if more bytes are needed. */
  next(): Reply | undefined {
    const start = this.offset;
    const reply = this.read();
    if (reply === undefined) this.offset = start;
    return reply;
  }

  private line(): string | undefined {
    const end = this.buffer.indexOf('\r\n', this.offset, 'latin1');
    if (end < 0) return undefined;
    const text = this.buffer.toString('latin1', this.offset, end);
    this.offset = end + 2;
    return text;
  }

  private read(): Reply | undefined {
    // Integers (PFDEBUG GETREG replies 16384 of them) are read from the bytes, without a string.
    if (this.buffer[this.offset] === 0x3a) {
      let at = this.offset + 1;
      const negative = this.buffer[at] === 0x2d;
      if (negative) at++;
      let n = 0;
      let digits = 0;
      for (; at < this.buffer.length && this.buffer[at]! >= 0x30 && this.buffer[at]! <= 0x39; at++, digits++) n = n * 10 + this.buffer[at]! - 0x30;
      if (at + 1 < this.buffer.length && this.buffer[at] === 0x0d && digits > 0 && digits <= 15) {
        this.offset = at + 2;
        return { kind: 'int', value: negative ? -n : n };
      }
    }
    const header = this.line();
    if (header === undefined) return undefined;
    const body = header.slice(1);
    switch (header[0]) {
      case '+':
        return { kind: 'status', value: body };
      case '-':
        return { kind: 'error', value: body };
      case ':': {
        // Up to 15 digits a number is exact; only longer ones need a bigint.
        if (body.length <= 15) return { kind: 'int', value: Number(body) };
        const n = BigInt(body);
        return { kind: 'int', value: n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n };
      }
      case '$': {
        const length = Number(body);
        if (length < 0) return { kind: 'bulk', value: null };
        if (this.buffer.length < this.offset + length + 2) return undefined;
        const value = this.buffer.toString('latin1', this.offset, this.offset + length);
        this.offset += length + 2;
        return { kind: 'bulk', value };
      }
      case '*': {
        const count = Number(body);
        if (count < 0) return { kind: 'array', value: null };
        const items: Reply[] = [];
        for (let i = 0; i < count; i++) {
          const item = this.read();
          if (item === undefined) return undefined;
          items.push(item);
        }
        return { kind: 'array', value: items };
      }
      default:
        throw new Error(`unexpected reply byte ${JSON.stringify(header)}`);
    }
  }
}

export function encodeArgv(argv: readonly string[]): Buffer {
  let s = `*${argv.length}\r\n`;
  for (const a of argv) s += `$${a.length}\r\n${a}\r\n`;
  return Buffer.from(s, 'latin1');
}

export class RedisConnection {
  private readonly reader = new ReplyReader();
  private readonly waiting: ((reply: Reply) => void)[] = [];

  private readonly waitingErrors: ((error: Error) => void)[] = [];
  private closed = false;
  private closing = false;

  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.reader.push(chunk);
      for (let reply = this.reader.next(); reply !== undefined; reply = this.reader.next()) {
        this.waitingErrors.shift();
        this.waiting.shift()?.(reply);
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
