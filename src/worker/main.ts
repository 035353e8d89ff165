// The engine worker's entry: serves the API's calls (each with its own id, AbortController and
// progress; results with their buffers transferred) and sends telemetry once per tick.
import { makeLab } from './api.js';
import { TELEMETRY_INTERVAL_MS, transferablesIn, type CallContext, type PageMessage, type WorkerMessage } from './protocol.js';
import { TelemetryTicker } from './telemetry.js';

/** Progress is worth sending this often at most; the last report of a call always goes. */
const PROGRESS_EVERY_MS = 50;

const lab = makeLab();
const calls = new Map<number, AbortController>();

function post(message: WorkerMessage, transfer: Transferable[] = []): void {
  self.postMessage(message, { transfer });
}

function progressReporter(id: number): CallContext['progress'] {
  let last = 0;
  return (done, total) => {
    const now = performance.now();
    if (now - last < PROGRESS_EVERY_MS && done < total) return;
    last = now;
    post({ type: 'progress', id, done, total });
  };
}

type AnyMethod = (...args: unknown[]) => Promise<unknown>;

self.addEventListener('message', (event: MessageEvent<PageMessage>) => {
  const message = event.data;
  if (message.type === 'cancel') {
    calls.get(message.id)?.abort(new Error('cancelled'));
    return;
  }
  const { id } = message;
  const [service, name] = message.method.split('.') as [string, string];
  const method = (lab.api as unknown as Record<string, Record<string, AnyMethod> | undefined>)[service]?.[name];
  if (typeof method !== 'function') {
    post({ type: 'error', id, error: { name: 'TypeError', message: `unknown method ${message.method}` } });
    return;
  }
  const controller = new AbortController();
  calls.set(id, controller);
  const context: CallContext = { signal: controller.signal, progress: message.wantsProgress ? progressReporter(id) : () => {} };
  Promise.resolve()
    .then(() => method(...message.args, context))
    .then(
      (value) => post({ type: 'result', id, value }, transferablesIn(value)),
      (e: unknown) => post({ type: 'error', id, error: e instanceof Error ? { name: e.name, message: e.message } : { name: 'Error', message: String(e) } }),
    )
    .finally(() => calls.delete(id));
});

const ticker = new TelemetryTicker(lab);
let ticking = false;
setInterval(() => {
  if (ticking) return;
  ticking = true;
  ticker
    .tick()
    .then((telemetry) => post(telemetry))
    .catch((e: unknown) => post({ type: 'failure', message: (e as Error).message }))
    .finally(() => (ticking = false));
}, TELEMETRY_INTERVAL_MS);

post({ type: 'ready' });
