// What the persistent server tells those who watch it (the simulator, the worker's telemetry):
// each AOF write and fsync, each snapshot from the instant it is taken to the instant it is on
// disk, each fork child's start and exit. Listeners are called synchronously, so a snapshot's
// event sees the dataset exactly as the snapshot does.
import type { JobKind } from './jobs.js';
import type { RewriteReport } from './status.js';

export type PersistenceEvent =
  /** aof_buf written to the AOF with one write(2). */
  | { type: 'aof-write'; at: number; bytes: number }
  /** An fsync of the AOF completed; `durationMs` as measured or modelled. */
  | { type: 'fsync'; at: number; durationMs: number }
  /** A point-in-time copy of the dataset for an RDB file (SAVE, BGSAVE, a save before shutdown). */
  | { type: 'snapshot-taken'; id: number; at: number; foreground: boolean }
  /** That copy is now the RDB file on disk (renamed into place, directory synced). */
  | { type: 'snapshot-durable'; id: number; at: number }
  | { type: 'child-started'; kind: JobKind; pid: number; at: number }
  | { type: 'child-exited'; kind: JobKind; pid: number; at: number; ok: boolean }
  | { type: 'rewrite-installed'; report: RewriteReport };

export type PersistenceListener = (event: PersistenceEvent) => void;

export class PersistenceEvents {
  private readonly listeners = new Set<PersistenceListener>();

  /** Returns an unsubscribe. */
  on(listener: PersistenceListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(event: PersistenceEvent): void {
    for (const listener of this.listeners) listener(event);
  }
}
