// The raw string that bit, range and HLL commands change in place: it reads as the bytes a
// plain Bin model says it holds, whatever mix of edits and reads, and a bitmap grown bit by bit
// to a million bits is not copied per SETBIT (its buffer is reallocated a logarithmic number
// of times), which kept SETBIT linear where a copied Bin made it quadratic.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { systemClock } from '../../src/engine/clock.js';
import { Engine } from '../../src/engine/engine.js';
import { RawString } from '../../src/engine/keyspace/raw-string.js';

type Op =
  | { kind: 'resize'; length: number }
  | { kind: 'write'; at: number; byte: number }
  | { kind: 'read' }
  | { kind: 'copy' };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('resize' as const), length: fc.nat({ max: 300 }) }),
  fc.record({ kind: fc.constant('write' as const), at: fc.nat({ max: 299 }), byte: fc.nat({ max: 255 }) }),
  fc.record({ kind: fc.constant('read' as const) }),
  fc.record({ kind: fc.constant('copy' as const) }),
);

describe('RawString', () => {
  it('always reads as the bytes a plain string model holds', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 50 }).map((s) => s.replace(/[^\x00-\xff]/g, 'x')), fc.array(opArb, { maxLength: 40 }), (initial, ops) => {
        let raw = new RawString(initial);
        let model = initial;
        for (const op of ops) {
          if (op.kind === 'resize') {
            raw.resize(op.length);
            model = op.length <= model.length ? model.slice(0, op.length) : model + '\0'.repeat(op.length - model.length);
          } else if (op.kind === 'write' && op.at < model.length) {
            raw.writable()[op.at] = op.byte;
            model = model.slice(0, op.at) + String.fromCharCode(op.byte) + model.slice(op.at + 1);
          } else if (op.kind === 'copy') {
            raw = raw.copy();
          }
          expect(raw.length).toBe(model.length);
          if (op.kind === 'read') expect(raw.value).toBe(model);
          expect(raw.slice(1, 7)).toBe(model.slice(1, 7));
          expect(raw.charCodeAt(3)).toBe(model.charCodeAt(3));
          expect(raw.byteAfterEnd()).toBe(0);
        }
        expect(raw.value).toBe(model);
        expect(Array.from(raw.bytes())).toEqual(Array.from(model, (c) => c.charCodeAt(0)));
      }),
    );
  });

  it('grows a million-bit bitmap in place: a handful of reallocations, not one copy per SETBIT', () => {
    const engine = new Engine({ clock: systemClock });
    const client = engine.createClient();
    engine.execute(client, ['SETBIT', 'bitmap', '0', '1']);
    const value = engine.dbs[0]!.dict.get('bitmap') as RawString;
    const buffers = new Set<ArrayBufferLike>();
    for (let bit = 1; bit < 1_000_000; bit++) {
      engine.execute(client, ['SETBIT', 'bitmap', String(bit), String(bit % 3 === 0 ? 1 : 0)]);
      if (bit % 1000 === 0) buffers.add(value.bytes().buffer);
    }
    expect(engine.dbs[0]!.dict.get('bitmap')).toBe(value);
    expect(buffers.size).toBeLessThan(25);
    expect(engine.execute(client, ['STRLEN', 'bitmap'])).toEqual({ kind: 'int', value: 125_000 });
    expect(engine.execute(client, ['BITCOUNT', 'bitmap'])).toEqual({ kind: 'int', value: 333_334 });
    expect(engine.execute(client, ['OBJECT', 'ENCODING', 'bitmap'])).toEqual({ kind: 'bulk', value: 'raw' });
  });
});
