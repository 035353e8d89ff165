// A real redis-server process on loopback: started on a free port, ready once its files are
// loaded, killed as a crash kills it (with any fork child it leaves behind), always cleaned up.
// The oracle tests start theirs through tests/support/redis-server.ts on the same pieces.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, Socket } from 'node:net';
import { RedisConnection } from './resp-client.js';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** True once something accepts connections on the port; false if `child` exits first. */
export async function waitForPort(port: number, child: ChildProcess): Promise<boolean> {
  for (let i = 0; i < 200; i++) {
    if (child.exitCode !== null || child.signalCode !== null) return false;
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

/** One field of an INFO reply, or undefined. */
export function infoField(info: string, name: string): string | undefined {
  return new RegExp(`(?:^|\\n)${name}:([^\\r\\n]*)`).exec(info)?.[1];
}

export async function info(connection: RedisConnection, section: string): Promise<string> {
  const reply = await connection.command('INFO', section);
  return reply.kind === 'bulk' ? (reply.value ?? '') : '';
}

/**
 * Waits until the server answers PING and `INFO persistence` says `loading:0`. Redis accepts
 * connections while it loads its files: until then commands get `LOADING`, and `DEBUG DIGEST`
 * (allowed while loading) digests only the keys loaded so far.
 */
export async function waitUntilLoaded(connection: RedisConnection, describe: () => string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    const pong = await connection.command('PING');
    if (pong.kind === 'status' && pong.value === 'PONG') {
      const text = await info(connection, 'persistence');
      if (infoField(text, 'loading') === '0') return;
      last = text.split(/\r?\n/).find((line) => line.startsWith('loading')) ?? 'no loading field';
    } else {
      last = pong.kind === 'error' || pong.kind === 'status' ? pong.value : JSON.stringify(pong);
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`redis-server did not finish loading within ${timeoutMs / 1000} s (last answer: ${last}). ${describe()}`);
}

export interface RedisProcessOptions {
  /** The redis-server binary. */
  bin: string;
  /** A config file to start from (its directives come before the arguments'), if any. */
  configFile?: string;
  /** Command-line directives after the port, e.g. ['--dir', dir]. */
  args: readonly string[];
}

/** Why a server could not start: it exited (its log says why), or it never listened. */
export class RedisStartError extends Error {
  constructor(
    message: string,
    readonly log: string,
  ) {
    super(message);
  }
}

/**
 * A redis-server in a process group of its own, so that a crash can take its fork children too
 * and none outlives the run. Its log (stdout) is kept, with times in UTC for reading them back.
 */
export class RedisProcess {
  private output = '';

  private constructor(
    readonly port: number,
    private readonly child: ChildProcess,
    readonly connection: RedisConnection,
    readonly exited: Promise<void>,
  ) {}

  get pid(): number {
    return this.child.pid!;
  }

  get log(): string {
    return this.output;
  }

  static async start(options: RedisProcessOptions): Promise<RedisProcess> {
    for (let attempt = 0; ; attempt++) {
      const port = await freePort();
      const args = [...(options.configFile ? [options.configFile] : []), '--port', String(port), '--bind', '127.0.0.1', '--daemonize', 'no', '--logfile', '', ...options.args];
      const child = spawn(options.bin, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true, env: { ...process.env, TZ: 'UTC' } });
      let output = '';
      child.stdout!.on('data', (d: Buffer) => (output += d.toString('latin1')));
      child.stderr!.on('data', (d: Buffer) => (output += d.toString('latin1')));
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      const spawnError = new Promise<Error>((resolve) => child.once('error', resolve));
      const ready = await Promise.race([waitForPort(port, child), spawnError]);
      if (ready instanceof Error) throw new Error(`cannot run ${options.bin}: ${ready.message} (install the redis-server package, or name it with --redis-server PATH)`);
      if (ready) {
        const server = new RedisProcess(port, child, await RedisConnection.open(port), exited);
        child.stdout!.removeAllListeners('data');
        child.stderr!.removeAllListeners('data');
        server.output = output;
        child.stdout!.on('data', (d: Buffer) => (server.output += d.toString('latin1')));
        child.stderr!.on('data', (d: Buffer) => (server.output += d.toString('latin1')));
        try {
          await waitUntilLoaded(server.connection, () => `Its log ends:\n${tail(server.output)}`);
        } catch (e) {
          await server.killGroup();
          throw new RedisStartError((e as Error).message, server.output);
        }
        return server;
      }
      killGroup(child);
      await exited;
      // It exited (it refused its files or its config) or another process took the port.
      if (child.exitCode !== null && !/Address already in use/.test(output)) throw new RedisStartError(`redis-server exited at start:\n${tail(output)}`, output);
      if (attempt >= 3) throw new RedisStartError(`redis-server did not start:\n${tail(output)}`, output);
    }
  }

  /** SIGKILL to the server alone, as a crash of its process: a fork child it has goes on. */
  kill(): void {
    try {
      process.kill(this.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }

  /** Whether any process of the server's group (the server, or a fork child it left) still runs. */
  groupAlive(): boolean {
    try {
      process.kill(-this.pid, 0);
      return true;
    } catch {
      return false;
    }
  }

  /** Waits up to `timeoutMs` for every process of the group to end by itself; true if they did. */
  async groupEnded(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (this.groupAlive()) {
      if (Date.now() > deadline) return false;
      await new Promise((r) => setTimeout(r, 10));
    }
    return true;
  }

  /** Ends the server and any child at once, without saving. */
  async killGroup(): Promise<void> {
    killGroup(this.child);
    this.connection.close();
    await this.exited;
    await this.groupEnded(5_000);
  }
}

function killGroup(child: ChildProcess): void {
  try {
    process.kill(-child.pid!, 'SIGKILL');
  } catch {
    // already gone
  }
}

export function tail(log: string, lines = 12): string {
  return log.trim().split('\n').slice(-lines).join('\n');
}
