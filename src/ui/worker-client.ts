// The page's side of the worker seam: `api` is derived from the worker's API type (a Proxy, so a
// new worker method needs no change here). Each call has its own id; its progress and result
// come back to it; an AbortSignal in its CallOptions cancels that call only; buffers travel in
// transfer lists. Quick calls time out (a stuck worker shows an error instead of a frozen page).
import { isCallOptions, transferablesIn, type CallMessage, type CallOptions, type LabClient, type MethodPath, type PageMessage, type Telemetry, type WorkerMessage } from '../worker/protocol.js';

export class WorkerCallError extends Error {}

const QUICK_CALL_TIMEOUT_MS = 15_000;

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
  onProgress?: (done: number, total: number) => void;
  cleanup: () => void;
}

export interface WorkerHandlers {
  onTelemetry?: (t: Telemetry) => void;
  /** The worker's periodic work failed this tick (e.g. a storage error); the worker goes on. */
  onProblem?: (message: string) => void;
  /** The worker itself failed: it could not start, or it crashed. */
  onFailure?: (message: string) => void;
}

export class EngineWorker {
  readonly api: LabClient;
  readonly ready: Promise<void>;
  private readonly worker: Worker;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private ended: string | null = null;
  private failReady: (e: Error) => void = () => {};

  constructor(private readonly handlers: WorkerHandlers = {}) {
    this.worker = new Worker(new URL('../worker/main.ts', import.meta.url), { type: 'module', name: 'engine' });
    let markReady: () => void = () => {};
    this.ready = new Promise((resolve, reject) => {
      markReady = resolve;
      this.failReady = reject;
    });
    // Whoever awaits `ready` hears of a failure; nobody awaiting is not an error.
    this.ready.catch(() => undefined);
    this.worker.addEventListener('message', (event: MessageEvent<WorkerMessage>) => {
      const message = event.data;
      switch (message.type) {
        case 'ready':
          return markReady();
        case 'telemetry':
          return this.handlers.onTelemetry?.(message);
        case 'failure':
          return this.handlers.onProblem?.(message.message);
        case 'progress':
          return this.pending.get(message.id)?.onProgress?.(message.done, message.total);
        case 'result':
          return this.settle(message.id, { value: message.value });
        case 'error':
          return this.settle(message.id, { error: new WorkerCallError(message.error.message) });
      }
    });
    this.worker.addEventListener('error', (event) => {
      event.preventDefault();
      const reason = `The engine worker failed: ${event.message || 'it could not be started'}`;
      this.fail(reason);
    });
    this.worker.addEventListener('messageerror', () => this.fail('The engine worker sent a message that could not be read.'));
    this.api = new Proxy({} as LabClient, {
      get: (_, service: string) =>
        new Proxy({}, { get: (__, method: string) => (...args: unknown[]) => this.call(`${service}.${method}` as MethodPath, args) }),
    });
  }

  private call(method: MethodPath, given: unknown[]): Promise<unknown> {
    const options: Partial<CallOptions> = isCallOptions(given.at(-1)) ? (given.pop() as CallOptions) : {};
    if (this.ended) return Promise.reject(new WorkerCallError(this.ended));
    if (options.signal?.aborted) return Promise.reject(new WorkerCallError('Cancelled.'));
    const id = this.nextId++;
    const long = options.signal !== undefined || options.onProgress !== undefined;
    const timeoutMs = options.timeoutMs === undefined ? (long ? null : QUICK_CALL_TIMEOUT_MS) : options.timeoutMs;
    return new Promise((resolve, reject) => {
      const timer = timeoutMs === null ? undefined : setTimeout(() => this.settle(id, { error: new WorkerCallError(`The engine did not answer within ${timeoutMs / 1000} s.`) }), timeoutMs);
      const cancel = () => this.post({ type: 'cancel', id });
      options.signal?.addEventListener('abort', cancel, { once: true });
      this.pending.set(id, {
        resolve,
        reject,
        ...(options.onProgress ? { onProgress: options.onProgress } : {}),
        cleanup: () => {
          clearTimeout(timer);
          options.signal?.removeEventListener('abort', cancel);
        },
      });
      const message: CallMessage = { type: 'call', id, method, args: given, wantsProgress: options.onProgress !== undefined };
      this.post(message, transferablesIn(given));
    });
  }

  private post(message: PageMessage, transfer: Transferable[] = []): void {
    this.worker.postMessage(message, transfer);
  }

  /** Ends the worker on purpose (a simulated crash): pending calls fail, no failure is reported. */
  kill(): void {
    this.worker.terminate();
    this.end('The engine process was killed.');
  }

  private settle(id: number, outcome: { value: unknown } | { error: Error }): void {
    const pending = this.pending.get(id);
    if (!pending) return;
    this.pending.delete(id);
    pending.cleanup();
    if ('error' in outcome) pending.reject(outcome.error);
    else pending.resolve(outcome.value);
  }

  private end(reason: string): void {
    this.ended = reason;
    this.failReady(new WorkerCallError(reason));
    for (const id of [...this.pending.keys()]) this.settle(id, { error: new WorkerCallError(reason) });
  }

  private fail(message: string): void {
    this.handlers.onFailure?.(message);
    this.end(message);
  }
}
