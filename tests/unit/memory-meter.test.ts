// The incremental memory measure maxmemory uses against a full recount: after any command of the
// differential generators (with a limit no command reaches), the keys a command changed were all
// signalled, so both agree.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { systemClock } from '../../src/engine/clock.js';
import { Engine } from '../../src/engine/engine.js';
import { estimateMemory } from '../../src/engine/eviction.js';
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
