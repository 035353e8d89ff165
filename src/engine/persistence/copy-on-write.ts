// Copy-on-write accounting while a fork child runs: each key written to stands for the pages the
// kernel copies, counted once per child, as INFO's current_cow_size reports them.
import type { Engine, PropagatedCommand } from '../engine.js';
import { valueBytes } from '../keyspace/values.js';
import type { JobKind } from './jobs.js';
import type { PersistenceStatus } from './status.js';

export class CopyOnWrite {
  private readonly keys = new Set<string>();

  constructor(
    private readonly engine: Engine,
    private readonly status: PersistenceStatus,
  ) {}

  /** A unit of writes while a child runs. */
  track(unit: readonly PropagatedCommand[]): void {
    for (const { db, argv } of unit) {
      if (db < 0) continue;
      // Every key the command writes (an MSET of 2,000 keys touches 2,000 values' pages).
      for (const key of this.engine.keysWrittenBy(argv)) {
        const id = `${db}\u0000${key}`;
        if (this.keys.has(id)) continue;
        this.keys.add(id);
        const value = this.engine.dbs[db]?.dict.get(key);
        this.status.currentCowSize += 48 + key.length + (value === undefined ? 0 : valueBytes(value));
      }
      this.status.currentCowPeak = Math.max(this.status.currentCowPeak, this.status.currentCowSize);
    }
  }

  /** The child exited: its total becomes the last one of its kind. */
  end(kind: JobKind): void {
    if (kind === 'rdb') this.status.rdbLastCowSize = this.status.currentCowSize;
    else this.status.aofLastCowSize = this.status.currentCowSize;
    this.status.currentCowSize = 0;
    this.status.currentCowPeak = 0;
    this.keys.clear();
  }
}
