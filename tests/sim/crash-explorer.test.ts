// The loss curves of the crash explorer have the shapes each policy promises.
import { describe, expect, it } from 'vitest';
import { rdbCodec } from '../../src/engine/persistence/rdb-codec.js';
import { DEFAULT_SCENARIO, type Scenario } from '../../src/scenario/scenario.js';
import { crashInstants, exploreCrashes, summarizeLosses } from '../../src/sim/crash-explorer.js';
import { MemoryStore } from '../../src/storage/memory-store.js';

const explore = (scenario: Scenario, points = 12) => exploreCrashes(scenario, { points, backend: () => new MemoryStore(), rdb: rdbCodec });

describe('crash explorer', () => {
  it('AOF always: a flat zero curve for every kind of crash', async () => {
    const curve = await explore({ ...DEFAULT_SCENARIO, preset: 'aof-always', durationMs: 6_000 });
    expect(curve).toHaveLength(36);
    expect(curve.every((p) => p.lostWrites === 0 && p.promiseHeld)).toBe(true);
  });

  it('AOF everysec: nothing lost to a process crash, under 2 s of writes to a power loss', async () => {
    const curve = await explore({ ...DEFAULT_SCENARIO, preset: 'aof-everysec', durationMs: 6_000 });
    expect(curve.filter((p) => p.crash === 'process').every((p) => p.lostWrites === 0)).toBe(true);
    const power = curve.filter((p) => p.crash === 'power');
    expect(power.some((p) => p.lostWrites > 0)).toBe(true);
    expect(power.every((p) => p.lostWindowMs <= 2_000 && p.promiseHeld)).toBe(true);
  });

  it('everysec under power loss, with the default settings, loses writes at its worst (the instants are not on its fsync beat)', async () => {
    const curve = await explore(DEFAULT_SCENARIO, 10);
    const [, power] = summarizeLosses(curve);
    expect(power!.crash).toBe('power');
    expect(power!.lost.max).toBeGreaterThan(0);
    expect(power!.windowMs.max).toBeLessThanOrEqual(2_000);
    expect(power!.broken).toBe(0);
  });

  it('spreads its instants over the run and over the phase of a second, the same for the same seed', () => {
    const instants = crashInstants(60_000, 40, 7);
    expect(instants).toEqual(crashInstants(60_000, 40, 7));
    expect(instants).not.toEqual(crashInstants(60_000, 40, 8));
    instants.forEach((at, i) => {
      expect(at).toBeGreaterThan((60_000 * i) / 40);
      expect(at).toBeLessThanOrEqual((60_000 * (i + 1)) / 40);
    });
    const phases = new Set(instants.map((at) => Math.floor((at % 1000) / 250)));
    expect(phases.size).toBe(4);
  });

  it('failover to a replica loses at most the link delay, whatever the crash', async () => {
    const curve = await explore({ ...DEFAULT_SCENARIO, preset: 'none', durationMs: 5_000, replica: { linkDelayMs: 200 } }, 8);
    expect(curve.every((p) => p.lostWindowMs <= 200 && p.promiseHeld)).toBe(true);
    expect(curve.some((p) => p.lostWrites > 0)).toBe(true);
  });

  it('snapshots: a sawtooth — losses grow until a snapshot completes, then fall', async () => {
    const scenario: Scenario = { ...DEFAULT_SCENARIO, preset: 'custom', config: 'appendonly no\nsave "2 1"', durationMs: 9_000, workload: { ...DEFAULT_SCENARIO.workload, rate: 100 } };
    const curve = (await exploreCrashes(scenario, { points: 18, kinds: ['process'], backend: () => new MemoryStore(), rdb: rdbCodec })).map((p) => p.lostWrites);
    const drops = curve.filter((lost, i) => i > 0 && lost < curve[i - 1]!).length;
    expect(drops).toBeGreaterThanOrEqual(2);
    expect(Math.max(...curve)).toBeGreaterThan(100);
  });
});
