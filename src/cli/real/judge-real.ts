// The lab's judgement of a real run: the acknowledged writes in the order the server ran them
// (its MONITOR stream), the dataset the restarted server (or the replica) holds, the prefix
// analysis of src/sim/history.ts and the promise of src/sim/promise.ts — the same code that
// judges the lab's own runs — giving a report with the lab's fields.
import { applyConfigText, Config, splitCommandLine } from '../../engine/index.js';
import { failoverPromise } from '../../scenario/promises.js';
import { endOf, scenarioConfigText, type Scenario } from '../../scenario/scenario.js';
import { WriteHistory } from '../../sim/history.js';
import { judgeFailover, promiseFor } from '../../sim/promise.js';
import type { RunReport } from '../../sim/run-scenario.js';
import { seededWorkload } from '../../sim/workload.js';
import type { RealObservation } from './run-real.js';
import { loggedSnapshots } from './workload-log.js';

/** The lab's report fields, for the real run; the counts are of writes acknowledged on the wall clock. */
export interface RealReport
  extends Pick<
    RunReport,
    'policy' | 'promise' | 'crashAtMs' | 'acknowledgedWrites' | 'recoveredWrites' | 'lostWrites' | 'lostWindowMs' | 'promiseHeld' | 'verdict' | 'consistent' | 'recoveryError' | 'recoveredFrom' | 'lastSnapshotWrites' | 'recoveryMs' | 'files'
  > {
  redisVersion: string;
  /** process: killed with SIGKILL at the instant (crashAtMs: when, ms since the workload started); none: SHUTDOWN. */
  crash: 'process' | 'none';
  /** Snapshots whose file was complete by the end (the server's log), the final save of a shutdown included. */
  snapshots: number;
  /** When the last complete snapshot was taken (its child forked, or the server saved itself), ms since the start; null: none. */
  lastSnapshotAtMs: number | null;
  /** Writes sent and never answered (in flight at the crash), and how many of them the server had run. */
  unanswered: number;
  unansweredRun: number;
  /** The largest delay of a write behind its scheduled instant (the wall clock's timers). */
  lateMs: number;
  /** A fork child was running at the kill and finished its work after it. */
  childOutlivedCrash: boolean;
  /** The dataset as read back: keys, and whether its digest equals the server's DEBUG DIGEST. */
  readback: { keys: number; exact: boolean } | null;
  keptDir: string | null;
}

/** The configuration at the crash: the scenario's, changed by the config events that ran before it. */
function configAtCrash(scenario: Scenario, crashAt: number): Config {
  const config = new Config();
  applyConfigText(config, scenarioConfigText(scenario));
  for (const event of scenario.events) {
    if (event.kind !== 'config' || event.at > crashAt) continue;
    const split = splitCommandLine(event.directive);
    if (split.ok && split.argv.length >= 2) config.set(split.argv[0]!, split.argv.slice(1).join(' '));
  }
  return config;
}

interface Executed {
  seq: number;
  argv: readonly string[];
  /** When its reply arrived, ms since the start; null when none did. */
  ackedAt: number | null;
  /** When the server ran it (µs since the epoch, its clock), if MONITOR showed it. */
  ranAtUs: number | null;
}

/**
 * The writes that may have reached the data, in the order the server ran them: those MONITOR
 * showed, in its order; then acknowledged ones it had no time to show, in the order of their
 * replies; then unanswered ones, which may or may not have run. Error replies changed nothing.
 */
function executionOrder(scenario: Scenario, seed: number, observation: RealObservation): Executed[] {
  const { workload: log, monitor } = observation;
  const clients = log.start.clients;
  const unanswered = new Set(log.end.unanswered);
  const lastSeq = Math.max(0, ...log.acks.keys(), ...unanswered);
  const generator = seededWorkload(scenario.workload, seed);
  const argvOf: string[][] = [[]];
  for (let seq = 1; seq <= lastSeq; seq++) {
    generator.nextGap();
    argvOf.push(generator.next());
  }
  const reached = (seq: number) => log.acks.has(seq) || unanswered.has(seq);
  // Per connection, the seqs it sent, in order: the k-th command MONITOR shows from it is the k-th.
  const sentBy = Array.from({ length: clients }, () => [] as number[]);
  for (let seq = 1; seq <= lastSeq; seq++) if (reached(seq)) sentBy[(seq - 1) % clients]!.push(seq);
  const clientOfPort = new Map(log.start.ports.map((port, client) => [port, client]));
  const shown = new Array<number>(clients).fill(0);
  const order: Executed[] = [];
  const seen = new Set<number>();
  const add = (seq: number, ranAtUs: number | null) => {
    seen.add(seq);
    const ack = log.acks.get(seq);
    if (ack?.error) return;
    order.push({ seq, argv: argvOf[seq]!, ackedAt: ack ? ack.at : null, ranAtUs });
  };
  for (const entry of monitor) {
    const client = clientOfPort.get(entry.port);
    if (client === undefined) continue;
    const seq = sentBy[client]![shown[client]!++];
    if (seq === undefined || entry.argv.join(' ') !== argvOf[seq]!.join(' ')) {
      throw new Error(`the server ran ${JSON.stringify(entry.argv.slice(0, 2))} on connection ${client}, where the workload sent ${seq === undefined ? 'nothing more' : JSON.stringify(argvOf[seq]!.slice(0, 2))}: the script and the lab's generator disagree`);
    }
    add(seq, entry.timeUs);
  }
  const late = [...log.acks.entries()].filter(([seq]) => !seen.has(seq)).sort((a, b) => a[1].at - b[1].at);
  for (const [seq] of late) add(seq, null);
  for (const seq of [...unanswered].sort((a, b) => a - b)) if (!seen.has(seq)) add(seq, null);
  return order;
}

export function judgeReal(scenario: Scenario, seed: number, crash: 'process' | 'none', observation: RealObservation): RealReport {
  const log = observation.workload;
  const crashAt = log.crash.at;
  const config = configAtCrash(scenario, endOf(scenario));
  const promise = promiseFor(config);
  const order = executionOrder(scenario, seed, observation);
  const history = new WriteHistory();
  for (const write of order) history.ack(write.argv, write.ackedAt ?? Infinity);
  // Acknowledged writes among the first i run: the lab's counts are of acknowledged writes.
  const ackedBefore = [0];
  for (const write of order) ackedBefore.push(ackedBefore.at(-1)! + (write.ackedAt !== null ? 1 : 0));
  const acknowledged = ackedBefore.at(-1)!;

  // The last complete snapshot, from the server's log: what it held is what ran before its fork.
  const snapshots = loggedSnapshots(observation.serverLog);
  const last = snapshots.at(-1);
  const epoch = log.start.epochMs;
  let snapshotRange: [number, number] = [0, 0];
  if (last && !last.byChild) snapshotRange = [order.length, order.length];
  else if (last && last.forkedAtMs !== null) {
    // The log has ms; a write run within the fork's ms may be on either side of it.
    const before = (us: number) => order.findIndex((w) => w.ranAtUs === null || w.ranAtUs >= us);
    const lo = before(last.forkedAtMs * 1000);
    const hi = before((last.forkedAtMs + 1) * 1000);
    snapshotRange = [lo < 0 ? order.length : lo, hi < 0 ? order.length : hi];
  }

  const failover = observation.recoveredFrom === 'replica';
  const snapshotPolicy = !failover && !config.getBool('appendonly');
  const recovered = observation.readback?.engine;
  const analysis = recovered ? history.analyze(recovered, Infinity, null) : null;
  const feasible = analysis?.feasible ?? [];
  const inRange = (n: number) => feasible.some(([lo, hi]) => lo <= n && n <= hi);
  // The snapshot's cut within its ms that the data agrees with, if any.
  let snapshotSeq = snapshotRange[0];
  for (let n = snapshotRange[0]; n <= snapshotRange[1]; n++) if (inRange(n)) snapshotSeq = n;
  const prefix = analysis?.prefix === null || !analysis ? null : snapshotPolicy && inRange(snapshotSeq) ? snapshotSeq : feasible.at(-1)![1];
  const lost = prefix === null ? [] : order.slice(prefix).filter((w) => w.ackedAt !== null);
  const firstLostAt = Math.min(...lost.map((w) => w.ackedAt!));
  const lostWindowMs = lost.length > 0 ? Math.round(crashAt - firstLostAt) : 0;
  const facts = {
    crash,
    prefix: prefix === null ? null : ackedBefore[prefix]!,
    feasible: feasible.map(([lo, hi]) => [ackedBefore[lo]!, ackedBefore[hi]!] as [number, number]),
    acknowledged,
    lostWindowMs,
    lastSnapshotSeq: ackedBefore[snapshotSeq]!,
  };
  // The real link's delay is its proxy's timers, late when this process was busy: the promise is
  // judged against how long it really held the writes, and the verdict says so.
  const linkDelayMs = failover ? Math.max(scenario.replica!.linkDelayMs, observation.linkHeldMs ?? 0) : 0;
  const slowLink = failover && linkDelayMs > scenario.replica!.linkDelayMs ? ` The loopback link held data up to ${linkDelayMs.toLocaleString('en-US')} ms (its ${scenario.replica!.linkDelayMs.toLocaleString('en-US')} ms timers ran late on a busy machine).` : '';
  const judged =
    observation.recoveryError !== null
      ? { held: false, verdict: `The restarted server refused to load its files, so none of the ${acknowledged.toLocaleString('en-US')} acknowledged writes came back: ${observation.recoveryError}` }
      : failover
        ? judgeFailover(facts, linkDelayMs)
        : promise.judge(facts);
  const recoveredWrites = observation.recoveryError !== null || facts.prefix === null ? 0 : Math.min(facts.prefix, acknowledged);
  const unanswered = log.end.unanswered.length;
  return {
    redisVersion: observation.redisVersion,
    policy: failover ? `${promise.policy}+replica` : promise.policy,
    promise: failover ? failoverPromise(scenario.replica!.linkDelayMs) : promise.text,
    crash,
    crashAtMs: Math.round(crashAt * 100) / 100,
    acknowledgedWrites: acknowledged,
    recoveredWrites,
    lostWrites: acknowledged - recoveredWrites,
    lostWindowMs,
    promiseHeld: judged.held,
    verdict: judged.verdict + slowLink,
    consistent: observation.recoveryError === null && facts.prefix !== null,
    recoveryError: observation.recoveryError,
    recoveredFrom: observation.recoveredFrom,
    snapshots: snapshots.length,
    lastSnapshotWrites: facts.lastSnapshotSeq,
    lastSnapshotAtMs: last ? (last.forkedAtMs ?? last.savedAtMs) - epoch : null,
    unanswered,
    unansweredRun: order.filter((w) => w.ackedAt === null && w.ranAtUs !== null).length,
    lateMs: log.crash.lateMs,
    childOutlivedCrash: observation.childOutlivedCrash,
    recoveryMs: observation.recoveryMs,
    files: observation.files,
    readback: observation.readback ? { keys: observation.readback.keys, exact: observation.readback.digest === observation.readback.serverDigest } : null,
    keptDir: observation.keptDir,
  };
}
