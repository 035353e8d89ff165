// `bench-policies`: what each fsync policy costs, measured by the same tool on the lab and on
// redis-server in the same run. redis-benchmark (-c 50 -P 16 -t set, or the --tests given) drives `serve` and a
// redis-server with no persistence, appendfsync everysec and appendfsync always, each on a temp
// dir on the real disk; the table shows both servers' rates and each one's everysec/none and
// always/none ratios — the lab's promise is that its ratios are Redis's.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyConfigText, Config } from '../engine/index.js';
import { freePort } from './real/redis-process.js';
import { serve } from './serve/serve.js';

export interface BenchPoliciesOptions {
  requests: number;
  /** redis-benchmark's -t names (set, get, incr, lpush, hset …). */
  tests: readonly string[];
  print: (text: string) => Promise<void>;
}

const POLICIES = [
  { name: 'none', directives: ['appendonly no'] },
  { name: 'everysec', directives: ['appendonly yes', 'appendfsync everysec'] },
  { name: 'always', directives: ['appendonly yes', 'appendfsync always'] },
] as const;

type Policy = (typeof POLICIES)[number]['name'];

export class BenchPoliciesError extends Error {}

/** requests/s per test (redis-benchmark's CSV names: SET, GET …) of `redis-benchmark -c 50 -P 16 -t TESTS -n N`. */
function redisBenchmark(port: number, requests: number, tests: readonly string[]): Promise<Map<string, number>> {
  return new Promise((resolve, reject) => {
    const child = spawn('redis-benchmark', ['-p', String(port), '-c', '50', '-P', '16', '-t', tests.join(','), '-n', String(requests), '--csv'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.once('error', reject);
    child.once('close', (code) => {
      const rates = new Map<string, number>();
      for (const line of out.split('\n')) {
        const [name, rate] = line.split(',').map((cell) => cell.replace(/"/g, ''));
        if (name && rate && name !== 'test' && Number.isFinite(Number(rate))) rates.set(name.split(' ')[0]!, Number(rate));
      }
      const missing = tests.filter((t) => !rates.has(t.toUpperCase()));
      if (code !== 0 || missing.length > 0) reject(new BenchPoliciesError(`redis-benchmark failed (${code}${missing.length > 0 ? `, no ${missing.join(', ')}` : ''}): ${err || out}`));
      else resolve(rates);
    });
  });
}

/** Sends one inline command and resolves with the first reply line (null if it cannot connect). */
function inline(port: number, command: string): Promise<string | null> {
  return new Promise((resolve) => {
    const socket = new Socket();
    let reply = '';
    socket.once('error', () => resolve(null));
    socket.on('data', (d: Buffer) => {
      reply += d.toString('latin1');
      if (reply.includes('\r\n')) {
        socket.destroy();
        resolve(reply.split('\r\n')[0]!);
      }
    });
    socket.on('close', () => resolve(reply === '' ? null : reply));
    socket.connect(port, '127.0.0.1', () => socket.write(`${command}\r\n`));
  });
}

async function startRedis(dir: string, directives: readonly string[]): Promise<{ port: number; process: ChildProcess }> {
  const port = await freePort();
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--daemonize', 'no', '--logfile', ''];
  for (const directive of directives) args.push(...directive.split(' ').map((part, i) => (i === 0 ? `--${part}` : part)));
  const child = spawn('redis-server', args, { stdio: 'ignore' });
  for (let i = 0; i < 200; i++) {
    if ((await inline(port, 'PING')) === '+PONG') return { port, process: child };
    await new Promise((r) => setTimeout(r, 25));
  }
  child.kill('SIGKILL');
  throw new BenchPoliciesError(`redis-server did not start on port ${port}`);
}

async function measureRedis(policy: (typeof POLICIES)[number], requests: number, tests: readonly string[]): Promise<Map<string, number>> {
  const dir = mkdtempSync(join(tmpdir(), `lab-bench-redis-${policy.name}-`));
  const redis = await startRedis(dir, policy.directives);
  try {
    return await redisBenchmark(redis.port, requests, tests);
  } finally {
    const exited = new Promise((resolve) => redis.process.once('exit', resolve));
    await inline(redis.port, 'SHUTDOWN NOSAVE');
    await exited;
    rmSync(dir, { recursive: true, force: true });
  }
}

async function measureLab(policy: (typeof POLICIES)[number], requests: number, tests: readonly string[]): Promise<Map<string, number>> {
  const dir = mkdtempSync(join(tmpdir(), `lab-bench-serve-${policy.name}-`));
  const config = new Config();
  applyConfigText(config, ['save ""', ...policy.directives].join('\n'));
  const lab = await serve({ port: 0, bind: '127.0.0.1', dir, config, log: () => {} });
  try {
    return await redisBenchmark(lab.port, requests, tests);
  } finally {
    await inline(lab.port, 'SHUTDOWN NOSAVE');
    await lab.done;
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function runBenchPolicies(options: BenchPoliciesOptions): Promise<void> {
  for (const tool of ['redis-benchmark', 'redis-server']) {
    if (spawnSync(tool, ['--version']).error) throw new BenchPoliciesError(`${tool} is not installed: bench-policies measures the lab and redis-server with it`);
  }
  const rates: Record<'redis' | 'lab', Partial<Record<Policy, Map<string, number>>>> = { redis: {}, lab: {} };
  // Each policy on both servers back to back, so both see the same machine.
  for (const policy of POLICIES) {
    rates.redis[policy.name] = await measureRedis(policy, options.requests, options.tests);
    rates.lab[policy.name] = await measureLab(policy, options.requests, options.tests);
  }
  const names = options.tests.map((t) => t.toUpperCase());
  const rate = (server: 'redis' | 'lab', policy: Policy, test: string) => rates[server][policy]!.get(test)!;
  const fmt = (n: number) => Math.round(n).toLocaleString('en').padStart(11);
  const ratio = (a: number, b: number) => (a / b).toFixed(2).padStart(6);
  const width = Math.max(4, ...names.map((n) => n.length));
  const lines = [
    `redis-benchmark -c 50 -P 16 -t ${options.tests.join(',')} -n ${options.requests}, requests/s (temp dirs under ${tmpdir()})`,
    '',
    `policy        ${'test'.padEnd(width)} ${'redis-server'.padStart(11)} ${'lab serve'.padStart(11)}  lab/redis`,
  ];
  for (const { name } of POLICIES) for (const test of names) lines.push(`${name.padEnd(13)} ${test.padEnd(width)} ${fmt(rate('redis', name, test))} ${fmt(rate('lab', name, test))}  ${ratio(rate('lab', name, test), rate('redis', name, test))}`);
  lines.push('');
  for (const name of ['everysec', 'always'] as const) {
    for (const test of names) lines.push(`${`${name}/none`.padEnd(13)} ${test.padEnd(width)} ${ratio(rate('redis', name, test), rate('redis', 'none', test)).padStart(11)} ${ratio(rate('lab', name, test), rate('lab', 'none', test)).padStart(11)}`);
  }
  await options.print(lines.join('\n') + '\n');
}
