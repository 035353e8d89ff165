// The background jobs (a BGSAVE's child, an AOF rewrite's child) as spans of time, from samples
// that each say which job ran: the charts draw them as bands behind their lines.

export interface JobBand {
  kind: 'rdb' | 'aof';
  from: number;
  to: number;
}

export const JOB_NAMES = { rdb: 'snapshot', aof: 'rewrite' } as const;

/** Each sample covers the `stepMs` before its time; consecutive samples of one job merge. */
export function jobBands<S extends { job: 'rdb' | 'aof' | null }>(samples: readonly S[], timeOf: (sample: S) => number, stepMs: number): JobBand[] {
  const bands: JobBand[] = [];
  let open: JobBand | null = null;
  for (const s of samples) {
    const at = timeOf(s);
    if (open && s.job === open.kind) {
      open.to = at;
      continue;
    }
    open = s.job ? { kind: s.job, from: at - stepMs, to: at } : null;
    if (open) bands.push(open);
  }
  return bands;
}
