// One piece of long work a panel started in the worker (a run, an upload, a restore): whether it
// runs, its progress, and a Cancel that stops that call only.
import { callOptions, type CallOptions } from '../../worker/protocol.js';

export class LongWork {
  running = $state(false);
  /** Fraction done, or null until the worker reports any. */
  progress = $state<number | null>(null);
  private controller: AbortController | null = null;

  /** Runs `work` with this piece's signal and progress; one at a time. */
  async run<T>(work: (options: CallOptions) => Promise<T>): Promise<T> {
    this.controller?.abort();
    const controller = new AbortController();
    this.controller = controller;
    this.running = true;
    this.progress = null;
    try {
      return await work(callOptions({ signal: controller.signal, onProgress: (done, total) => (this.progress = total > 0 ? Math.min(1, done / total) : null) }));
    } finally {
      if (this.controller === controller) {
        this.controller = null;
        this.running = false;
        this.progress = null;
      }
    }
  }

  cancel(): void {
    this.controller?.abort();
  }
}
