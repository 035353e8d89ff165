// The scrubber's history agrees with the branches recomputed from it: the run is deterministic,
// so the state recorded at an instant is the state a crash at that instant starts from.
import { describe, expect, it } from 'vitest';
import { rdbCodec } from '../../src/engine/persistence/rdb-codec.js';
import { DEFAULT_SCENARIO, type Scenario } from '../../src/scenario/scenario.js';
import { runScenario, type TracePoint } from '../../src/sim/run-scenario.js';
import { MemoryStore } from '../../src/storage/memory-store.js';

async function trace(scenario: Scenario): Promise<TracePoint[]> {
  const points: TracePoint[] = [];
  await runScenario(scenario, { backend: new MemoryStore(), rdb: rdbCodec, crash: 'none', traceEveryMs: 100, onTrace: (p) => points.push(p) });
  return points;
}

const crashAt = (scenario: Scenario, atMs: number) => runScenario(scenario, { backend: new MemoryStore(), rdb: rdbCodec, crash: 'power', crashAtMs: atMs });

describe('the run history', () => {
  // A slow workload, so some instants have every write fsynced and some do not.
  const scenario: Scenario = { ...DEFAULT_SCENARIO, preset: 'aof-everysec', durationMs: 6_000, events: [], workload: { ...DEFAULT_SCENARIO.workload, rate: 3 } };

  it('is the same every time, one point per 100 ms, with counts that only grow', async () => {
    const first = await trace(scenario);
    expect(await trace(scenario)).toEqual(first);
    expect(first.length).toBeGreaterThanOrEqual(60);
    for (let i = 1; i < first.length; i++) {
      expect(first[i]!.atMs).toBeGreaterThan(first[i - 1]!.atMs);
      expect(first[i]!.acknowledgedWrites).toBeGreaterThanOrEqual(first[i - 1]!.acknowledgedWrites);
      expect(first[i]!.fsyncs).toBeGreaterThanOrEqual(first[i - 1]!.fsyncs);
    }
  });

  it('says what a power loss at each instant takes: writes acknowledged there, lost exactly when bytes were at risk', async () => {
    const points = await trace(scenario);
    const picks = points.filter((_, i) => i % 3 === 1);
    for (const point of picks) {
      const report = await crashAt(scenario, point.atMs);
      expect(report.acknowledgedWrites, `at ${point.atMs} ms`).toBe(point.acknowledgedWrites);
      expect(report.lostWrites > 0, `at ${point.atMs} ms with ${point.unsyncedBytes} B at risk`).toBe(point.unsyncedBytes > 0);
    }
    expect(picks.some((p) => p.unsyncedBytes > 0) && picks.some((p) => p.unsyncedBytes === 0)).toBe(true);
  });

  it("on an SSD (1–3 ms fsyncs), everysec's fsync at each whole second covers what was written before it, from the instant it returns, not from the next cron tick", async () => {
    const ssd: Scenario = { ...scenario, disk: 'ssd', workload: { ...DEFAULT_SCENARIO.workload, rate: 200 } };
    const points: TracePoint[] = [];
    await runScenario(ssd, { backend: new MemoryStore(), rdb: rdbCodec, crash: 'none', traceEveryMs: 1, onTrace: (p) => points.push(p) });
    const ackedAt = (ms: number) => points.find((p) => p.atMs === ms)!.acknowledgedWrites;
    for (const second of [2_000, 3_000, 4_000]) {
      // 10 and 60 ms after the fsync started: returned long since, the next cron tick not yet come.
      for (const after of [10, 60]) {
        const report = await crashAt(ssd, second + after);
        expect(report.acknowledgedWrites).toBe(ackedAt(second + after));
        expect(report.lostWrites, `a power loss at ${second + after} ms`).toBeGreaterThanOrEqual(ackedAt(second + after) - ackedAt(second + 3));
        expect(report.lostWrites, `a power loss at ${second + after} ms`).toBeLessThanOrEqual(ackedAt(second + after) - ackedAt(second - 1));
        expect(report.lostWrites).toBeGreaterThan(0);
      }
    }
  });
});
