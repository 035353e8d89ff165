// aof_buf is built as bytes: for any propagated units (binary arguments, lengths of every digit
// count, database changes, takes and failed writes put back in between, written buffers handed
// back for reuse) its bytes are exactly the RESP encoding of the commands with a SELECT before
// each change of database, and its per-command counts are the commands fed.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AofFeed } from '../../src/engine/aof/feed.js';
import { Engine, type PropagatedCommand } from '../../src/engine/engine.js';
import { encodeCommand } from '../../src/engine/resp/encoder.js';

const byteString = (maxLength: number) => fc.array(fc.integer({ min: 0, max: 255 }), { maxLength }).map((codes) => String.fromCharCode(...codes));
const nameArb = fc.constantFrom('SET', 'set', 'DEL', 'HSET', 'PING');
const argArb = fc.oneof({ weight: 5, arbitrary: byteString(12) }, { weight: 1, arbitrary: fc.constantFrom(9, 10, 99, 100, 65_536, 70_000).map((n) => 'v'.repeat(n)) });
const commandArb: fc.Arbitrary<PropagatedCommand> = fc.record({ db: fc.integer({ min: -1, max: 15 }), argv: fc.tuple(nameArb, fc.array(argArb, { maxLength: 11 })).map(([name, args]) => [name, ...args]) });
const stepArb = fc.oneof(
  { weight: 6, arbitrary: fc.array(commandArb, { minLength: 1, maxLength: 4 }).map((unit) => ({ kind: 'unit' as const, unit })) },
  { weight: 1, arbitrary: fc.constant({ kind: 'take' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'take-and-restore' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'counts' as const }) },
);

describe('AofFeed', () => {
  it('holds the RESP of every propagated command, a SELECT before each change of database', () => {
    fc.assert(
      fc.property(fc.array(stepArb, { maxLength: 40 }), (steps) => {
        const feed = new AofFeed(new Engine({ clock: { now: () => 0 } }));
        let expected = '';
        let written = '';
        let selected = -1;
        let counts: Record<string, number> = {};
        const count = (name: string) => (counts[name.toUpperCase()] = (counts[name.toUpperCase()] ?? 0) + 1);
        for (const step of steps) {
          if (step.kind === 'unit') {
            feed.feed(step.unit);
            for (const { db, argv } of step.unit) {
              if (db !== -1 && db !== selected) {
                expected += encodeCommand(['SELECT', String(db)]);
                selected = db;
              }
              expected += encodeCommand(argv);
              count(argv[0]!);
            }
          } else if (step.kind === 'take') {
            const bytes = feed.take();
            written += Buffer.from(bytes).toString('latin1');
            // Written: its buffer may hold a later turn.
            feed.recycle(bytes);
          } else if (step.kind === 'counts') {
            expect(feed.takeCounts()).toEqual(counts);
            counts = {};
          } else {
            const bytes = feed.take();
            feed.feed([{ db: selected === -1 ? -1 : selected, argv: ['PING'] }]);
            expected += encodeCommand(['PING']);
            count('PING');
            feed.restore(bytes);
            feed.recycle(bytes);
          }
          expect(feed.length).toBe(expected.length - written.length);
        }
        expect(Buffer.from(feed.take()).toString('latin1')).toBe(expected.slice(written.length));
      }),
      { numRuns: 150 },
    );
  });
});
