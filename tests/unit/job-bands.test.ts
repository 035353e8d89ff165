// Background jobs become bands: consecutive samples of one kind merge, a change of kind or an
// idle sample ends a band. Their names never overlap, whatever the speed.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bandLabels, JOB_NAMES, jobBands, type JobBand } from '../../src/ui/charts/job-bands.js';

const sample = (at: number, job: 'rdb' | 'aof' | null) => ({ at, job });

describe('jobBands', () => {
  it('merges runs of one kind and starts a band a sample before its first one', () => {
    const samples = [sample(100, null), sample(200, 'rdb'), sample(300, 'rdb'), sample(400, 'aof'), sample(500, null), sample(600, 'rdb')];
    expect(jobBands(samples, (s) => s.at, 100)).toEqual([
      { kind: 'rdb', from: 100, to: 300 },
      { kind: 'aof', from: 300, to: 400 },
      { kind: 'rdb', from: 500, to: 600 },
    ]);
    expect(jobBands([sample(100, null)], (s) => s.at, 100)).toEqual([]);
  });
});

describe('bandLabels', () => {
  const px = (t: number) => t / 10;

  it('names the first of bands too close together, the next that has room, and clamps to the left edge', () => {
    const bands: JobBand[] = [
      { kind: 'rdb', from: -500, to: -100 },
      { kind: 'rdb', from: 0, to: 100 },
      { kind: 'aof', from: 200, to: 300 },
      { kind: 'rdb', from: 1000, to: 1100 },
    ];
    expect(bandLabels(bands, px, 10)).toEqual([
      { band: bands[1], at: 12 },
      { band: bands[3], at: 102 },
    ]);
  });

  it('never lets two names overlap', () => {
    const bandsArb = fc.array(fc.tuple(fc.constantFrom<'rdb' | 'aof'>('rdb', 'aof'), fc.integer({ min: 0, max: 5000 }), fc.integer({ min: 1, max: 500 })), { maxLength: 60 });
    fc.assert(
      fc.property(bandsArb, (raw) => {
        let t = 0;
        const bands = raw.map(([kind, gap, length]) => {
          const band = { kind, from: t + gap, to: t + gap + length };
          t = band.to;
          return band;
        });
        const labels = bandLabels(bands, px, 0);
        for (let i = 1; i < labels.length; i++) {
          const before = labels[i - 1]!;
          expect(labels[i]!.at).toBeGreaterThanOrEqual(before.at + JOB_NAMES[before.band.kind].length * 6);
        }
        if (bands.length > 0) expect(labels[0]!.band).toBe(bands[0]);
      }),
    );
  });
});
