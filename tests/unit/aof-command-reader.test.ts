// The AOF command reader: any split of the bytes reads the same commands; a cut anywhere is a
// truncation at the last complete command; garbage is a format error with its offset.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AofCommandReader, type AofReadResult } from '../../src/engine/aof/command-reader.js';
import { encodeArgv } from '../support/redis-server.js';

const argvArb = fc.array(fc.uint8Array({ maxLength: 12 }).map((b) => String.fromCharCode(...b)), { minLength: 1, maxLength: 5 });

function readAll(bytes: Uint8Array, cuts: number[]): AofReadResult[] {
  const reader = new AofCommandReader();
  const out: AofReadResult[] = [];
  let previous = 0;
  for (const cut of [...cuts.filter((c) => c > 0 && c < bytes.length).sort((a, b) => a - b), bytes.length]) {
    reader.push(bytes.subarray(previous, cut));
    previous = cut;
    for (let r = reader.next(); r.kind === 'command'; r = reader.next()) out.push(r);
  }
  reader.finish();
  for (let r = reader.next(); ; r = reader.next()) {
    out.push(r);
    if (r.kind !== 'command') break;
  }
  return out;
}

describe('AofCommandReader', () => {
  it('reads back any commands across any chunk boundaries, skipping annotations', () => {
    fc.assert(
      fc.property(fc.array(argvArb, { maxLength: 8 }), fc.array(fc.nat(400), { maxLength: 6 }), (commands, cuts) => {
        const text = commands.map((argv, i) => (i % 3 === 0 ? '#TS:1700000000\r\n' : '') + encodeArgv(argv).toString('latin1')).join('');
        const bytes = Uint8Array.from(text, (c) => c.charCodeAt(0));
        const results = readAll(bytes, cuts);
        expect(results.at(-1)?.kind).toBe('eof');
        expect(results.filter((r) => r.kind === 'command').map((r) => (r as { argv: string[] }).argv)).toEqual(commands);
      }),
    );
  });

  it('reports a cut inside a command as truncation at the last complete command', () => {
    fc.assert(
      fc.property(fc.array(argvArb, { minLength: 1, maxLength: 5 }), fc.nat(), (commands, seed) => {
        const encoded = commands.map((argv) => encodeArgv(argv));
        const ends: number[] = [];
        let total = 0;
        for (const e of encoded) ends.push((total += e.length));
        const cut = seed % total;
        const bytes = new Uint8Array(Buffer.concat(encoded)).subarray(0, cut);
        const results = readAll(bytes, []);
        const lastEnd = [0, ...ends].filter((e) => e <= cut).at(-1)!;
        const last = results.at(-1)!;
        if (lastEnd === cut) expect(last.kind).toBe('eof');
        else expect(last).toEqual({ kind: 'truncated', offset: lastEnd });
      }),
    );
  });

  it('does not check the two bytes after an argument, like Redis', () => {
    const bytes = Uint8Array.from('*1\r\n$4\r\nPINGxx', (c) => c.charCodeAt(0));
    expect(readAll(bytes, []).map((r) => r.kind)).toEqual(['command', 'eof']);
  });

  it('gives a format error with the offset for garbage', () => {
    const bytes = Uint8Array.from('*1\r\n$4\r\nPING\r\nGARBAGE\r\n', (c) => c.charCodeAt(0));
    const results = readAll(bytes, []);
    expect(results.at(-1)).toMatchObject({ kind: 'format-error', offset: 14 });
    const badArgc = readAll(Uint8Array.from('*0\r\n', (c) => c.charCodeAt(0)), []);
    expect(badArgc.at(-1)).toMatchObject({ kind: 'format-error', offset: 0 });
    const missingDollar = readAll(Uint8Array.from('*2\r\n$1\r\na\r\nxx\r\n', (c) => c.charCodeAt(0)), []);
    expect(missingDollar.at(-1)).toMatchObject({ kind: 'format-error', offset: 11 });
  });

  it('never throws or hangs on random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.array(fc.nat(300), { maxLength: 4 }), (bytes, cuts) => {
        const results = readAll(bytes, cuts);
        expect(['eof', 'truncated', 'format-error']).toContain(results.at(-1)!.kind);
      }),
      { numRuns: 2000 },
    );
  });
});
