// The loader's direct transcoders (src/engine/rdb/packed-values.ts, packed-zsets.ts) against the general path
// they shortcut: a small sorted set's listpack, an intset and the members of a small set go
// from the file's bytes into the packed form; whatever the blob holds, the result reads exactly
// as decoding it to strings and building the value from them, or the transcoder declines and
// leaves it to that path. Big sorted sets (kept packed until a command touches them) come back
// from a saved file reading and changing as the ones ZADD built. Blobs sit at an offset inside a bigger buffer, as they do in the
// reader's buffer.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bytesToBin } from '../../src/engine/bytes.js';
import { systemClock } from '../../src/engine/clock.js';
import { datasetDigest } from '../../src/engine/digest.js';
import { Engine } from '../../src/engine/engine.js';
import { DEFAULT_LIMITS } from '../../src/engine/keyspace/limits.js';
import { ZSetValue, type ZEntry } from '../../src/engine/keyspace/values.js';
import { decodeIntset, encodeIntset } from '../../src/engine/rdb/intset.js';
import { decodeListpack, ListpackBuilder } from '../../src/engine/rdb/listpack.js';
import { setOf } from '../../src/engine/rdb/newer-types.js';
import { intsetSet } from '../../src/engine/rdb/packed-values.js';
import { listpackZset } from '../../src/engine/rdb/packed-zsets.js';
import { loadRdb } from '../../src/engine/rdb/reader.js';
import { rdbChunks } from '../../src/engine/rdb/writer.js';
import { parseStrtod } from '../../src/engine/util/numbers.js';

const fail = (problem: string): never => {
  throw new Error(problem);
};

/** `blob` copied into a larger buffer at `offset`, with junk around it. */
function embedded(blob: Uint8Array, offset: number): { bytes: Uint8Array; start: number; end: number } {
  const bytes = new Uint8Array(offset + blob.length + 7).fill(0xab);
  bytes.set(blob, offset);
  return { bytes, start: offset, end: offset + blob.length };
}

const memberArb = fc.oneof(
  fc.constantFrom('', 'a', 'm1', '10', '-3', '007', '1.5', '\x00', '\xff'),
  fc.integer({ min: -70000, max: 70000 }).map(String),
  fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 20 }).map((codes) => String.fromCharCode(...codes)),
);

// Score text as a file may hold it: integers (which listpacks store as integers), plain
// decimals of every length, and forms only strtod reads (exponents, inf, a leading '+').
const scoreTextArb = fc.oneof(
  fc.integer({ min: -1e9, max: 1e9 }).map(String),
  fc.tuple(fc.integer({ min: -99999, max: 99999 }), fc.nat({ max: 999999999 }), fc.nat({ max: 12 })).map(([i, f, pad]) => `${i}.${'0'.repeat(pad)}${f}`),
  fc.double({ noNaN: true }).map(String),
  fc.constantFrom('-0', '0.1', '.5', '-.25', '1e3', '+2', 'inf', '-inf', '123456789012345.6', '9007199254740993', '0.30000000000000004', '1.'),
);

describe('a small sorted set straight from its listpack', () => {
  it('reads as the decoded entries would build it, or declines', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(memberArb, scoreTextArb), { maxLength: 140 }), fc.boolean(), fc.nat({ max: 9 }), (pairs, sortFirst, offset) => {
        let entries = pairs.map(([member, text]) => ({ member, text, score: parseStrtod(text) }));
        if (sortFirst) entries = [...entries].sort((a, b) => (a.score ?? 0) - (b.score ?? 0) || (a.member < b.member ? -1 : a.member > b.member ? 1 : 0));
        const lp = new ListpackBuilder();
        for (const e of entries) {
          lp.add(e.member);
          lp.add(e.text);
        }
        const { bytes, start, end } = embedded(lp.finish(), offset);
        let transcoded: ZSetValue | null | undefined;
        try {
          transcoded = listpackZset(bytes, start, end, DEFAULT_LIMITS, fail);
        } catch {
          // Only a malformed listpack throws, and the builder makes none.
          expect.unreachable();
        }
        if (entries.length === 0) {
          expect(transcoded).toBeNull();
          return;
        }
        const usual = entries.length <= 128 && new Set(entries.map((e) => e.member)).size === entries.length && entries.every((e) => e.score !== null);
        // What redis writes (in order, distinct members, numbers) is taken, not declined.
        if (sortFirst && usual) expect(transcoded).toBeDefined();
        if (transcoded === undefined) return;
        // Declining is always allowed; accepting means the general path would give the same set.
        const flat = decodeListpack(bytes.subarray(start, end)) as string[];
        const general: ZEntry[] = [];
        for (let i = 0; i < flat.length; i += 2) general.push({ member: flat[i]!, score: parseStrtod(flat[i + 1]!)! });
        expect(general.every((e) => e.score !== null && !Number.isNaN(e.score))).toBe(true);
        const built = ZSetValue.fromEntries(general, 'listpack');
        expect(built.size).toBe(general.length);
        const plain = (z: ZSetValue) => z.ordered().map((e) => [e.member, Object.is(e.score, -0) ? 0 : e.score]);
        expect(plain(transcoded!)).toEqual(plain(built));
        expect(transcoded!.size).toBe(built.size);
        for (const e of transcoded!.ordered()) expect(Object.is(e.score, -0)).toBe(false);
      }),
      { numRuns: 400 },
    );
  });

  it('takes what redis writes: ordered, integral scores as integers', () => {
    const lp = new ListpackBuilder();
    for (const [m, s] of [['a', '-1.5'], ['b', '0'], ['c', '1'], ['d', '1'], ['e', '2.25'], ['f', '1e20']] as const) {
      lp.add(m);
      lp.add(s);
    }
    const { bytes, start, end } = embedded(lp.finish(), 3);
    const zset = listpackZset(bytes, start, end, DEFAULT_LIMITS, fail);
    expect(zset).toBeInstanceOf(ZSetValue);
    expect(zset!.ordered().map((e) => [e.member, e.score])).toEqual([['a', -1.5], ['b', 0], ['c', 1], ['d', 1], ['e', 2.25], ['f', 1e20]]);
  });
});

describe('a small set straight from its intset', () => {
  it('holds the members the decoded intset holds, in the same order, or declines', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.oneof(fc.integer({ min: -40000, max: 40000 }), fc.integer()), { minLength: 1, maxLength: 140 }), fc.nat({ max: 9 }), (values, offset) => {
        const blob = encodeIntset(values.map(String));
        const { bytes, start, end } = embedded(blob, offset);
        const set = intsetSet(bytes, start, end, DEFAULT_LIMITS);
        if (values.length > 128) {
          expect(set).toBeUndefined();
          return;
        }
        const general = setOf(decodeIntset(blob) as string[], DEFAULT_LIMITS, fail, true);
        expect(set).toBeDefined();
        expect([...set!.members]).toEqual([...general.members]);
        expect(set!.encoding).toBe(general.encoding);
      }),
    );
  });
});

describe('a big sorted set loaded packed', () => {
  const scoreArb = fc.oneof(fc.integer({ min: -3, max: 3 }), fc.double({ noNaN: true }), fc.constantFrom(0, -0, Infinity, -Infinity));
  const bigMemberArb = fc.oneof(memberArb, fc.nat({ max: 300 }).map((n) => 'w'.repeat(n)));
  // String(-0) is "0": a skiplist keeps -0, which only its text says.
  const scoreText = (score: number) => (Object.is(score, -0) ? '-0' : String(score));

  it('reads, saves and changes as the set ZADD built, whatever its members and scores', async () => {
    await fc.assert(
      // A member a file stores as an integer or compressed sends the set down the general path:
      // half the runs have none (short members that are not numbers).
      fc.asyncProperty(fc.uniqueArray(fc.tuple(bigMemberArb, scoreArb), { minLength: 129, maxLength: 400, selector: ([m]) => m }), fc.boolean(), fc.array(fc.tuple(bigMemberArb, scoreArb), { maxLength: 5 }), async (drawn, textOnly, later) => {
        const entries = textOnly ? drawn.map(([m, score], i): [string, number] => [`k${m.slice(0, 8)}${i}`, score]) : drawn;
        const built = new Engine({ clock: systemClock });
        const client = built.createClient();
        for (const [member, score] of entries) built.execute(client, ['ZADD', 'z', scoreText(score), member]);
        const file = Buffer.concat([...rdbChunks(built.dbs, { compression: true, checksum: true, aofBase: false, now: 1_795_000_000_000, usedMemory: 1 })]);
        const loaded = new Engine({ clock: systemClock });
        await loadRdb(loaded, (async function* () {
          yield file;
        })());
        const other = loaded.createClient();
        expect(datasetDigest(loaded)).toBe(datasetDigest(built));
        for (const argv of [['OBJECT', 'ENCODING', 'z'], ['ZCARD', 'z'], ['ZRANGE', 'z', '0', '-1', 'WITHSCORES'], ['ZSCORE', 'z', entries[0]![0]], ['ZRANK', 'z', entries.at(-1)![0]]]) {
          expect(loaded.execute(other, argv)).toEqual(built.execute(client, argv));
        }
        for (const [member, score] of later) expect(loaded.execute(other, ['ZADD', 'z', scoreText(score), member])).toEqual(built.execute(client, ['ZADD', 'z', scoreText(score), member]));
        expect(loaded.execute(other, ['ZRANGE', 'z', '0', '-1', 'WITHSCORES'])).toEqual(built.execute(client, ['ZRANGE', 'z', '0', '-1', 'WITHSCORES']));
      }),
      // Shrinking hundreds of entries through save and load takes minutes: report the first failure.
      { numRuns: 60, endOnFailure: true },
    );
  });
});

describe('bytes to a binary string', () => {
  it('keeps every byte of strings of any length, pieces included', () => {
    fc.assert(
      fc.property(fc.nat({ max: 20_000 }), fc.nat({ max: 300 }), fc.integer(), (length, offset, seed) => {
        const bytes = new Uint8Array(offset + length + 3);
        for (let i = 0; i < bytes.length; i++) bytes[i] = (Math.imul(i + 1, seed | 1) >>> 13) & 0xff;
        const text = bytesToBin(bytes, offset, offset + length);
        expect(text.length).toBe(length);
        for (let i = 0; i < length; i++) if (text.charCodeAt(i) !== bytes[offset + i]) expect.unreachable(`byte ${i}`);
      }),
      { numRuns: 200 },
    );
  });
});
