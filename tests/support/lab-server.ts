// The lab's RESP server (`cli serve`) for tests: started in this process on a free loopback port,
// quiet, and always stopped; plus the async process runner the tools that talk to it need (a
// synchronous spawn would block the very event loop that serves them).
import { spawn } from 'node:child_process';
import { afterAll, beforeAll } from 'vitest';
import { applyConfigText, Config } from '../../src/engine/index.js';
import { serve, type RunningServer } from '../../src/cli/serve/serve.js';
import { RedisConnection, RedisServer } from './redis-server.js';

export interface LabServer extends RunningServer {
  readonly connection: RedisConnection;
  /** Log lines the server wrote. */
  readonly log: string[];
  stop(): Promise<void>;
}

export async function startLabServer(options: { dir?: string; config?: string } = {}): Promise<LabServer> {
  const config = new Config();
  const problems = applyConfigText(config, options.config ?? 'save ""');
  if (problems.length > 0) throw new Error(`bad config: ${JSON.stringify(problems)}`);
  const log: string[] = [];
  const running = await serve({ port: 0, bind: '127.0.0.1', dir: options.dir, config, log: (line) => log.push(line) });
  const connection = await RedisConnection.open(running.port);
  return {
    ...running,
    connection,
    log,
    async stop() {
      // A connection of its own: the test may have had this one closed (CLIENT KILL, timeout).
      const closer = await RedisConnection.open(running.port);
      closer.pipeline([['SHUTDOWN', 'NOSAVE']]).catch(() => undefined);
      await running.done.catch(() => undefined);
      closer.close();
      connection.close();
    },
  };
}

/** A redis-server and a `cli serve`, started before a file's tests and stopped after them. */
export function useRedisAndLab(): { readonly redis: RedisServer; readonly lab: LabServer } {
  const servers = {} as { redis: RedisServer; lab: LabServer };
  beforeAll(async () => {
    [servers.redis, servers.lab] = await Promise.all([RedisServer.start(), startLabServer()]);
  });
  afterAll(async () => {
    await Promise.all([servers.redis?.stop(), servers.lab?.stop()]);
  });
  return servers;
}

export interface ProcessResult {
  stdout: string;
  stderr: string;
  status: number | null;
}

/** Runs a program to its end without blocking this process's event loop. */
export function run(command: string, args: readonly string[], input = '', timeoutMs = 60_000): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString('latin1')));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('latin1')));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', reject);
    child.once('close', (status) => {
      clearTimeout(timer);
      resolve({ stdout, stderr, status });
    });
    child.stdin.end(Buffer.from(input, 'latin1'));
  });
}
