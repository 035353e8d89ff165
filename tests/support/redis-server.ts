// Starts a real redis-server 7.0 on loopback for oracle tests and talks RESP2 to it. Arguments
// and bulk replies are Bin strings (one char per byte), so replies compare directly with the
// engine's. Every server gets its own port and temp dir and must be stopped by the test.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Reply } from '../../src/engine/resp/reply.js';

export const REDIS_SERVER = process.env.REDIS_SERVER ?? 'redis-server';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

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

  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.reader.push(chunk);
      for (let reply = this.reader.next(); reply !== undefined; reply = this.reader.next()) this.waiting.shift()?.(reply);
    });
  }

  static async open(port: number): Promise<RedisConnection> {
    const socket = new Socket();
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.connect(port, '127.0.0.1', () => {
        socket.off('error', reject);
        resolve();
      });
    });
    socket.setNoDelay(true);
    return new RedisConnection(socket);
  }

  /** Sends commands in one write and resolves with their replies in order. */
  pipeline(commands: readonly (readonly string[])[]): Promise<Reply[]> {
    const promises: Promise<Reply>[] = [];
    for (let i = 0; i < commands.length; i++) promises.push(new Promise((resolve) => this.waiting.push(resolve)));
    this.socket.write(Buffer.concat(commands.map(encodeArgv)));
    return Promise.all(promises);
  }

  async command(...argv: string[]): Promise<Reply> {
    const [reply] = await this.pipeline([argv]);
    return reply!;
  }

  close(): void {
    this.socket.destroy();
  }
}

export interface RedisServerOptions {
  /** Extra command-line arguments, e.g. ['--appendonly', 'yes']. */
  args?: string[];
  /** Use this directory instead of a fresh temp dir (kept after stop). */
  dir?: string;
}

export class RedisServer {
  private constructor(
    readonly port: number,
    readonly dir: string,
    private readonly process: ChildProcess,
    readonly connection: RedisConnection,
    private readonly ownsDir: boolean,
    readonly log: () => string,
  ) {}

  /** The server's process id (benchmarks read its CPU time). */
  get pid(): number | undefined {
    return this.process.pid;
  }

  static async start(options: RedisServerOptions = {}): Promise<RedisServer> {
    const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'lab-redis-'));
    for (let attempt = 0; ; attempt++) {
      const port = await freePort();
      const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no',
        '--enable-debug-command', 'local', '--dir', dir, '--daemonize', 'no', '--logfile', '', ...(options.args ?? [])];
      const child = spawn(REDIS_SERVER, args, { stdio: ['ignore', 'pipe', 'pipe'] });
      let output = '';
      child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
      child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
      const spawnError = new Promise<Error>((resolve) => child.once('error', resolve));
      const ready = await Promise.race([waitForPort(port, child), spawnError.then((e) => e)]);
      if (ready === true) {
        const connection = await RedisConnection.open(port);
        const server = new RedisServer(port, dir, child, connection, options.dir === undefined, () => output);
        try {
          await server.waitUntilLoaded();
        } catch (e) {
          await server.stop();
          throw e;
        }
        return server;
      }
      child.kill('SIGKILL');
      if (ready instanceof Error) throw new Error(`cannot run ${REDIS_SERVER}: ${ready.message} (install the redis-server package)`);
      if (attempt >= 3) throw new Error(`redis-server did not start:\n${output}`);
    }
  }

  command(...argv: string[]): Promise<Reply> {
    return this.connection.command(...argv);
  }

  pipeline(commands: readonly (readonly string[])[]): Promise<Reply[]> {
    return this.connection.pipeline(commands);
  }

  /**
   * Waits until the server answers PING and `INFO persistence` says `loading:0`. Redis accepts
   * connections while it loads its files: until then commands get `LOADING`, and `DEBUG DIGEST`
   * (allowed while loading) digests only the keys loaded so far.
   */
  async waitUntilLoaded(timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let last = '';
    while (Date.now() < deadline) {
      const pong = await this.command('PING');
      if (pong.kind === 'status' && pong.value === 'PONG') {
        const info = await this.command('INFO', 'persistence');
        const text = info.kind === 'bulk' ? info.value ?? '' : '';
        if (/\r?\nloading:0\r?\n/.test(`\n${text}`)) return;
        last = text.split(/\r?\n/).find((line) => line.startsWith('loading')) ?? 'no loading field';
      } else {
        last = pong.kind === 'error' || pong.kind === 'status' ? pong.value : JSON.stringify(pong);
      }
      await new Promise((r) => setTimeout(r, 10));
    }
    const tail = this.log().trim().split('\n').slice(-10).join('\n');
    throw new Error(`redis-server on port ${this.port} did not finish loading within ${timeoutMs / 1000} s (last answer: ${last}). Its log ends:\n${tail}`);
  }

  /** Waits until no BGSAVE or AOF rewrite is running or scheduled. */
  async waitForBackgroundJobs(timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const info = await this.command('INFO', 'persistence');
      const text = info.kind === 'bulk' ? info.value ?? '' : '';
      if (['aof_rewrite_in_progress:0', 'aof_rewrite_scheduled:0', 'rdb_bgsave_in_progress:0'].every((f) => text.includes(f))) return;
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error('redis-server still has a background job running');
  }

  /** Stops the server without saving and removes its temp dir. */
  async stop(): Promise<void> {
    const exited = new Promise<void>((resolve) => {
      if (this.process.exitCode !== null) resolve();
      else this.process.once('exit', () => resolve());
    });
    try {
      this.connection.pipeline([['SHUTDOWN', 'NOSAVE']]).catch(() => undefined);
    } catch {
      // already gone
    }
    const timer = setTimeout(() => this.process.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
    this.connection.close();
    if (this.ownsDir) rmSync(this.dir, { recursive: true, force: true });
  }
}

/**
 * Starts redis-server on `dir` expecting it to refuse (a file it cannot load) and returns what
 * it logged; throws if it keeps running.
 */
export async function redisRefusal(dir: string, args: readonly string[] = []): Promise<string> {
  const port = await freePort();
  const result = spawnSync(REDIS_SERVER, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--dir', dir, '--logfile', '', ...args], { encoding: 'utf8', timeout: 10_000 });
  if (result.status === 0 || result.signal !== null) throw new Error(`redis-server did not refuse to start on ${dir}`);
  return result.stdout + result.stderr;
}

async function waitForPort(port: number, child: ChildProcess): Promise<boolean> {
  for (let i = 0; i < 200; i++) {
    if (child.exitCode !== null) return false;
    const ok = await new Promise<boolean>((resolve) => {
      const s = new Socket();
      s.once('error', () => resolve(false));
      s.connect(port, '127.0.0.1', () => {
        s.destroy();
        resolve(true);
      });
    });
    if (ok) return true;
    await new Promise((r) => setTimeout(r, 25));
  }
  return false;
}
