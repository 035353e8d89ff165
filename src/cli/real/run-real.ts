// A scenario's export run for real: redis-server started on a loopback port with the exported
// redis.conf in a temp dir (a replica beside it, behind a delaying link, if the scenario has
// one), the exported workload script on the wall clock until the crash instant, where it kills
// the server with SIGKILL (or stops it cleanly), then a restart on the same files (or the
// replica taking over) and the recovered dataset read back. Servers are always killed and the
// temp dir removed, whatever happens.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import type { ExportFile } from '../../export/files.js';
import { endOf, type Scenario } from '../../scenario/scenario.js';
import { DelayProxy } from './delay-proxy.js';
import { readDataset, type Readback } from './readback.js';
import { info, infoField, RedisProcess, RedisStartError, tail } from './redis-process.js';
import { parseMonitorLog, parseWorkloadLog, type MonitorEntry, type WorkloadLog } from './workload-log.js';

export interface RealRunOptions {
  /** The redis-server binary. */
  redisServer: string;
  /** process: SIGKILL at the instant; none: a clean SHUTDOWN there. */
  crash: 'process' | 'none';
  seed: number;
  /** Keep the temp dir and say where it is (to look at the files). */
  keep?: boolean;
  signal?: AbortSignal;
  onProgress?: (doneMs: number, totalMs: number) => void;
}

export interface RealObservation {
  redisVersion: string;
  workload: WorkloadLog;
  monitor: MonitorEntry[];
  /** The primary's log up to its end, including lines of a fork child that outlived it. */
  serverLog: string;
  /** The files the crash left in the data directory, before the restart touched them. */
  files: { name: string; bytes: number }[];
  recoveredFrom: 'disk' | 'replica';
  /** Why the restarted server refused its files (then nothing came back), or null. */
  recoveryError: string | null;
  readback: Readback | null;
  /** ms from starting the restart until its files were loaded. */
  recoveryMs: number;
  /** A fork child was still running when the server was killed (it ran on by itself). */
  childOutlivedCrash: boolean;
  /** With a replica: the longest the delaying link held a chunk during the workload (≥ its delay; more when this process was busy). */
  linkHeldMs: number | null;
  keptDir: string | null;
}

export class RealRunStopped extends Error {}

function listFiles(root: string): { name: string; bytes: number }[] {
  const out: { name: string; bytes: number }[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else out.push({ name: relative(root, path), bytes: statSync(path).size });
    }
  };
  walk(root);
  return out;
}

async function waitForLink(replica: RedisProcess, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const text = await info(replica.connection, 'replication');
    if (infoField(text, 'master_link_status') === 'up' && infoField(text, 'master_sync_in_progress') === '0') return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`the replica did not finish its first sync within ${timeoutMs / 1000} s. Its log ends:\n${tail(replica.log)}`);
}

/**
 * The workload script, started before the servers and waiting for the rest of its options on
 * stdin: a save point's clock starts when redis-server starts, so Node's start-up (seconds on a
 * busy machine) must not come between the two. `done` rejects with its output if it fails.
 */
function startWorkload(dir: string, signal: AbortSignal | undefined): { go: (args: string[], timeoutMs: number) => void; stop: () => void; done: Promise<void> } {
  const child = spawn(process.execPath, [join(dir, 'workload.mjs'), '--options-on-stdin'], { cwd: dir, stdio: ['pipe', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  child.stdin.on('error', () => undefined);
  const stop = () => child.kill('SIGKILL');
  signal?.addEventListener('abort', stop, { once: true });
  let timer: NodeJS.Timeout | undefined;
  const done = new Promise<void>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code, killedBy) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', stop);
      if (signal?.aborted) reject(new RealRunStopped('the real run was stopped'));
      else if (code === 0) resolve();
      else reject(new Error(`the workload script failed (${killedBy ?? `exit code ${code}`}):\n${tail(output)}`));
    });
  });
  const go = (args: string[], timeoutMs: number) => {
    timer = setTimeout(stop, timeoutMs);
    child.stdin.end(`${JSON.stringify(args)}\n`);
  };
  return { go, stop, done };
}

export async function runReal(scenario: Scenario, files: readonly ExportFile[], options: RealRunOptions): Promise<RealObservation> {
  const dir = mkdtempSync(join(tmpdir(), 'lab-verify-real-'));
  const data = join(dir, 'data');
  mkdirSync(data);
  for (const file of files) writeFileSync(join(dir, file.name), file.text, { mode: file.executable ? 0o755 : 0o644 });
  const conf = join(dir, 'redis.conf');
  // verify-real reads the dataset back and compares digests: DEBUG is for this loopback server only.
  const args = ['--dir', data, '--enable-debug-command', 'local'];
  const started: RedisProcess[] = [];
  let proxy: DelayProxy | null = null;
  const end = endOf(scenario);
  let progress: NodeJS.Timeout | undefined;
  const workloadRun = startWorkload(dir, options.signal);
  // A run that fails before the workload starts leaves no script waiting.
  workloadRun.done.catch(() => undefined);
  try {
    // An initial sync that waits 5 s for more replicas (the default) would only delay the start.
    const primary = await RedisProcess.start({ bin: options.redisServer, configFile: conf, args: [...args, ...(scenario.replica ? ['--repl-diskless-sync-delay', '0'] : [])] });
    started.push(primary);
    const redisVersion = infoField(await info(primary.connection, 'server'), 'redis_version') ?? 'unknown';
    let replica: RedisProcess | null = null;
    if (scenario.replica) {
      proxy = await DelayProxy.start(primary.port, scenario.replica.linkDelayMs);
      const replicaDir = join(dir, 'replica');
      mkdirSync(replicaDir);
      replica = await RedisProcess.start({
        bin: options.redisServer,
        args: ['--replicaof', '127.0.0.1', String(proxy.port), '--save', '', '--appendonly', 'no', '--dir', replicaDir, '--enable-debug-command', 'local'],
      });
      started.push(replica);
      await waitForLink(replica);
    }
    const failover = replica !== null && !scenario.replica!.lost;

    const kills = options.crash === 'none' ? ['--shutdown'] : ['--kill-pid', String(primary.pid), ...(replica && !failover ? ['--kill-pid', String(replica.pid)] : [])];
    const t0 = performance.now();
    progress = setInterval(() => options.onProgress?.(Math.min(end, performance.now() - t0), end), 1000);
    proxy?.measure();
    workloadRun.go(['--port', String(primary.port), '--seed', String(options.seed), '--acks', 'acks.ndjson', '--monitor', 'monitor.log', ...kills], end + 120_000);
    await workloadRun.done;
    clearInterval(progress);

    // The crash: the server is gone; a fork child it had runs on by itself until its work is done.
    await primary.exited;
    const childOutlivedCrash = primary.groupAlive();
    if (!(await primary.groupEnded(30_000))) await primary.killGroup();
    const serverLog = primary.log;
    const files = listFiles(data);
    const workload = parseWorkloadLog(readFileSync(join(dir, 'acks.ndjson'), 'latin1'));
    const monitor = parseMonitorLog(readFileSync(join(dir, 'monitor.log'), 'latin1'));

    let recoveryError: string | null = null;
    let readback: Readback | null = null;
    let recoveryMs = 0;
    const linkHeldMs = proxy === null ? null : Math.round(proxy.heldMs);
    if (failover) {
      // What was still on the link is dropped with the primary, as in the lab's failover.
      await proxy!.close();
      proxy = null;
      readback = await readDataset(replica!.connection);
    } else {
      const restartedAt = performance.now();
      try {
        const restarted = await RedisProcess.start({ bin: options.redisServer, configFile: conf, args });
        started.push(restarted);
        recoveryMs = performance.now() - restartedAt;
        readback = await readDataset(restarted.connection);
      } catch (e) {
        if (!(e instanceof RedisStartError)) throw e;
        recoveryError = e.message;
      }
    }
    return {
      redisVersion,
      workload,
      monitor,
      serverLog,
      files,
      recoveredFrom: failover ? 'replica' : 'disk',
      recoveryError,
      readback,
      recoveryMs: Math.round(recoveryMs),
      childOutlivedCrash,
      linkHeldMs,
      keptDir: options.keep ? dir : null,
    };
  } finally {
    workloadRun.stop();
    clearInterval(progress);
    await proxy?.close();
    await Promise.all(started.map((server) => server.killGroup()));
    if (!options.keep) rmSync(dir, { recursive: true, force: true });
  }
}
