// `verify-real SCENARIO`: the scenario's export run against a real redis-server on the wall clock
// (src/cli/real/), judged by the lab's own recovery code, printed beside the lab's prediction for
// the same scenario and seed, with whether they agree. Exit code 0 only when every run agrees.
import { parseArgs } from 'node:util';
import { rdbCodec } from '../engine/index.js';
import { endOf, withCrash, type Scenario } from '../scenario/scenario.js';
import { runScenario, type RunReport } from '../sim/run-scenario.js';
import { MemoryStore } from '../storage/memory-store.js';
import { scenarioExport } from './export.js';
import { Progress } from './progress.js';
import { compare, type Agreement } from './real/agreement.js';
import { judgeReal, type RealReport } from './real/judge-real.js';
import { RealRunStopped, runReal } from './real/run-real.js';
import { loadScenario, MAX_SEED } from './scenario.js';

/** A turn of the event loop now and then during the lab's run, so Ctrl-C is noticed. */
const breathe = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Longer real runs need --long: they take that long on the wall clock. */
export const LONG_RUN_MS = 5 * 60_000;

export interface VerifyOptions {
  source: string;
  redisServer: string;
  crash: 'process' | 'none';
  runs: number;
  seed: number | undefined;
  long: boolean;
  json: boolean;
  keep: boolean;
}

const n = (value: number) => value.toLocaleString('en-US');

export function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 120) return `${(ms / 1000).toFixed(1)} s`;
  const h = Math.floor(s / 3600);
  const m = Math.round((s % 3600) / 60);
  return h > 0 ? `${h} h ${m} min` : `${m} min`;
}

export interface VerifyResult {
  seed: number;
  lab: RunReport;
  real: RealReport;
  agreement: Agreement;
}

/** The lab's prediction and the real run for one seed. */
export async function verifyOnce(scenario: Scenario, seed: number, options: Pick<VerifyOptions, 'redisServer' | 'crash'> & { keep?: boolean }, control: { signal?: AbortSignal; onProgress?: (done: number, total: number) => void } = {}): Promise<VerifyResult> {
  const end = endOf(scenario);
  // The same instant, with the crash a real run can make: a process kill (or a clean stop).
  const run = options.crash === 'none' ? { ...scenario, durationMs: end, events: scenario.events.filter((e) => e.kind !== 'crash') } : withCrash(scenario, end, 'process');
  let lab: RunReport;
  try {
    lab = await runScenario(run, { backend: new MemoryStore(), rdb: rdbCodec, seed, crash: options.crash, crashAtMs: end, ...(control.signal ? { signal: control.signal, breathe } : {}) });
  } catch (e) {
    if (control.signal?.aborted) throw new RealRunStopped('the lab run was stopped');
    throw e;
  }
  const observation = await runReal(run, scenarioExport(run), { redisServer: options.redisServer, crash: options.crash, seed, keep: options.keep ?? false, ...control });
  const real = judgeReal(run, seed, options.crash, observation);
  return { seed, lab, real, agreement: compare(lab, real) };
}

const yesNo = (v: boolean) => (v ? 'yes' : 'no');

/** The two reports side by side, for people. */
export function formatResult(label: string, result: VerifyResult): string {
  const { lab, real, agreement } = result;
  const rows: [string, string, string][] = [
    ['policy', lab.policy, real.policy],
    ['acknowledged writes', n(lab.acknowledgedWrites), n(real.acknowledgedWrites)],
    ['recovered writes', n(lab.recoveredWrites), n(real.recoveredWrites)],
    ['lost writes', n(lab.lostWrites), n(real.lostWrites)],
    ['loss window', `${n(lab.lostWindowMs)} ms`, `${n(real.lostWindowMs)} ms`],
    ['promise held', yesNo(lab.promiseHeld), yesNo(real.promiseHeld)],
    ['snapshots completed', n(lab.stats.snapshots), n(real.snapshots)],
    ['last snapshot held', n(lab.lastSnapshotWrites), n(real.lastSnapshotWrites)],
    ['recovered from', lab.recoveredFrom, real.recoveredFrom],
  ];
  const header: [string, string, string] = ['', 'lab (virtual clock)', `redis-server ${real.redisVersion} (wall clock)`];
  const widths = [0, 1].map((c) => Math.max(...[header, ...rows].map((r) => r[c]!.length)));
  const line = (r: [string, string, string]) => `  ${r[0].padEnd(widths[0]!)}  ${r[1].padEnd(widths[1]!)}  ${r[2]}`.trimEnd();
  return [
    `${label}: seed ${result.seed}, ${lab.crash === 'none' ? 'a clean shutdown' : 'a process crash'} at ${(lab.crashAtMs / 1000).toFixed(2)} s`,
    line(header),
    ...rows.map(line),
    `  lab:  ${lab.verdict}`,
    `  real: ${real.verdict}`,
    ...(real.keptDir ? [`  files kept in ${real.keptDir}`] : []),
    agreement.how,
    '',
  ].join('\n');
}

/** The fields both sides have, for a JSON line. */
function jsonLine(result: VerifyResult): string {
  const pick = (r: RunReport | RealReport) => ({
    policy: r.policy,
    crash: r.crash,
    crashAtMs: r.crashAtMs,
    acknowledgedWrites: r.acknowledgedWrites,
    recoveredWrites: r.recoveredWrites,
    lostWrites: r.lostWrites,
    lostWindowMs: r.lostWindowMs,
    promiseHeld: r.promiseHeld,
    verdict: r.verdict,
    consistent: r.consistent,
    recoveryError: r.recoveryError,
    recoveredFrom: r.recoveredFrom,
    lastSnapshotWrites: r.lastSnapshotWrites,
  });
  const { lab, real } = result;
  return `${JSON.stringify({ seed: result.seed, agrees: result.agreement.agrees, how: result.agreement.how, lab: { ...pick(lab), snapshots: lab.stats.snapshots }, real: { ...pick(real), snapshots: real.snapshots, redisVersion: real.redisVersion, unanswered: real.unanswered, unansweredRun: real.unansweredRun, lateMs: real.lateMs, childOutlivedCrash: real.childOutlivedCrash, recoveryMs: real.recoveryMs, readback: real.readback, files: real.files, keptDir: real.keptDir } })}\n`;
}

export function parseVerifyArgs(args: string[]): VerifyOptions | string {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      options: {
        'redis-server': { type: 'string' },
        crash: { type: 'string' },
        runs: { type: 'string' },
        seed: { type: 'string' },
        long: { type: 'boolean' },
        json: { type: 'boolean' },
        keep: { type: 'boolean' },
      },
      strict: true,
      allowPositionals: true,
    });
  } catch (e) {
    return (e as Error).message;
  }
  const [source, extra] = parsed.positionals;
  if (source === undefined) return "'verify-real' needs a SCENARIO (a JSON file or a lab link)";
  if (extra !== undefined) return `unexpected argument '${extra}'`;
  const crash = parsed.values.crash ?? 'process';
  if (crash !== 'process' && crash !== 'none') return '--crash must be process or none: a real run kills the process (a power loss needs a file system that drops unsynced data; see the export README)';
  const int = (name: string, value: string | undefined, min: number, max: number) => (value === undefined ? undefined : /^\d+$/.test(value) && Number(value) >= min && Number(value) <= max ? Number(value) : null);
  const runs = int('runs', parsed.values.runs, 1, 1000);
  if (runs === null) return '--runs must be an integer from 1 to 1000';
  const seed = int('seed', parsed.values.seed, 0, MAX_SEED);
  if (seed === null) return `--seed must be an integer from 0 to ${MAX_SEED}`;
  if (seed !== undefined && seed + (runs ?? 1) - 1 > MAX_SEED) return `--seed ${seed} with --runs ${runs} goes past ${MAX_SEED} (run k uses seed + k)`;
  return {
    source,
    redisServer: parsed.values['redis-server'] ?? process.env.REDIS_SERVER ?? 'redis-server',
    crash,
    runs: runs ?? 1,
    seed,
    long: parsed.values.long ?? false,
    json: parsed.values.json ?? false,
    keep: parsed.values.keep ?? false,
  };
}

/** The `verify-real` command: 0 when every run agrees, 1 when one differs, 2 for usage, 130 on Ctrl-C. */
export async function verifyRealCommand(args: string[], usage: (message: string) => number): Promise<number> {
  const options = parseVerifyArgs(args);
  if (typeof options === 'string') return usage(options);
  const scenario = await loadScenario(options.source);
  const end = endOf(scenario);
  if (end > LONG_RUN_MS && !options.long) {
    process.stderr.write(`error: a real run of this scenario takes ${duration(end)} on the wall clock per run (its workload runs until ${n(end / 1000)} s), plus starting and restarting redis-server; pass --long to run it anyway\n`);
    return 2;
  }
  const stop = new AbortController();
  process.once('SIGINT', () => stop.abort());
  const progress = new Progress(process.stderr);
  let agreed = true;
  const base = options.seed ?? scenario.seed;
  for (let k = 0; k < options.runs; k++) {
    const label = options.runs > 1 ? `run ${k + 1} of ${options.runs}` : 'run';
    let result: VerifyResult;
    try {
      result = await verifyOnce(scenario, base + k, options, {
        signal: stop.signal,
        onProgress: (done, total) => progress.update(`verify-real: ${label}, ${duration(done)} of ${duration(total)} on the wall clock`),
      });
    } catch (e) {
      progress.clear();
      if (e instanceof RealRunStopped) {
        process.stderr.write(`interrupted: ${label} stopped; redis-server was killed and its files removed\n`);
        return 130;
      }
      throw e;
    }
    progress.clear();
    process.stdout.write(options.json ? jsonLine(result) : formatResult(`${options.source} (${label})`, result));
    agreed &&= result.agreement.agrees;
  }
  return agreed ? 0 : 1;
}
