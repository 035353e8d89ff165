// Save points fire when serverCron finds them due: it compares whole seconds
// (server.unixtime − lastsave > seconds, both time_t), so `save 3 1` fires in the fourth second
// after the last save — 3 to 4 s after it, depending on where in its second the save was. A real
// redis-server run of public/scenarios/rdb-seconds.json (tests/cli/verify-real.test.ts) counts
// its snapshots the same way.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyConfigText, Config } from '../../src/engine/config.js';
import { rdbCodec } from '../../src/engine/persistence/rdb-codec.js';
import { PersistentServer } from '../../src/engine/persistence/server.js';
import { MemoryStore } from '../../src/storage/memory-store.js';
import { VirtualClock } from '../../src/sim/virtual-clock.js';

/** The instants (ms after the start) at which cron ticks every 100 ms start a snapshot, up to `untilMs`. */
async function snapshotTimes(startMs: number, save: string, untilMs: number): Promise<number[]> {
  const config = new Config();
  expect(applyConfigText(config, `appendonly no\nsave "${save}"`)).toEqual([]);
  const clock = new VirtualClock(startMs);
  const { server } = await PersistentServer.start({ disk: new MemoryStore(), config, clock, rdb: rdbCodec, log: () => {} });
  const taken: number[] = [];
  server.events.on((event) => {
    if (event.type === 'snapshot-taken') taken.push(event.at - startMs);
  });
  const client = server.engine.createClient();
  for (let t = 0; t <= untilMs; t += 100) {
    clock.advanceTo(startMs + t);
    await server.execute(client, ['INCR', 'n']);
    await server.cron();
  }
  return taken;
}

describe('save points', () => {
  it('"save 3 1" started on a second boundary fires at 4 s, then every 4 s', async () => {
    expect(await snapshotTimes(1_800_000_000_000, '3 1', 10_000)).toEqual([4_000, 8_000]);
  });

  it('started 0.7 s into a second it fires 3.3 s after the start, when the fourth second begins', async () => {
    expect((await snapshotTimes(1_800_000_000_700, '3 1', 5_000))[0]).toBe(3_300);
  });

  it('the first snapshot of "save N 1" comes N to N+1 s after the start, at the first tick of a whole second', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 0, max: 9 }), async (seconds, tenths) => {
        const start = 1_800_000_000_000 + tenths * 100;
        const [first] = await snapshotTimes(start, `${seconds} 1`, (seconds + 2) * 1000);
        expect(first).toBeGreaterThan(seconds * 1000);
        expect(first).toBeLessThanOrEqual((seconds + 1) * 1000);
        expect((start + first!) % 1000).toBe(0);
      }),
      { numRuns: 20 },
    );
  });
});
