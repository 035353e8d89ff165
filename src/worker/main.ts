// The engine worker: one Redis engine and one client, answering typed requests and posting
// telemetry once per tick. It also runs the engine's active expiry on that tick (serverCron).
import { systemClock } from '../engine/clock.js';
import { Engine } from '../engine/engine.js';
import { makeApi, type WorkerApi } from './api.js';
import { TELEMETRY_INTERVAL_MS, type Request, type WorkerMessage } from './protocol.js';

const engine = new Engine({ clock: systemClock });
const client = engine.createClient();
const api = makeApi(engine, client, () => performance.now());

function post(message: WorkerMessage): void {
  self.postMessage(message);
}

self.addEventListener('message', (event: MessageEvent<Request>) => {
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

let lastCommands = engine.stats.commandsProcessed;
setInterval(() => {
  engine.activeExpireCycle();
  const commands = engine.stats.commandsProcessed;
  post({
    type: 'telemetry',
    ops: commands - lastCommands,
    keys: engine.dbs.reduce((sum, db) => sum + db.size, 0),
    memoryBytes: engine.estimatedMemory(),
  });
  lastCommands = commands;
}, TELEMETRY_INTERVAL_MS);

post({ type: 'ready' });

export type { WorkerApi };
