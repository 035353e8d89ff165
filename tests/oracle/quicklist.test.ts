// Quicklist node boundaries against redis-server 7.0: lists of elements of any size from 1 byte to
// a few KB, under byte and entry limits, pushed, popped, trimmed, removed from and inserted into
// (LINSERT splits full nodes and merges neighbours at the size limits), compared after every
// step by DEBUG OBJECT (node count, average, total listpack bytes) and at the end by DUMP.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { type Step, runDifferential } from '../support/differential.js';
import { RedisServer } from '../support/redis-server.js';
import { copyDumpRules } from './groups/copy-dump.js';

let redis: RedisServer;
beforeAll(async () => {
  redis = await RedisServer.start();
});
afterAll(async () => {
  await redis?.stop();
});

interface Op {
  kind: 'rpush' | 'lpush' | 'insert' | 'lpop' | 'rpop' | 'trim' | 'set';
  size: number;
  after: boolean;
  pick: number;
}

const opArb: fc.Arbitrary<Op> = fc.record({
  kind: fc.constantFrom<Op['kind']>('rpush', 'rpush', 'lpush', 'insert', 'insert', 'insert', 'lpop', 'rpop', 'trim', 'set'),
  size: fc.oneof(fc.integer({ min: 1, max: 60 }), fc.integer({ min: 1, max: 3000 })),
  after: fc.boolean(),
  pick: fc.nat(),
});

/**
 * The commands for `ops`, with a plain array standing for the list so that every LINSERT names
 * an element that is there (elements are distinct: a number, then padding to their size).
 */
function commands(ops: readonly Op[]): string[][] {
  const model: string[] = [];
  let next = 0;
  const fresh = (size: number) => `e${next++}:`.padEnd(size, 'x');
  const out: string[][] = [];
  for (const op of ops) {
    if (op.kind === 'rpush' || op.kind === 'lpush') {
      const v = fresh(op.size);
      if (op.kind === 'rpush') model.push(v);
      else model.unshift(v);
      out.push([op.kind.toUpperCase(), 'l', v]);
    } else if (op.kind === 'insert' && model.length > 0) {
      const at = op.pick % model.length;
      const v = fresh(op.size);
      out.push(['LINSERT', 'l', op.after ? 'AFTER' : 'BEFORE', model[at]!, v]);
      model.splice(op.after ? at + 1 : at, 0, v);
    } else if (op.kind === 'lpop' && model.length > 0) {
      model.shift();
      out.push(['LPOP', 'l']);
    } else if (op.kind === 'rpop' && model.length > 0) {
      model.pop();
      out.push(['RPOP', 'l']);
    } else if (op.kind === 'trim' && model.length > 2) {
      model.splice(0, 1);
      model.pop();
      out.push(['LTRIM', 'l', '1', '-2']);
    } else if (op.kind === 'set' && model.length > 0) {
      const at = op.pick % model.length;
      model[at] = fresh(op.size);
      out.push(['LSET', 'l', String(at), model[at]!]);
    }
  }
  return out;
}

/**
 * Found by searching for inserts whose merge decision sits within a few bytes of the 4 KB limit:
 * it tells the real merge estimate (two nodes' bytes less 11) from any other.
 */
const MERGE_AT_THE_LIMIT: Op[] = [
  ...[217, 1306, 553, 1292].map((size): Op => ({ kind: 'rpush', size, after: false, pick: 0 })),
  { kind: 'insert', size: 1095, after: false, pick: 3 },
  { kind: 'insert', size: 899, after: false, pick: 3 },
];

describe('quicklist nodes against redis-server', () => {
  it('merges nodes exactly at the byte limit as redis does', async () => {
    const sequence: Step[] = [['CONFIG', 'SET', 'list-max-listpack-size', '-1']];
    for (const argv of commands(MERGE_AT_THE_LIMIT)) sequence.push(argv, ['DEBUG', 'OBJECT', 'l'], ['DUMP', 'l']);
    const result = await runDifferential(redis, sequence, copyDumpRules);
    if (!result.ok) throw new Error(result.message);
  });

  it('split and merge at the same elements under byte and entry limits', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('-1', '-2', '3', '5', '100'), fc.array(opArb, { minLength: 20, maxLength: 50 }), async (fill, ops) => {
        const sequence: Step[] = [['CONFIG', 'SET', 'list-max-listpack-size', fill]];
        for (const argv of commands(ops)) sequence.push(argv, ['DEBUG', 'OBJECT', 'l']);
        sequence.push(['DUMP', 'l']);
        const result = await runDifferential(redis, sequence, copyDumpRules);
        if (!result.ok) throw new Error(result.message);
      }),
      { numRuns: 150 },
    );
  }, 600_000);
});
