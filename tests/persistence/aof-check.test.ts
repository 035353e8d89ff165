// The lab's redis-check-aof against the real one: for random files of complete commands,
// MULTI/EXEC blocks, garbage and torn tails, both report the same ok_up_to, and --fix cuts
// the file to the same size.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { checkAofFile, fixAofFile } from '../../src/engine/aof/check.js';
import { systemClock } from '../../src/engine/clock.js';
import { Engine } from '../../src/engine/engine.js';
import { encodeCommand } from '../../src/engine/resp/encoder.js';
import { NodeFsStore } from '../../src/storage/node-fs-store.js';

const dir = mkdtempSync(join(tmpdir(), 'lab-check-aof-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const scratch = () => new Engine({ clock: systemClock });

const piece = fc.oneof(
  { weight: 6, arbitrary: fc.tuple(fc.constantFrom('SET', 'INCR', 'RPUSH'), fc.string({ unit: 'binary-ascii', maxLength: 8 })).map(([c, k]) => encodeCommand(c === 'SET' ? [c, k, 'v'] : c === 'RPUSH' ? [c, k, 'a', 'b'] : [c, k])) },
  { weight: 2, arbitrary: fc.constant(encodeCommand(['MULTI'])) },
  { weight: 2, arbitrary: fc.constant(encodeCommand(['EXEC'])) },
  { weight: 1, arbitrary: fc.constantFrom('garbage\r\n', '*x\r\n', '*2\r\n$3\r\nSET\r\n#1\r\n', '*1\r\n$4\r\nPING\r\r') },
);

function redisCheck(path: string, fix: boolean): { okUpTo: number | null; valid: boolean; output: string } {
  const result = spawnSync('redis-check-aof', fix ? ['--fix', path] : [path], { input: 'y\n', encoding: 'latin1' });
  const output = result.stdout + result.stderr;
  const match = /ok_up_to=(\d+)/.exec(output);
  return { okUpTo: match ? Number(match[1]) : null, valid: result.status === 0 && /is (valid|empty)/.test(output), output };
}

describe('checkAofFile / fixAofFile vs redis-check-aof', () => {
  it('agree on ok_up_to and the fixed size for random files', async () => {
    const disk = new NodeFsStore(dir);
    let case_ = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(piece, { maxLength: 12 }), fc.nat(60), async (pieces, tear) => {
        const whole = pieces.join('');
        const text = whole.slice(0, Math.max(0, whole.length - (tear % 3 === 0 ? tear : 0)));
        const name = `case-${case_++}.aof`;
        writeFileSync(join(dir, name), Buffer.from(text, 'latin1'));
        const redis = redisCheck(join(dir, name), false);
        const lab = await checkAofFile(disk, name, scratch);
        if (redis.valid) {
          expect(lab.problem, redis.output).toBeNull();
          return;
        }
        expect(lab.problem, redis.output).not.toBeNull();
        expect(lab.okUpTo, redis.output).toBe(redis.okUpTo);
        const copy = `${name}.redis`;
        writeFileSync(join(dir, copy), Buffer.from(text, 'latin1'));
        redisCheck(join(dir, copy), true);
        await fixAofFile(disk, name, scratch);
        expect(statSync(join(dir, name)).size).toBe(statSync(join(dir, copy)).size);
        expect(readFileSync(join(dir, name))).toEqual(readFileSync(join(dir, copy)));
      }),
      { numRuns: 150 },
    );
    // 300 runs of redis-check-aof as processes: a busy machine needs minutes, not seconds.
  }, 300_000);
});
