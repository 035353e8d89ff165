// Crash consistency: random workloads × every preset × random crash instants × each crash kind.
// Whatever survives must be a state the policy allows: a prefix of the acknowledged history
// (nothing from the future, nothing reordered) that keeps the policy's promise.
// CRASH_RUNS raises the count (`npm run fuzz:crash`).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { rdbCodec } from '../../src/engine/persistence/rdb-codec.js';
import { applyConfigText, Config } from '../../src/engine/config.js';
import { PRESETS } from '../../src/scenario/presets.js';
import { DEFAULT_SCENARIO, scenarioConfigText, type CrashKind, type Scenario } from '../../src/scenario/scenario.js';
import { exploreCrashes } from '../../src/sim/crash-explorer.js';
import { runScenario, type RunReport } from '../../src/sim/run-scenario.js';
import { MemoryStore } from '../../src/storage/memory-store.js';

const RUNS = Number(process.env.CRASH_RUNS ?? 2_000);

/**
 * Each policy's rule, stated here on its own terms (Redis's documentation and the kernel's
 * writeback), not by the judge under test: the reason a recovery breaks it, or null.
 */
function ruleBroken(scenario: Scenario, crash: CrashKind | 'none', report: RunReport): string | null {
  const config = new Config();
  applyConfigText(config, scenarioConfigText(scenario));
  const aof = config.getBool('appendonly');
  const fsync = config.get('appendfsync');
  const saves = config.get('save').trim() !== '';
  const lost = report.lostWrites;
  const window = report.lostWindowMs;
  const upTo = (ms: number) => (window <= ms ? null : `writes from ${window} ms before the crash lost, more than ${ms} ms`);
  if (report.recoveredFrom === 'replica') return upTo(scenario.replica!.linkDelayMs);
  if (crash === 'none' && (aof || saves)) return lost === 0 ? null : `${lost} writes lost on a clean shutdown`;
  if (!aof) return report.recoveredWrites === report.lastSnapshotWrites ? null : `recovered ${report.recoveredWrites}, the last snapshot held ${report.lastSnapshotWrites}`;
  if (fsync === 'always') return lost === 0 ? null : `${lost} writes lost although each was fsynced before its reply`;
  if (crash === 'process') return fsync === 'everysec' ? upTo(2_000) : lost === 0 ? null : `${lost} writes lost to a process crash`;
  return upTo(fsync === 'everysec' ? 2_000 : 35_000);
}

const scenarioArb: fc.Arbitrary<{ scenario: Scenario; crash: 'process' | 'power' | 'torn' | 'none'; crashAtMs: number; childBytesPerMs: number }> = fc
  .record({
    preset: fc.constantFrom(...PRESETS.map((p) => p.id)),
    // fast-check favours small values; spread these evenly instead.
    rate: fc.noBias(fc.integer({ min: 5, max: 400 })),
    keys: fc.integer({ min: 1, max: 40 }),
    distribution: fc.constantFrom('uniform' as const, 'zipf' as const),
    mix: fc.record({ set: fc.nat(5), incr: fc.nat(3), list: fc.nat(3), hash: fc.nat(3), sadd: fc.nat(3), zadd: fc.nat(3), del: fc.nat(2) }).filter((m) => Object.values(m).some((v) => v > 0)),
    durationMs: fc.noBias(fc.integer({ min: 200, max: 8_000 })),
    events: fc.array(fc.record({ at: fc.integer({ min: 0, max: 8_000 }), kind: fc.constantFrom('bgsave' as const, 'bgrewriteaof' as const) }), { maxLength: 3 }),
    // Small thresholds make automatic rewrites and save points fire inside short runs.
    extraConfig: fc.constantFrom('', 'auto-aof-rewrite-min-size 2000\nauto-aof-rewrite-percentage 50', 'save "1 1"'),
    seed: fc.nat(1_000_000),
    crash: fc.constantFrom('process' as const, 'power' as const, 'torn' as const, 'none' as const),
    crashPermille: fc.noBias(fc.integer({ min: 0, max: 1000 })),
    childBytesPerMs: fc.constantFrom(5, 50, 200_000),
    disk: fc.constantFrom(undefined, 'ssd' as const),
    replica: fc.option(fc.record({ linkDelayMs: fc.integer({ min: 0, max: 500 }), lost: fc.boolean() }), { freq: 4 }),
  })
  .map((r) => ({
    scenario: {
      ...DEFAULT_SCENARIO,
      preset: r.preset,
      config: r.extraConfig,
      workload: { ...DEFAULT_SCENARIO.workload, rate: r.rate, keys: r.keys, distribution: r.distribution, mix: r.mix },
      events: r.events.sort((a, b) => a.at - b.at),
      durationMs: r.durationMs,
      seed: r.seed,
      ...(r.disk ? { disk: r.disk } : {}),
      ...(r.replica ? { replica: r.replica } : {}),
    },
    crash: r.crash,
    crashAtMs: Math.round((r.crashPermille / 1000) * r.durationMs),
    childBytesPerMs: r.childBytesPerMs,
  }));

describe('crash consistency', () => {
  it(`every recovery is a prefix of history that keeps the policy's promise (${RUNS.toLocaleString('en')} runs)`, async () => {
    const seen = { lost: 0, torn: 0, snapshots: 0, rewrites: 0, failovers: 0 };
    await fc.assert(
      fc.asyncProperty(scenarioArb, async ({ scenario, crash, crashAtMs, childBytesPerMs }) => {
        const report = await runScenario(scenario, { backend: new MemoryStore(), rdb: rdbCodec, crash, crashAtMs, childBytesPerMs });
        expect(report.consistent, report.verdict).toBe(true);
        expect(ruleBroken(scenario, crash, report), `${report.policy} / ${crash}: ${report.verdict}`).toBeNull();
        // The judge's verdict agrees with the rule.
        expect(report.promiseHeld, `${report.policy} / ${crash}: ${report.verdict}`).toBe(true);
        expect(report.recoveredWrites + report.lostWrites).toBe(report.acknowledgedWrites);
        if (report.lostWrites > 0) seen.lost++;
        if (report.recoveredFrom === 'replica') seen.failovers++;
        if (report.truncatedBytes > 0) seen.torn++;
        seen.snapshots += report.stats.snapshots;
        seen.rewrites += report.stats.rewrites;
      }),
      { numRuns: RUNS },
    );
    // The generator must reach the interesting cases, or the property proves little.
    expect(seen.lost).toBeGreaterThan(RUNS / 10);
    expect(seen.torn).toBeGreaterThan(0);
    expect(seen.snapshots).toBeGreaterThan(RUNS / 40);
    expect(seen.rewrites).toBeGreaterThan(RUNS / 40);
    expect(seen.failovers).toBeGreaterThan(RUNS / 20);
  }, 900_000);

  it('a slow disk delays everysec writes, counts aof_delayed_fsync and breaks the 2-second promise at some instants', async () => {
    const lines: string[] = [];
    const scenario: Scenario = { ...DEFAULT_SCENARIO, preset: 'aof-everysec', disk: 'slow', durationMs: 30_000, seed: 3, events: [] };
    const delayed = await runScenario(scenario, { backend: new MemoryStore(), rdb: rdbCodec, log: (l) => lines.push(l), crash: 'power' });
    expect(lines).toContain('Asynchronous AOF fsync is taking too long (disk is busy?). Writing the AOF buffer without waiting for fsync to complete, this may slow down Redis.');
    expect(delayed.stats.delayedFsyncs).toBeGreaterThan(0);
    const curve = await exploreCrashes(scenario, { points: 60, kinds: ['power'], backend: () => new MemoryStore(), rdb: rdbCodec });
    // Every verdict is honest about the window it measured, and a stalled fsync does break the promise.
    for (const point of curve) expect(point.promiseHeld).toBe(point.lostWindowMs <= 2_000);
    expect(curve.some((point) => !point.promiseHeld)).toBe(true);
  });

  it('skipping the cron ticks the server says are idle changes nothing in any report', async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArb, async ({ scenario, crash, crashAtMs, childBytesPerMs }) => {
        const run = async (everyCronTick: boolean) => {
          const { recoveryMs: _measured, ...report } = await runScenario(scenario, { backend: new MemoryStore(), rdb: rdbCodec, crash, crashAtMs, childBytesPerMs, everyCronTick });
          return report;
        };
        expect(await run(false)).toEqual(await run(true));
      }),
      { numRuns: Math.max(50, RUNS / 10) },
    );
  }, 900_000);

  it('replays deterministically: the same scenario gives the same report apart from measured time', async () => {
    const scenario: Scenario = { ...DEFAULT_SCENARIO, preset: 'hybrid', durationMs: 6_000, events: [{ at: 1_000, kind: 'bgsave' }, { at: 3_000, kind: 'bgrewriteaof' }, { at: 5_500, kind: 'crash', crash: 'torn' }] };
    const run = async () => {
      const { recoveryMs: _ignored, ...rest } = await runScenario(scenario, { backend: new MemoryStore(), rdb: rdbCodec, childBytesPerMs: 50 });
      return rest;
    };
    const first = await run();
    expect(first.lostWrites).toBeGreaterThan(0);
    expect(await run()).toEqual(first);
  });
});
