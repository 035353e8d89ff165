// The engine worker: a persistent server on browser storage (after `start`), answering typed
// requests and posting telemetry once per tick, on which it also runs serverCron and the
// page cache's writeback.
import { makeApi, type WorkerApi } from './api.js';
import { LabHost } from './host.js';
import { TELEMETRY_INTERVAL_MS, type Request, type WorkerMessage } from './protocol.js';

const host = new LabHost();
host.onProgress = (task, done, total) => post({ type: 'progress', task, done, total });
const api = makeApi(host, () => performance.now());

function post(message: WorkerMessage): void {
  self.postMessage(message);
}

/** A failure of background work, reported on the telemetry channel the UI already reads. */
function failureTelemetry(error: string): WorkerMessage {
  return { type: 'telemetry', ops: 0, keys: 0, memoryBytes: 0, unsyncedBytes: 0, aofBytes: 0, rdbBytes: 0, rewriteAtBytes: null, fsyncs: 0, fsyncMaxMs: 0, aofWrites: 0, job: null, acked: 0, replicationLagBytes: null, workloadRunning: false, workloadPaused: false, error };
}

/** Not a request: a replication port handed over by the UI (ports cannot travel as arguments). */
interface ReplicationPortMessage {
  type: 'replication-port';
  role: 'primary' | 'replica';
  linkDelayMs: number;
}

self.addEventListener('message', (event: MessageEvent<Request | ReplicationPortMessage>) => {
  if (event.data.type === 'replication-port') {
    const { role, linkDelayMs } = event.data;
    void host.attachReplication(role, event.ports[0]!, linkDelayMs).catch((e: unknown) => post(failureTelemetry((e as Error).message)));
    return;
  }
  const request = event.data;
  const method = api[request.method] as (...args: unknown[]) => Promise<unknown>;
  if (typeof method !== 'function') {
    post({ type: 'response', id: request.id, ok: false, error: { name: 'TypeError', message: `unknown method ${String(request.method)}` } });
    return;
  }
  method(...(request.args as unknown[])).then(
    (value) => post({ type: 'response', id: request.id, ok: true, value }),
    (e: unknown) => {
      const error = e instanceof Error ? { name: e.name, message: e.message } : { name: 'Error', message: String(e) };
      post({ type: 'response', id: request.id, ok: false, error });
    },
  );
});

let lastCommands = 0;
let lastAofWrites = 0;
let lastJobs = { rdb: 0, aof: 0 };
let ticking = false;
setInterval(() => {
  const server = host.server;
  if (!server || ticking) return;
  ticking = true;
  // Paused: server time stands still, so does its cron (a step runs it once); telemetry goes on.
  (host.clock?.paused ? Promise.resolve() : host.tick())
    .then(async () => {
      const engine = server.engine;
      const commands = engine.stats.commandsProcessed;
      const durability = await host.durability();
      const fsyncs = server.fsyncLog.splice(0);
      const aofWrites = server.status.aofWrites;
      post({
        type: 'telemetry',
        ops: commands - lastCommands,
        keys: engine.dbs.reduce((sum, db) => sum + db.size, 0),
        memoryBytes: engine.estimatedMemory(),
        unsyncedBytes: durability.unsyncedBytes,
        aofBytes: durability.aofBytes,
        rdbBytes: durability.rdbBytes,
        rewriteAtBytes: durability.rewriteAtBytes,
        fsyncs: fsyncs.length,
        fsyncMaxMs: fsyncs.reduce((longest, f) => Math.max(longest, f.durationMs), 0),
        aofWrites: aofWrites - lastAofWrites,
        // A job that started and ended within the tick still marks it.
        job: server.job?.kind ?? (server.status.aofRewrites > lastJobs.aof ? 'aof' : server.status.rdbSaves > lastJobs.rdb ? 'rdb' : null),
        acked: host.workload?.acked ?? 0,
        replicationLagBytes: host.replicationLag(),
        workloadRunning: host.workload?.status().running ?? false,
        workloadPaused: host.workload?.paused ?? false,
      });
      lastCommands = commands;
      lastAofWrites = aofWrites;
      lastJobs = { rdb: server.status.rdbSaves, aof: server.status.aofRewrites };
    })
    .catch((e: unknown) => post(failureTelemetry((e as Error).message)))
    .finally(() => (ticking = false));
}, TELEMETRY_INTERVAL_MS);

post({ type: 'ready' });

export type { WorkerApi };
