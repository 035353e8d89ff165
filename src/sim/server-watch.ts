// Follows a persistent server through its events: what the last snapshot on disk holds (a mark
// read from the dataset or the run when the snapshot was taken), when the last fsync completed,
// how many snapshots and rewrites completed. Runs and the live worker both keep these books.
import { type PersistentServer } from '../engine/index.js';

export class ServerWatch {
  /** The mark of the last snapshot whose file is durable (0 before any). */
  lastSnapshotMark = 0;
  /** When that snapshot was taken, on the server's clock; null before any. */
  lastSnapshotAt: number | null = null;
  snapshots = 0;
  rewrites = 0;
  /** When the last fsync of the AOF completed, on the server's clock; null before any. */
  lastFsyncEnd: number | null = null;
  private readonly taken = new Map<number, { mark: number; at: number }>();
  readonly stop: () => void;

  /** `markNow`: read when a snapshot is taken, e.g. the acknowledged writes so far. */
  constructor(server: PersistentServer, markNow: () => number) {
    this.stop = server.events.on((event) => {
      switch (event.type) {
        case 'snapshot-taken':
          this.taken.set(event.id, { mark: markNow(), at: event.at });
          break;
        case 'snapshot-durable': {
          const snapshot = this.taken.get(event.id);
          this.taken.delete(event.id);
          if (!snapshot) break;
          this.lastSnapshotMark = snapshot.mark;
          this.lastSnapshotAt = snapshot.at;
          this.snapshots++;
          break;
        }
        case 'rewrite-installed':
          this.rewrites++;
          break;
        case 'fsync':
          this.lastFsyncEnd = event.at + event.durationMs;
          break;
      }
    });
  }
}
