// `cli serve --dir` writes Redis's files as redis-server would: redis-check-aof and
// redis-check-rdb accept them and redis-server loads them to the same digest; under appendfsync
// always no reply leaves before its write is in the AOF, and one fsync serves a whole turn of
// many clients (group commit); SIGINT and SIGTERM shut it down with nothing lost.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Socket } from 'node:net';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PersistenceEvent } from '../../src/engine/index.js';
import { allRules, mixedCommandArb } from '../oracle/groups/all.js';
import { startLabServer } from '../support/lab-server.js';
import { encodeArgv, RedisConnection, RedisServer } from '../support/redis-server.js';
import { useScratch } from '../support/scratch.js';

const scratch = useScratch('lab-serve-');
const deterministic = mixedCommandArb.filter((argv) => !allRules[argv[0]!.toLowerCase()]?.reconcile);

/** The incr file the AOF appends to now. */
function incrFile(dir: string): string {
  const aofDir = join(dir, 'appendonlydir');
  const incr = readdirSync(aofDir).filter((n) => n.includes('.incr.aof')).sort().at(-1)!;
  return join(aofDir, incr);
}

async function digestOf(conn: RedisConnection): Promise<string> {
  const reply = await conn.command('DEBUG', 'DIGEST');
  return reply.kind === 'status' ? reply.value : JSON.stringify(reply);
}

describe('cli serve --dir', () => {
  it('releases no reply before its write is in the AOF, and fsyncs once per turn for all clients (always)', async () => {
    const dir = scratch.tempDir();
    const lab = await startLabServer({ dir, config: 'appendonly yes\nappendfsync always\nsave ""' });
    const events: PersistenceEvent['type'][] = [];
    lab.server.events.on((e) => events.push(e.type));
    const clients = 20;
    const perClient = 50;
    const violations: string[] = [];
    await Promise.all(
      Array.from({ length: clients }, (_, c) =>
        new Promise<void>((resolve, reject) => {
          const socket = new Socket();
          let oks = 0;
          socket.on('data', (chunk: Buffer) => {
            oks += chunk.toString('latin1').split('+OK\r\n').length - 1;
            // Every write acknowledged so far must already be in the file on disk.
            const aof = readFileSync(incrFile(dir), 'latin1');
            for (let j = 0; j < oks; j++) if (!aof.includes(`c${c}:${j}\r\n`)) violations.push(`c${c}:${j}`);
            if (oks === perClient) {
              socket.destroy();
              resolve();
            }
          });
          socket.on('error', reject);
          socket.connect(lab.port, '127.0.0.1', () => {
            socket.write(Buffer.concat(Array.from({ length: perClient }, (_, j) => encodeArgv(['SET', `c${c}:${j}`, 'v']))));
          });
        }),
      ),
    );
    await lab.stop();
    expect(violations).toEqual([]);
    const fsyncs = events.filter((t) => t === 'fsync').length;
    const writes = events.filter((t) => t === 'aof-write').length;
    expect(fsyncs).toBeGreaterThan(0);
    expect(fsyncs).toBeLessThanOrEqual(writes);
    // 1,000 writes from 20 clients: many per turn, one fsync per turn.
    expect(fsyncs).toBeLessThan((clients * perClient) / 5);
  });

  it('writes files redis-check-aof and redis-check-rdb accept and redis-server loads to the same digest', async () => {
    const sequences = fc.sample(fc.array(deterministic, { minLength: 30, maxLength: 80 }), { numRuns: 4 });
    for (const [i, commands] of sequences.entries()) {
      const dir = scratch.tempDir();
      const preamble = i % 2 === 0 ? 'yes' : 'no';
      const lab = await startLabServer({ dir, config: `appendonly yes\naof-use-rdb-preamble ${preamble}\nsave 3600 1` });
      await lab.connection.pipeline([['DEBUG', 'SET-ACTIVE-EXPIRE', '0'], ...commands, ['DISCARD'], ['SELECT', '0']]);
      if (i >= 2) await lab.connection.command('BGREWRITEAOF');
      await lab.connection.pipeline(commands.slice(0, 10));
      const digest = await digestOf(lab.connection);
      const closer = await RedisConnection.open(lab.port);
      closer.pipeline([['SHUTDOWN', 'SAVE']]).catch(() => undefined);
      await lab.done;
      closer.close();
      lab.connection.close();

      const manifest = join(dir, 'appendonlydir', 'appendonly.aof.manifest');
      const aofCheck = spawnSync('redis-check-aof', [manifest], { encoding: 'latin1' });
      expect(aofCheck.status, aofCheck.stdout).toBe(0);
      expect(aofCheck.stdout).toMatch(/is valid/);
      const rdbCheck = spawnSync('redis-check-rdb', [join(dir, 'dump.rdb')], { encoding: 'latin1' });
      expect(rdbCheck.status, rdbCheck.stdout).toBe(0);
      expect(rdbCheck.stdout).toContain('RDB looks OK!');

      for (const appendonly of ['yes', 'no']) {
        const redis = await RedisServer.start({ dir, args: ['--appendonly', appendonly] });
        scratch.servers.push(redis);
        await redis.command('DEBUG', 'SET-ACTIVE-EXPIRE', '0');
        expect(await digestOf(redis.connection), `appendonly ${appendonly}`).toBe(digest);
        await redis.stop();
        scratch.servers.pop();
      }
    }
  });

  it.each(['SIGINT', 'SIGTERM'] as const)('%s shuts down as redis does: the AOF fsynced and the final snapshot saved', async (signal) => {
    const dir = scratch.tempDir();
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'serve', '--port', '0', '--dir', dir, '--config', 'appendonly yes', '--config', 'save 3600 1'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    const port = await new Promise<number>((resolve, reject) => {
      child.stderr!.on('data', (d: Buffer) => {
        stderr += d.toString();
        const ready = /Ready to accept connections on 127\.0\.0\.1:(\d+)/.exec(stderr);
        if (ready) resolve(Number(ready[1]));
      });
      child.once('exit', () => reject(new Error(`serve exited early:\n${stderr}`)));
    });
    const conn = await RedisConnection.open(port);
    await conn.pipeline(Array.from({ length: 500 }, (_, i) => ['RPUSH', `list:${i % 7}`, `item ${i}`]));
    const digest = await digestOf(conn);
    conn.close();
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill(signal);
    expect(await exited).toBe(0);
    expect(stderr).toContain(`Received ${signal} scheduling shutdown`);
    expect(existsSync(join(dir, 'dump.rdb'))).toBe(true);
    for (const appendonly of ['yes', 'no']) {
      const redis = await RedisServer.start({ dir, args: ['--appendonly', appendonly] });
      scratch.servers.push(redis);
      expect(await digestOf(redis.connection)).toBe(digest);
      await redis.stop();
      scratch.servers.pop();
    }
  });
});
