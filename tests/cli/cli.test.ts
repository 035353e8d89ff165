// The headless CLI against the real thing: the same stdin through `redis-cli` (talking to
// redis-server) and through `npm run cli -- exec` must print the same bytes.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisServer, redisRefusal } from '../support/redis-server.js';

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

/**
 * Sends `first`, waits for its output, lets 1.5 s of wall time pass with stdin open and quiet,
 * then sends `then` and ends stdin; returns everything printed.
 */
async function afterPause(command: string, args: string[], first: string, firstOutput: string, then: string): Promise<string> {
  const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString('latin1')));
  const exited = new Promise((resolve) => child.on('exit', resolve));
  child.stdin.write(first);
  for (let waited = 0; out !== firstOutput; waited += 20) {
    if (waited > 30_000) throw new Error(`${command} printed ${JSON.stringify(out)}, not ${JSON.stringify(firstOutput)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  await new Promise((r) => setTimeout(r, 1500));
  child.stdin.end(then);
  await exited;
  return out;
}

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

/** Lines redis-cli answers itself, or changes before sending. */
const REPL_SCRIPT = [
  'SET a "b',
  "SET a 'b",
  'ECHO "a"b',
  'SET a 1',
  'INFO keyspace',
  '3 INCR c',
  '0 INCR c',
  '-2 INCR c',
  '"" INCR c',
  '+2 PING',
  '99999999999999999999 PING',
  '3abc PING',
  '5',
  'MULTI',
  '2 INCR c',
  'help SET',
  'EXEC',
  'help SET',
  'HELP config get',
  'help config',
  'help @hash',
  'help @sorted-set',
  'help @server',
  'help @generic',
  'help @stream',
  '? GET',
  '3 help INCR',
  'help nosuch',
  'help config get x',
  'help',
  ':set hints',
  ':set colours',
  ':nope',
  'restart',
  'clear',
  `nosuch ${'x'.repeat(150)} y`,
  'GET c',
  'quit',
  'SET after-quit 1',
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

  it('keeps executing and saves as configured when the reader of its output goes away (| head -1)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lab-cli-'));
    try {
      const input = Array.from({ length: 100_000 }, (_, i) => `SET key:${i} value${i}\n`).join('');
      const child = spawn(process.execPath, [...CLI, 'exec', '--dir', dir], { stdio: ['pipe', 'pipe', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const firstLine = new Promise<string>((resolve) =>
        child.stdout.once('data', (d: Buffer) => {
          child.stdout.destroy();
          resolve(d.toString().split('\n')[0]!);
        }),
      );
      // Before the fix the child died of the EPIPE and stopped reading its input.
      child.stdin.on('error', () => {});
      child.stdin.end(input);
      const status = await new Promise<number | null>((resolve) => child.on('exit', resolve));
      expect(await firstLine).toBe('OK');
      expect(stderr).toBe('# Saving the final RDB snapshot before exiting.\n');
      expect(status).toBe(0);
      expect(JSON.parse(runCli(['digest', join(dir, 'dump.rdb')], '').stdout)).toMatchObject({ keys: 100_000 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('expires keys in the background while stdin is quiet, with and without --dir, as redis-server does', async () => {
    const first = 'SET k v PX 200\nSET a b\n';
    const then = 'DBSIZE\nGET k\n';
    redisCli('FLUSHALL\n');
    const expected = await afterPause('redis-cli', ['-p', String(server.port)], first, 'OK\nOK\n', then);
    expect(expected).toBe('OK\nOK\n1\n\n');
    expect(await afterPause(process.execPath, [...CLI, 'exec'], first, 'OK\nOK\n', then)).toBe(expected);
    const dir = mkdtempSync(join(tmpdir(), 'lab-cli-'));
    try {
      expect(await afterPause(process.execPath, [...CLI, 'exec', '--dir', dir, '--config', 'save ""'], first, 'OK\nOK\n', then)).toBe(expected);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('splits a 10 MB inline line in a 100 MB heap (appending byte by byte needs more than 200 MB)', () => {
    const input = `SET k ${'x'.repeat(10_000_000)}\nSTRLEN k\nSET q "${'y'.repeat(1_000_000)}\\n"\nSTRLEN q\n`;
    const result = spawnSync(process.execPath, ['--max-old-space-size=100', ...CLI, 'exec'], { input: Buffer.from(input, 'latin1'), encoding: 'latin1' });
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe('OK\n10000000\nOK\n1000001\n');
  });

  it("handles what redis-cli handles itself as redis-cli does: quoting errors, repeat counts, help, its own commands, quit", () => {
    redisCli('FLUSHALL\n');
    const expected = redisCli(REPL_SCRIPT);
    const actual = runCli(['exec'], REPL_SCRIPT);
    expect(actual.stderr).toBe('');
    expect(actual.stdout).toBe(expected);
    expect(actual.stdout).toContain('Invalid argument(s)\n');
    expect(actual.stdout).not.toContain('after-quit');
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

describe('npm run cli -- digest PATH', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
  const tempDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'lab-cli-'));
    dirs.push(dir);
    return dir;
  };

  async function redisDigest(): Promise<{ keys: number; digest: string }> {
    const [keys, digest] = await server.pipeline([['DBSIZE'], ['DEBUG', 'DIGEST']]);
    return { keys: keys!.value as number, digest: digest!.value as string };
  }

  it("loads redis-server's dump.rdb and its AOF directory to redis's digest, touching neither", async () => {
    redisCli('FLUSHALL\n');
    redisCli(SCRIPT);
    const expected = await redisDigest();
    await server.command('SAVE');
    const dir = tempDir();
    cpSync(join(server.dir, 'dump.rdb'), join(dir, 'dump.rdb'));
    const before = readFileSync(join(dir, 'dump.rdb'));
    const result = runCli(['digest', join(dir, 'dump.rdb')], '');
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ ...expected, loadMs: expect.any(Number) });
    expect(readFileSync(join(dir, 'dump.rdb'))).toEqual(before);

    const aofDir = tempDir();
    const redis = await RedisServer.start({ dir: aofDir, args: ['--appendonly', 'yes', '--aof-use-rdb-preamble', 'yes'] });
    try {
      await redis.pipeline([['SET', 'a', '1'], ['RPUSH', 'l', 'x', 'y'], ['BGREWRITEAOF']]);
      await redis.waitForBackgroundJobs();
      await redis.pipeline([['SET', 'after', 'rewrite']]);
      const [keys, digest] = await redis.pipeline([['DBSIZE'], ['DEBUG', 'DIGEST']]);
      const fromDir = runCli(['digest', join(aofDir, 'appendonlydir')], '');
      expect(readdirSync(join(aofDir, 'appendonlydir')).some((f) => f.endsWith('.base.rdb'))).toBe(true);
      expect(JSON.parse(fromDir.stdout)).toEqual({ keys: keys!.value, digest: digest!.value, loadMs: expect.any(Number) });
    } finally {
      await redis.stop();
    }
  });

  it('exits 1 with one line naming the file, the offset and the reason for a bad file', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'bad.rdb'), Buffer.from('REDIS0010\xfa\x09redis-ver', 'latin1'));
    const result = runCli(['digest', join(dir, 'bad.rdb')], '');
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^.*bad\.rdb, offset \d+: Short read.*\n$/);
    expect(result.stderr.split('\n')).toHaveLength(2);
  });

  it('loads a data directory holding appendonlydir/ to the digest redis-server has for it', async () => {
    const dir = tempDir();
    const redis = await RedisServer.start({ dir, args: ['--appendonly', 'yes'] });
    let expected;
    try {
      await redis.pipeline([['SET', 'a', '1'], ['RPUSH', 'l', 'x', 'y'], ['HSET', 'h', 'f', 'v']]);
      expected = await redis.pipeline([['DBSIZE'], ['DEBUG', 'DIGEST']]);
    } finally {
      await redis.stop();
    }
    const result = runCli(['digest', dir], '');
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toEqual({ keys: expected[0]!.value, digest: expected[1]!.value, loadMs: expect.any(Number) });
  });

  it('refuses what redis-server refuses to load: an empty dump.rdb, a .rdb that is no RDB, devices', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'dump.rdb'), '');
    const redisLog = await redisRefusal(dir);
    expect(redisLog).toContain('Short read or OOM loading DB. Unrecoverable error, aborting now.');
    expect(redisLog).toContain('Unexpected EOF reading RDB file');
    const empty = runCli(['digest', join(dir, 'dump.rdb')], '');
    expect(empty.status).toBe(1);
    expect(empty.stderr).toBe('error: dump.rdb, offset 0: Short read or OOM loading DB (Unexpected EOF reading RDB file): the file is empty\n');

    writeFileSync(join(dir, 'dump.rdb'), 'this is not an RDB file\n');
    expect(await redisRefusal(dir)).toContain('Wrong signature trying to load DB from file');
    const notRdb = runCli(['digest', join(dir, 'dump.rdb')], '');
    expect(notRdb.status).toBe(1);
    expect(notRdb.stderr).toMatch(/^error: dump\.rdb, offset 0: Wrong signature trying to load DB from file/);

    for (const device of ['/dev/null', '/dev/zero']) {
      const result = runCli(['digest', device], '');
      expect(result.status).toBe(1);
      expect(result.stderr).toBe(`error: ${device}: not a regular file or directory\n`);
    }
  });

  it('words a checksum mismatch as redis-server does, expected and got in its order', async () => {
    const dir = tempDir();
    const redis = await RedisServer.start({ dir });
    try {
      await redis.pipeline([['SET', 'a', '1'], ['SAVE']]);
    } finally {
      await redis.stop();
    }
    const file = readFileSync(join(dir, 'dump.rdb'));
    file[file.length - 1] = file[file.length - 1]! ^ 0xff;
    writeFileSync(join(dir, 'dump.rdb'), file);
    const line = /Wrong RDB checksum expected: .*\. Aborting now\./.exec(await redisRefusal(dir))?.[0];
    expect(line).toBeDefined();
    const result = runCli(['digest', join(dir, 'dump.rdb')], '');
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(`error: dump.rdb, offset ${file.length - 8}: ${line}\n`);
  });

  it('exec --dir refuses a regular file or a missing directory as redis-server refuses its dir', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'file'), '');
    for (const [target, reason] of [[join(dir, 'file'), 'Not a directory'], [join(dir, 'missing'), 'No such file or directory']] as const) {
      expect(await redisRefusal(dir, ['--dir', target])).toContain(reason);
      const result = runCli(['exec', '--dir', target], 'PING\n');
      expect(result).toEqual({ status: 1, stdout: '', stderr: `error: --dir ${target}: ${reason}\n` });
    }
    expect(readdirSync(dir)).toEqual(['file']);
  });

  it('exec --dir saves a dump.rdb that redis-server loads, and loads it again on the next run', async () => {
    const dir = tempDir();
    const first = runCli(['exec', '--dir', dir], 'SET a 1\nRPUSH l x y z\nZADD z 1.5 m\nSAVE\n');
    expect(first.stdout).toBe('OK\n3\n1\nOK\n');
    const second = runCli(['exec', '--dir', dir], 'GET a\nLRANGE l 0 -1\nDEBUG DIGEST\n');
    expect(second.stdout.split('\n').slice(0, 4)).toEqual(['1', 'x', 'y', 'z']);
    const check = spawnSync('redis-check-rdb', [join(dir, 'dump.rdb')], { encoding: 'utf8' });
    expect(check.status).toBe(0);
    const redis = await RedisServer.start({ dir });
    try {
      expect((await redis.command('DEBUG', 'DIGEST')).value).toBe(second.stdout.split('\n')[4]);
    } finally {
      await redis.stop();
    }
  });
});

describe('npm run cli -- scenario', () => {
  it('prints one report per run with the documented fields, the same for the same seed', () => {
    const result = runCli(['scenario', 'public/scenarios/aof-everysec.json', '--runs', '2', '--crash-at', '5000'], '');
    // On a busy machine a run can pass the one quiet second and show its progress: nothing else.
    for (const line of result.stderr.split('\n').filter(Boolean)) expect(line).toMatch(/^scenario: run [12] of 2, [\d.]+ s of 5\.0 s of virtual time \(\d+%\)$/);
    expect(result.status).toBe(0);
    const [first, second] = result.stdout.trim().split('\n').map((line) => JSON.parse(line));
    for (const report of [first, second]) {
      expect(report).toMatchObject({ policy: 'aof-everysec', crash: 'power', crashAtMs: 5000, promiseHeld: true, consistent: true });
      for (const field of ['acknowledgedWrites', 'recoveredWrites', 'lostWrites', 'lostWindowMs', 'recoveryMs']) expect(typeof report[field]).toBe('number');
      expect(report.digest).toMatch(/^[0-9a-f]{40}$/);
      expect(report.files.map((f: { name: string }) => f.name)).toContain('appendonlydir/appendonly.aof.manifest');
    }
    expect(second.seed).toBe(first.seed + 1);
    const again = JSON.parse(runCli(['scenario', 'public/scenarios/aof-everysec.json', '--crash-at', '5000'], '').stdout);
    expect({ ...again, recoveryMs: 0 }).toEqual({ ...first, recoveryMs: 0 });
  });

  it('accepts a lab link and overrides the crash', async () => {
    const { encodeScenario } = await import('../../src/scenario/url.js');
    const { DEFAULT_SCENARIO } = await import('../../src/scenario/scenario.js');
    const link = `http://localhost:5173/#s=${encodeScenario({ ...DEFAULT_SCENARIO, preset: 'aof-always', durationMs: 2000 })}`;
    const report = JSON.parse(runCli(['scenario', link, '--crash', 'torn', '--seed', '7'], '').stdout);
    expect(report).toMatchObject({ seed: 7, policy: 'aof-always', crash: 'torn', lostWrites: 0, promiseHeld: true });
  });

  it('shows progress on stderr and stops at Ctrl-C with exit code 130, printing no half-done report', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lab-cli-'));
    const file = join(dir, 'long.json');
    // 400,000 writes: tens of seconds of work.
    writeFileSync(file, JSON.stringify({ ...JSON.parse(readFileSync('public/scenarios/aof-everysec.json', 'utf8')), events: [], workload: { rate: 20_000, keys: 1000, distribution: 'uniform', valueSize: 32, mix: { set: 1 } } }));
    try {
      const child = spawn(process.execPath, [...CLI, 'scenario', file], { stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
      await new Promise<void>((resolve) =>
        child.stderr.on('data', (d: Buffer) => {
          stderr += d.toString();
          if (/of virtual time \(\d+%\)\n/.test(stderr)) resolve();
        }),
      );
      child.kill('SIGINT');
      expect(await exited).toBe(130);
      expect(stdout).toBe('');
      const lines = stderr.trim().split('\n');
      expect(lines[0]).toMatch(/^scenario: run, [\d.]+ s of 20\.0 s of virtual time \(\d+%\)$/);
      expect(lines.at(-1)).toMatch(/^interrupted: run stopped at [\d.]+ s of virtual time; it has no report \(0 runs reported\)$/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('stops quietly when the reader of its reports goes away (| head -1)', async () => {
    const child = spawn(process.execPath, [...CLI, 'scenario', 'public/scenarios/replica-failover.json', '--runs', '200'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const first = new Promise<string>((resolve) =>
      child.stdout.once('data', (d: Buffer) => {
        child.stdout.destroy();
        resolve(d.toString());
      }),
    );
    const status = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(JSON.parse((await first).split('\n')[0]!)).toMatchObject({ seed: expect.any(Number) });
    expect(stderr.split('\n').filter((l) => l !== '' && !l.startsWith('scenario: '))).toEqual([]);
    expect(status).toBe(0);
  });

  it('rejects a bad scenario file with one line naming the field', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lab-cli-'));
    writeFileSync(join(dir, 'bad.json'), JSON.stringify({ version: 1, preset: 'aof-sometimes' }));
    const result = runCli(['scenario', join(dir, 'bad.json')], '');
    rmSync(dir, { recursive: true, force: true });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/^error: .*bad\.json: preset must be one of/);
  });
});

describe('command-line errors', () => {
  it.each([[[]], [['bogus']], [['exec', '--nope']], [['exec', 'extra']], [['exec', '--config', 'appendfsync sometimes']], [['scenario']], [['scenario', 'x.json', '--crash', 'meteor']], [['scenario', 'x.json', '--runs', '0']], [['scenario', 'x.json', '--seed', '4294967296']], [['scenario', 'x.json', '--seed', '2147483647', '--runs', '2']]])(
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
