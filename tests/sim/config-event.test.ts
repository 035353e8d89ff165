// A directive changed at run time (a scenario's config event): CONFIG SET at its instant, kept for
// the restart as CONFIG REWRITE keeps it, and the promise judged is the one in force at the crash.
import { describe, expect, it } from 'vitest';
import { rdbCodec } from '../../src/engine/persistence/rdb-codec.js';
import { DEFAULT_SCENARIO, type Scenario } from '../../src/scenario/scenario.js';
import { runScenario } from '../../src/sim/run-scenario.js';
import { MemoryStore } from '../../src/storage/memory-store.js';

const base: Scenario = { ...DEFAULT_SCENARIO, preset: 'none', durationMs: 6_000, events: [{ at: 5_000, kind: 'crash', crash: 'process' }] };
const run = (scenario: Scenario) => runScenario(scenario, { backend: new MemoryStore(), rdb: rdbCodec });

describe('config events', () => {
  it('appendonly switched on at run time: from then on the AOF keeps every write through a process crash', async () => {
    const without = await run(base);
    expect(without.policy).toBe('none');
    expect(without.recoveredWrites).toBe(0);
    const report = await run({ ...base, events: [{ at: 2_000, kind: 'config', directive: 'appendonly yes' }, ...base.events] });
    expect(report.policy).toBe('aof-everysec');
    expect(report.lostWrites).toBe(0);
    expect(report.recoveredWrites).toBe(report.acknowledgedWrites);
    expect(report.promiseHeld).toBe(true);
    expect(report.files.some((f) => f.name.startsWith('appendonlydir/'))).toBe(true);
  });

  it('appendfsync switched from everysec to always: what everysec left unsynced is fsynced before the reply, as Redis does in the next beforeSleep', async () => {
    // A slow workload, so the power loss 1 ms after the switch comes before any write under always.
    const everysec: Scenario = { ...DEFAULT_SCENARIO, preset: 'aof-everysec', disk: 'fast', durationMs: 10_000, workload: { ...DEFAULT_SCENARIO.workload, rate: 20 } };
    const crashAt = (at: number) => ({ at, kind: 'crash' as const, crash: 'power' as const });
    const unswitched = await run({ ...everysec, events: [crashAt(9_501)] });
    expect(unswitched.lostWrites).toBeGreaterThan(0);
    const report = await run({ ...everysec, events: [{ at: 9_500, kind: 'config', directive: 'appendfsync always' }, crashAt(9_501)] });
    expect(report.policy).toBe('aof-always');
    expect(report.acknowledgedWrites).toBe(unswitched.acknowledgedWrites);
    expect(report.lostWrites).toBe(0);
    expect(report.promiseHeld).toBe(true);
  });

  it('a directive CONFIG SET refuses stops the run and says which', async () => {
    await expect(run({ ...base, events: [{ at: 1_000, kind: 'config', directive: 'appendfsync sometimes' }, ...base.events] })).rejects.toThrow(
      /the scenario's CONFIG SET appendfsync sometimes at 1000 ms was refused: ERR CONFIG SET failed \(possibly related to argument 'appendfsync'\)/,
    );
  });
});
