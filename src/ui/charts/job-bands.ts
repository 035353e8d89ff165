// The background jobs (a BGSAVE's child, an AOF rewrite's child) as spans of time, from the
// samples in which one ran: the charts draw them as bands behind their lines.
import type { Sample } from '../state/telemetry.svelte.js';

export interface JobBand {
  kind: 'rdb' | 'aof';
  from: number;
  to: number;
}

export const JOB_NAMES = { rdb: 'snapshot', aof: 'rewrite' } as const;

export function jobBands(samples: readonly Sample[], sampleMs: number): JobBand[] {
  const bands: JobBand[] = [];
  let open: JobBand | null = null;
  for (const s of samples) {
    if (open && s.job === open.kind) {
      open.to = s.at;
      continue;
    }
    open = s.job ? { kind: s.job, from: s.at - sampleMs, to: s.at } : null;
    if (open) bands.push(open);
  }
  return bands;
}
