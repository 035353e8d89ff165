// fsync latency on the virtual clock, seeded: what makes "appendfsync always" slow and lets a
// busy disk stall everysec's background fsync for seconds, as production disks do.
import { randomBelow, type Rng } from '../engine/index.js';
import type { DiskKind } from '../scenario/scenario.js';

/** A function returning each fsync's duration in virtual ms, or undefined for an instant disk. */
export function fsyncModel(kind: DiskKind | undefined, rng: Rng): (() => number) | undefined {
  switch (kind ?? 'fast') {
    case 'fast':
      return undefined;
    case 'ssd':
      return () => 1 + randomBelow(rng, 3);
    case 'slow':
      // Mostly tens of ms; one fsync in 30 waits seconds behind other I/O.
      return () => (randomBelow(rng, 30) === 0 ? 1_500 + randomBelow(rng, 2_500) : 5 + randomBelow(rng, 26));
  }
}
