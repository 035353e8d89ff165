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

/** About the width of a 10 px label's character, in px (labels are lower-case words). */
const LABEL_CHAR_PX = 6;

/**
 * Where each band's name goes, left to right: a name that would run into the one before it is
 * left out (at high speed snapshots come seconds apart and their names smeared into one), and a
 * band that began before the chart's left edge is named at that edge.
 */
export function bandLabels(bands: readonly JobBand[], xOf: (t: number) => number, left: number): { band: JobBand; at: number }[] {
  const labels: { band: JobBand; at: number }[] = [];
  let freeFrom = -Infinity;
  for (const band of bands) {
    if (xOf(band.to) < left) continue;
    const at = Math.max(left, xOf(band.from)) + 2;
    if (at < freeFrom) continue;
    labels.push({ band, at });
    freeFrom = at + JOB_NAMES[band.kind].length * LABEL_CHAR_PX + 4;
  }
  return labels;
}
