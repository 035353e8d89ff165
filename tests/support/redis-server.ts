// Starts a real redis-server 7.0 on loopback for oracle tests and talks RESP2 to it. Arguments
// and bulk replies are Bin strings (one char per byte), so replies compare directly with the
// engine's. Every server gets its own port and temp dir and must be stopped by the test.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, waitForPort, waitUntilLoaded } from '../../src/cli/real/redis-process.js';
import { RedisConnection } from '../../src/cli/real/resp-client.js';
import type { Reply } from '../../src/engine/resp/reply.js';

export { encodeArgv, RedisConnection } from '../../src/cli/real/resp-client.js';

export const REDIS_SERVER = process.env.REDIS_SERVER ?? 'redis-server';

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
  waitUntilLoaded(timeoutMs = 30_000): Promise<void> {
    return waitUntilLoaded(this.connection, () => `Port ${this.port}; its log ends:\n${this.log().trim().split('\n').slice(-10).join('\n')}`, timeoutMs);
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
