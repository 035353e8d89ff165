// The UI's side of the worker protocol: one promise per request (with a timeout, so a stuck
// worker shows an error instead of a frozen console), telemetry callbacks, and a clear message
// when the worker itself fails to start or crashes.
import type { Args, Method, Progress, Request, Result, Telemetry, WorkerMessage } from '../worker/protocol.js';

export class WorkerCallError extends Error {}

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
  timer: ReturnType<typeof setTimeout>;
}

export class EngineWorker {
  private readonly worker: Worker;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  readonly ready: Promise<void>;

  constructor(
    private readonly handlers: { onTelemetry?: (t: Telemetry) => void; onProgress?: (p: Progress) => void; onFailure?: (message: string) => void } = {},
    private readonly timeoutMs = 15_000,
  ) {
    this.worker = new Worker(new URL('../worker/main.ts', import.meta.url), { type: 'module', name: 'engine' });
    let markReady: () => void = () => {};
    this.ready = new Promise((resolve) => (markReady = resolve));
    this.worker.addEventListener('message', (event: MessageEvent<WorkerMessage>) => {
      const message = event.data;
      if (message.type === 'ready') markReady();
      else if (message.type === 'telemetry') this.handlers.onTelemetry?.(message);
      else if (message.type === 'progress') this.handlers.onProgress?.(message);
      else this.settle(message.id, message.ok ? { value: message.value } : { error: new WorkerCallError(message.error.message) });
    });
    this.worker.addEventListener('error', (event) => {
      event.preventDefault();
      this.fail(`The engine worker failed: ${event.message || 'it could not be started'}`);
    });
    this.worker.addEventListener('messageerror', () => this.fail('The engine worker sent a message that could not be read.'));
  }

  call<M extends Method>(method: M, ...args: Args<M>): Promise<Result<M>> {
    return this.callWithin(this.timeoutMs, method, ...args);
  }

  /** A call allowed to take longer than the default (a scenario run). */
  callWithin<M extends Method>(timeoutMs: number, method: M, ...args: Args<M>): Promise<Result<M>> {
    const id = this.nextId++;
    return new Promise<Result<M>>((resolve, reject) => {
      const timer = setTimeout(() => this.settle(id, { error: new WorkerCallError(`The engine did not answer within ${timeoutMs / 1000} s.`) }), timeoutMs);
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject, timer });
      this.worker.postMessage({ type: 'request', id, method, args } as Request);
    });
  }

  terminate(): void {
    this.worker.terminate();
    this.fail('The engine worker was stopped.');
  }

  /** Hands the worker one end of a replication channel. */
  sendReplicationPort(role: 'primary' | 'replica', port: MessagePort, linkDelayMs = 0): void {
    this.worker.postMessage({ type: 'replication-port', role, linkDelayMs }, [port]);
  }

  /** Ends the worker on purpose (a simulated crash): pending calls fail, no failure is reported. */
  kill(): void {
    this.worker.terminate();
    for (const id of [...this.pending.keys()]) this.settle(id, { error: new WorkerCallError('The engine process was killed.') });
  }

  private settle(id: number, outcome: { value: unknown } | { error: Error }): void {
    const pending = this.pending.get(id);
    if (!pending) return;
    this.pending.delete(id);
    clearTimeout(pending.timer);
    if ('error' in outcome) pending.reject(outcome.error);
    else pending.resolve(outcome.value);
  }

  private fail(message: string): void {
    this.handlers.onFailure?.(message);
    for (const id of [...this.pending.keys()]) this.settle(id, { error: new WorkerCallError(message) });
  }
}
