// `npm run cli -- analyze` on files redis-server wrote: the counts per type, database and prefix
// that redis itself reports for the same data, the filters, JSON and CSV agreeing, an AOF going
// through the same tallies, and memory that stays flat as the file grows (keys are tallied and
// dropped, never held).
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAnalyzeArgs } from '../../src/cli/analyze.js';
import { UsageError } from '../../src/cli/options.js';
import type { AnalysisReport } from '../../src/engine/index.js';
import { RedisServer } from '../support/redis-server.js';

const CLI = ['--import', 'tsx', 'src/cli/main.ts', 'analyze'];

function analyze(args: string[], nodeFlags: string[] = []): { stdout: string; stderr: string; status: number | null } {
  const result = spawnSync(process.execPath, [...nodeFlags, ...CLI, ...args], { encoding: 'utf8' });
  return { stdout: result.stdout, stderr: result.stderr, status: result.status };
}

function json(args: string[]): AnalysisReport {
  const result = analyze([...args, '--json']);
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  return JSON.parse(result.stdout) as AnalysisReport;
}

const work = mkdtempSync(join(tmpdir(), 'lab-analyze-'));
let rdb: string;
let aofDir: string;
/** What redis says about the dataset: keys per database and per type. */
const keysPerDb: Record<string, number> = {};
const keysPerType: Record<string, number> = {};

beforeAll(async () => {
  const redis = await RedisServer.start({ dir: work, args: ['--appendonly', 'yes', '--aof-use-rdb-preamble', 'no'] });
  const commands: string[][] = [];
  for (let i = 0; i < 200; i++) commands.push(['SET', `user:${i % 20}:name`, `name ${i}`]);
  for (let i = 0; i < 30; i++) commands.push(['HSET', `user:${i}:profile`, 'age', String(i), 'city', 'x']);
  for (let i = 0; i < 10; i++) commands.push(['RPUSH', `queue:${i}`, ...Array.from({ length: i * 20 + 1 }, (_, j) => `job${j}`)]);
  commands.push(['SADD', 'tags', 'a', 'b', 'c'], ['ZADD', 'board', '1', 'x', '2', 'y'], ['XADD', 'events', '1-0', 'f', 'v']);
  commands.push(['SET', 'session/abc', 'v', 'EX', '100'], ['SET', 'session/def', 'v', 'EX', '100000']);
  commands.push(['SELECT', '2'], ['SET', 'user:other:db', 'v'], ['HSET', 'other', 'f', 'v']);
  await redis.pipeline(commands);
  await redis.command('SAVE');
  const info = (await redis.command('INFO', 'keyspace')).value as string;
  for (const [, db, keys] of info.matchAll(/db(\d+):keys=(\d+)/g)) keysPerDb[db!] = Number(keys);
  for (const db of Object.keys(keysPerDb)) {
    await redis.command('SELECT', db);
    const keys = ((await redis.command('KEYS', '*')).value as readonly { value: unknown }[]).map((r) => r.value as string);
    for (const reply of await redis.pipeline(keys.map((k) => ['TYPE', k]))) keysPerType[reply.value as string] = (keysPerType[reply.value as string] ?? 0) + 1;
  }
  await redis.stop();
  rdb = join(work, 'dump.rdb');
  aofDir = join(work, 'appendonlydir');
}, 120_000);

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

describe('npm run cli -- analyze', () => {
  it('counts keys per database and type as redis does, with prefixes split at the separator', () => {
    const report = json([rdb]);
    expect(Object.fromEntries(Object.entries(report.byDb).map(([db, t]) => [db, t.keys]))).toEqual(keysPerDb);
    expect(Object.fromEntries(Object.entries(report.byType).map(([type, t]) => [type, t.keys]))).toEqual(keysPerType);
    const prefixes = Object.fromEntries(report.prefixes.map((p) => [p.prefix, p.keys]));
    expect(prefixes['user:']).toBe(20 + 30 + 1);
    expect(prefixes['user:3:']).toBe(2);
    expect(prefixes['queue:']).toBe(10);
    expect(report.noPrefix.keys).toBe(6);
    expect(report.expiry.none.keys).toBe(report.total.keys - 2);
    expect(report.elements['list']!.map((b) => b.keys)).toEqual([1, 0, 4, 5, 0, 0, 0]);
    expect(report.biggest[0]!.key).toBe('queue:9');
  });

  it('keeps only the keys the filters name, and splits at another separator', () => {
    const hashes = json([rdb, '--type', 'hash', '--db', '0']);
    expect(Object.keys(hashes.byType)).toEqual(['hash']);
    expect(hashes.total.keys).toBe(30);
    expect(hashes.skipped).toBe(keysPerDb['0']! + keysPerDb['2']! - 30);
    const users = json([rdb, '--prefix', 'user:1']);
    // user:1:… and user:10:… to user:19:…, names and profiles.
    expect(users.total.keys).toBe(2 * 11);
    const slash = json([rdb, '--separator', '/', '--depth', '1']);
    expect(slash.prefixes.map((p) => [p.prefix, p.keys])).toEqual([['session/', 2]]);
  }, 120_000);

  it('writes the same figures as CSV', () => {
    const report = json([rdb]);
    const csv = analyze([rdb, '--csv']);
    expect(csv.status).toBe(0);
    const lines = csv.stdout.trim().split('\n');
    expect(lines[0]).toBe('section,name,keys,bytes,db,type,encoding,elements,ttl_ms');
    expect(lines[1]).toBe(`total,all,${report.total.keys},${report.total.bytes},,,,,`);
    expect(lines.filter((l) => l.startsWith('biggest,')).length).toBe(report.biggest.length);
    expect(lines).toContain(`db,2,${report.byDb['2']!.keys},${report.byDb['2']!.bytes},2,,,,`);
  });

  it('tallies an AOF directory after replaying it, to the same figures as the RDB of the same data', () => {
    const fromAof = analyze([aofDir, '--json']);
    expect(fromAof.status).toBe(0);
    expect(fromAof.stderr).toContain('replayed into memory first');
    const a = JSON.parse(fromAof.stdout) as AnalysisReport;
    const b = json([rdb]);
    expect(a.byType).toEqual(b.byType);
    expect(a.byDb).toEqual(b.byDb);
  });

  it('refuses bad options with a usage error, and a missing file with one line', () => {
    for (const args of [[rdb, '--type', 'bitmap'], [rdb, '--json', '--csv'], [rdb, '--separator', ''], [rdb, '--depth', '0'], [rdb, '--top', 'x'], [rdb, '--nope'], [rdb, rdb], []]) {
      expect(() => parseAnalyzeArgs(args), args.join(' ')).toThrow(UsageError);
    }
    const usage = analyze([rdb, '--type', 'bitmap']);
    expect(usage.status).toBe(2);
    expect(usage.stderr).toMatch(/^error: --type must be one of string, list, hash, set, zset, stream\n/);
    const missing = analyze([join(work, 'missing.rdb')]);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toBe(`error: ${join(work, 'missing.rdb')}: no such file or directory\n`);
  }, 120_000);
});

describe('cli analyze memory', () => {
  async function populated(keys: number): Promise<string> {
    const dir = mkdtempSync(join(work, `populate-${keys}-`));
    const redis = await RedisServer.start({ dir });
    await redis.command('DEBUG', 'POPULATE', String(keys));
    await redis.command('SAVE');
    await redis.stop();
    return dir;
  }

  /** Peak RSS of `analyze` on a DEBUG POPULATE file of `keys` keys, in MB. */
  async function peakRss(keys: number): Promise<number> {
    const dir = await populated(keys);
    // A 32 MB heap: a tally that kept its keys would run out, as lazy collection would not hide it.
    const result = spawnSync(process.execPath, ['--max-old-space-size=32', '--import', 'tsx', 'tests/support/max-rss.ts', 'analyze', join(dir, 'dump.rdb'), '--json'], { encoding: 'utf8' });
    expect(result.status, result.stderr).toBe(0);
    expect((JSON.parse(result.stdout) as AnalysisReport).total.keys).toBe(keys);
    return Number(/max-rss (\d+)/.exec(result.stderr)![1]) / 1024;
  }

  it('stays flat from 400,000 to 1,600,000 keys', async () => {
    // Both sizes are past the point where the read buffers already dropped but not yet collected
    // level off (~10 MB here): from 50,000 keys that level alone read as growth of 6–18 MB.
    const small = await peakRss(400_000);
    const large = await peakRss(1_600_000);
    // 1,200,000 more keys take 118 MB more in redis (used_memory); the analysis holds none of them.
    expect(large - small).toBeLessThan(15);
  }, 240_000);

  it('stops at Ctrl-C with exit code 130 and no report', async () => {
    // Enough keys that reading takes well over the quiet second on a fast machine (1M took < 1 s).
    const dir = await populated(3_000_000);
    const child = spawn(process.execPath, [...CLI, join(dir, 'dump.rdb')], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    // Progress shows after a second of work: then it is reading, and Ctrl-C must stop it.
    child.stderr.on('data', (d: Buffer) => {
      if (!stderr.includes('analyze:') && (stderr += d.toString()).includes('analyze:')) child.kill('SIGINT');
      else stderr += d.toString();
    });
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(stderr).toContain('interrupted: stopped reading dump.rdb');
    expect(code).toBe(130);
    expect(stdout).toBe('');
  }, 240_000);
});
