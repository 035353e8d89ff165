// The gate an OPFS store puts around its calls: whatever mix of calls starts at once, a call that
// must run alone (rename, delete) never overlaps another, shared calls overlap freely, and every
// call ends.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ExclusiveGate } from '../../src/storage/exclusive-gate.js';

const pause = (turns: number) => Array.from({ length: turns }).reduce<Promise<void>>((p) => p.then(() => undefined), Promise.resolve());

describe('ExclusiveGate', () => {
  it('runs an exclusive call alone and every call to its end', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 5 })), { minLength: 1, maxLength: 30 }), async (calls) => {
        const gate = new ExclusiveGate();
        let shared = 0;
        let alone = 0;
        let maxShared = 0;
        const ended: number[] = [];
        const started = calls.map(async ([exclusive, delay, work], i) => {
          await pause(delay);
          const body = async () => {
            if (exclusive) {
              alone++;
              expect(shared).toBe(0);
              expect(alone).toBe(1);
            } else {
              shared++;
              expect(alone).toBe(0);
              maxShared = Math.max(maxShared, shared);
            }
            await pause(work);
            if (exclusive) alone--;
            else shared--;
            ended.push(i);
          };
          await (exclusive ? gate.alone(body) : gate.share(body));
        });
        await Promise.all(started);
        expect(ended.length).toBe(calls.length);
        if (calls.every(([exclusive]) => !exclusive) && calls.length > 1 && calls.every(([, delay, work]) => delay === 0 && work > 0)) expect(maxShared).toBe(calls.length);
      }),
      { numRuns: 300 },
    );
  });
});
