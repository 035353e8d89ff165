// The headless CLI against the real thing: the same stdin through `redis-cli` (talking to
// redis-server) and through `npm run cli -- exec` must print the same bytes.
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisServer } from '../support/redis-server.js';

const CLI = ['--import', 'tsx', 'src/cli/main.ts'];

function runCli(args: string[], input: string): { stdout: string; stderr: string; status: number | null } {
  const result = spawnSync(process.execPath, [...CLI, ...args], { input: Buffer.from(input, 'latin1'), encoding: 'latin1' });
  return { stdout: result.stdout, stderr: result.stderr, status: result.status };
}

let server: RedisServer;
beforeAll(async () => {
  server = await RedisServer.start();
});
afterAll(async () => {
  await server?.stop();
});

function redisCli(input: string): string {
  const result = spawnSync('redis-cli', ['-p', String(server.port)], { input: Buffer.from(input, 'latin1'), encoding: 'latin1' });
  if (result.status !== 0) throw new Error(`redis-cli failed: ${result.stderr}`);
  return result.stdout;
}

const SCRIPT = [
  'PING',
  'SET greeting "hello world"',
  'GET greeting',
  'GET missing',
  'INCR counter',
  'INCRBYFLOAT counter 0.5',
  'RPUSH list a "" "x y" "caf\\xc3\\xa9" "a\\r\\nb"',
  'LRANGE list 0 -1',
  'LRANGE nolist 0 -1',
  'HSET h f1 v1 f2 v2',
  'HGET h f1',
  'SADD s 3 1 2',
  'SMEMBERS s',
  'ZADD z 1.5 m 2 n',
  'ZRANGE z 0 -1 WITHSCORES',
  'MULTI',
  'INCR counter',
  'EXEC',
  'foo bar',
  'GET',
  'INCR greeting',
  'SELECT 3',
  'DBSIZE',
  'SELECT 0',
  'DEBUG DIGEST',
  'EXPIRE greeting 1000',
  'TTL greeting',
  '',
  'ECHO \'single\\\'s\'',
].join('\n') + '\n';

describe('npm run cli -- exec', () => {
  it('prints what redis-cli prints into a pipe for the same commands', () => {
    redisCli('FLUSHALL\n');
    const expected = redisCli(SCRIPT);
    const actual = runCli(['exec'], SCRIPT);
    expect(actual.stderr).toBe('');
    expect(actual.status).toBe(0);
    expect(actual.stdout).toBe(expected);
  });

  it('answers a line with unbalanced quotes with the server protocol error and carries on', () => {
    const result = runCli(['exec'], 'SET a "b\nPING\n');
    expect(result.stdout).toBe('ERR Protocol error: unbalanced quotes in request\n\nPONG\n');
  });
});

describe('npm run cli -- digest', () => {
  it('prints the dataset digest that redis-server computes for the same commands', async () => {
    redisCli('FLUSHALL\n');
    redisCli(SCRIPT);
    const digest = await server.command('DEBUG', 'DIGEST');
    const keys = await server.command('DBSIZE');
    const result = runCli(['digest'], SCRIPT);
    expect(result.status).toBe(0);
    expect(result.stdout).toBe(`{"keys": ${keys.kind === 'int' ? keys.value : '?'}, "digest": "${digest.kind === 'status' ? digest.value : '?'}"}\n`);
  });
});

describe('command-line errors', () => {
  it.each([[[]], [['bogus']], [['exec', '--nope']], [['exec', 'extra']], [['exec', '--config', 'appendfsync sometimes']]])(
    '%j exits 2 with a usage message',
    (args) => {
      const result = runCli(args, '');
      expect(result.status).toBe(2);
      expect(result.stderr).toMatch(/^error: .+\n\nusage: npm run --silent cli -- <command>/);
      expect(result.stdout).toBe('');
    },
  );

  it('--help prints the usage and exits 0', () => {
    const result = runCli(['--help'], '');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^usage:/);
  });
});
