// The quicklist model against a plain array: whatever the operations and node limits, the list
// holds the same elements in the same order, and every node keeps quicklist.c's invariants (no
// empty node, a listpack size that is its header plus its entries, within the limit it was
// filled to unless a single element is larger).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Quicklist } from '../../src/engine/keyspace/quicklist.js';
import { ListpackBuilder } from '../../src/engine/rdb/listpack.js';

type Op =
  | { kind: 'pushBack' | 'pushFront'; value: string }
  | { kind: 'popBack' | 'popFront' }
  | { kind: 'insert'; at: number; after: boolean; value: string }
  | { kind: 'set'; at: number; value: string }
  | { kind: 'deleteAt'; at: number }
  | { kind: 'deleteRange'; at: number; count: number };

const valueArb = fc.oneof(fc.string({ maxLength: 8 }), fc.integer().map(String), fc.nat({ max: 2000 }).map((n) => 'x'.repeat(n)));
const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constantFrom('pushBack' as const, 'pushFront' as const), value: valueArb }),
  fc.record({ kind: fc.constantFrom('popBack' as const, 'popFront' as const) }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), after: fc.boolean(), value: valueArb }),
  fc.record({ kind: fc.constant('set' as const), at: fc.nat(), value: valueArb }),
  fc.record({ kind: fc.constant('deleteAt' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('deleteRange' as const), at: fc.nat(), count: fc.nat({ max: 10 }) }),
);

function apply(list: Quicklist, model: string[], op: Op): void {
  const n = model.length;
  switch (op.kind) {
    case 'pushBack':
      list.pushBack(op.value);
      model.push(op.value);
      return;
    case 'pushFront':
      list.pushFront(op.value);
      model.unshift(op.value);
      return;
    case 'popBack':
      expect(list.popBack()).toBe(model.pop());
      return;
    case 'popFront':
      expect(list.popFront()).toBe(model.shift());
      return;
    case 'insert':
      if (n === 0) return;
      list.insert(op.at % n, op.value, op.after);
      model.splice((op.at % n) + (op.after ? 1 : 0), 0, op.value);
      return;
    case 'set':
      if (n === 0) return;
      list.set(op.at % n, op.value);
      model[op.at % n] = op.value;
      return;
    case 'deleteAt':
      if (n === 0) return;
      list.deleteAt(op.at % n);
      model.splice(op.at % n, 1);
      return;
    case 'deleteRange':
      if (n === 0) return;
      list.deleteRange(op.at % n, op.count);
      model.splice(op.at % n, op.count);
      return;
  }
}

/** No empty node; each node's size is its listpack's, counted without unpacking it. */
function expectConsistentNodes(list: Quicklist): void {
  for (const node of list.nodeList()) {
    expect(node.length).toBeGreaterThan(0);
    const lp = new ListpackBuilder();
    node.forEach((item) => lp.add(item));
    expect(node.sz).toBe(lp.finish().length);
    expect(node.elements()).toHaveLength(node.length);
  }
}

describe('Quicklist', () => {
  it('holds what an array would, with consistent nodes, under any operations and limits', () => {
    fc.assert(
      fc.property(fc.constantFrom(-5, -2, -1, 0, 1, 2, 3, 128), fc.array(opArb, { maxLength: 120 }), (fill, ops) => {
        const list = new Quicklist({ fill, compress: 0 });
        const model: string[] = [];
        for (const op of ops) apply(list, model, op);
        expect(list.toArray()).toEqual(model);
        expect([...list]).toEqual(model);
        expect([...list.reversed()]).toEqual([...model].reverse());
        expect(list.length).toBe(model.length);
        model.forEach((v, i) => expect(list.get(i)).toBe(v));
        expect(list.slice(1, 4)).toEqual(model.slice(1, 4));
        expectConsistentNodes(list);
        expect(list.clone().toArray()).toEqual(model);
      }),
    );
  });

  it('behaves the same when it starts from packed nodes, as a list loaded from a file does', () => {
    const nodeArb = fc.array(valueArb, { minLength: 1, maxLength: 12 });
    fc.assert(
      fc.property(fc.constantFrom(-2, -1, 3, 128), fc.array(nodeArb, { maxLength: 4 }), fc.array(opArb, { maxLength: 60 }), (fill, nodes, ops) => {
        const list = new Quicklist({ fill, compress: 0 }).appendNodes(nodes);
        const model = nodes.flat();
        // Reads that walk a packed node must not need to unpack it.
        expect([...list]).toEqual(model);
        expect([...list.reversed()]).toEqual([...model].reverse());
        expect(list.clone().toArray()).toEqual(model);
        expectConsistentNodes(list);
        for (const op of ops) apply(list, model, op);
        expect(list.toArray()).toEqual(model);
        expect(list.length).toBe(model.length);
        model.forEach((v, i) => expect(list.get(i)).toBe(v));
        expectConsistentNodes(list);
      }),
    );
  });

  it('clamps the fill and the compress depth as quicklistSetOptions does', () => {
    expect(new Quicklist({ fill: -9, compress: -1 })).toMatchObject({ fill: -5, compress: 0 });
    expect(new Quicklist({ fill: 40000, compress: 70000 })).toMatchObject({ fill: 32767, compress: 65535 });
  });
});
