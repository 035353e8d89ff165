// Background jobs become bands: consecutive samples of one kind merge, a change of kind or an
// idle sample ends a band.
import { describe, expect, it } from 'vitest';
import { jobBands } from '../../src/ui/charts/job-bands.js';

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
