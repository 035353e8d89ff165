// The incremental memory measure maxmemory uses against a full recount: after any command of the
// differential generators (with a limit no command reaches), the keys a command changed were all
// signalled, so both agree. The sliced scan the live telemetry uses ends each pass on the same
// figure, however small its slices and however many databases hold keys.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { systemClock } from '../../src/engine/clock.js';
import { Engine } from '../../src/engine/engine.js';
import { estimateMemory, UsedMemoryScan } from '../../src/engine/eviction.js';
import { mixedCommandArb } from '../oracle/groups/all.js';
import { sortCommandArb } from '../oracle/groups/sort.js';

describe('MemoryMeter', () => {
  it('keeps the same estimate as a full recount, command after command', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(mixedCommandArb, sortCommandArb), { minLength: 1, maxLength: 80 }), (commands) => {
        const engine = new Engine({ clock: systemClock });
        const client = engine.createClient();
        engine.execute(client, ['CONFIG', 'SET', 'maxmemory', '1gb']);
        for (const argv of commands) {
          // The generators may lower the limit; this test is about the measure, not evictions.
          if (argv[0]!.toUpperCase() === 'CONFIG') continue;
          engine.execute(client, argv);
          expect(engine.estimatedMemory(), argv.join(' ')).toBe(estimateMemory(engine.dbs));
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe('UsedMemoryScan', () => {
  it('ends every pass on the full recount, a slice at a time, null in between', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(mixedCommandArb, sortCommandArb), { minLength: 1, maxLength: 60 }), fc.integer({ min: 1, max: 7 }), (commands, budget) => {
        const engine = new Engine({ clock: systemClock });
        const client = engine.createClient();
        for (const argv of commands) engine.execute(client, argv);
        const scan = new UsedMemoryScan(engine.dbs);
        for (let pass = 0; pass < 2; pass++) {
          const keys = engine.dbs.reduce((sum, db) => sum + db.size, 0);
          // A pass needs ceil(keys / budget) steps, plus one more when the last slice was full.
          const steps = Math.floor(keys / budget) + 1;
          for (let i = 1; i < steps; i++) expect(scan.step(budget)).toBeNull();
          expect(scan.step(budget)).toBe(estimateMemory(engine.dbs));
        }
      }),
      { numRuns: 200 },
    );
  });
});
