// The RDB building blocks (CRC-64, LZF, listpack, intset) and the reader's errors: every bad
// file is a LoadError naming the byte offset and what was expected, never another exception.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { binToBytes, bytesToBin } from '../../src/engine/bytes.js';
import { systemClock } from '../../src/engine/clock.js';
import { datasetDigest } from '../../src/engine/digest.js';
import { Engine } from '../../src/engine/engine.js';
import { LoadError } from '../../src/engine/load-error.js';
import { crc64 } from '../../src/engine/rdb/crc64.js';
import { decodeIntset, encodeIntset } from '../../src/engine/rdb/intset.js';
import { decodeListpack, ListpackBuilder } from '../../src/engine/rdb/listpack.js';
import { lzfCompress, lzfDecompress } from '../../src/engine/rdb/lzf.js';
import { loadRdb, type RdbLoadOptions } from '../../src/engine/rdb/reader.js';
import { rdbChunks } from '../../src/engine/rdb/writer.js';
import { everyEncodingDataset } from '../support/datasets.js';

async function* inChunks(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
}

function engine(): Engine {
  return new Engine({ clock: systemClock });
}

function fileOf(commands: readonly string[][], options = { compression: true, checksum: true }): Uint8Array {
  const e = engine();
  const client = e.createClient();
  for (const argv of commands) e.execute(client, argv);
  return Buffer.concat([...rdbChunks(e.dbs, { ...options, aofBase: false, now: 1_795_000_000_000, usedMemory: 1_000_000 })]);
}

async function loadError(bytes: Uint8Array, options: RdbLoadOptions = {}): Promise<LoadError> {
  try {
    await loadRdb(engine(), inChunks(bytes, 64), { file: 'dump.rdb', ...options });
  } catch (e) {
    if (e instanceof LoadError) return e;
    throw e;
  }
  throw new Error('the file loaded');
}

describe('CRC-64/Jones', () => {
  it('has the published check value', () => {
    expect(crc64(binToBytes('123456789'))).toBe(0xe9c6d914c4b8d9can);
  });
});

describe('LZF', () => {
  it('round-trips any bytes it manages to compress', () => {
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 3000 }), fc.array(fc.constantFrom(...binToBytes('ab\x00')), { maxLength: 3000 }).map((a) => new Uint8Array(a))), (input) => {
        const compressed = lzfCompress(input, input.length + 64);
        if (input.length === 0) {
          expect(compressed).toBeNull();
          return;
        }
        expect(compressed).not.toBeNull();
        expect(lzfDecompress(compressed!, input.length)).toEqual(input);
      }),
      { numRuns: 300 },
    );
  });

  it('decompresses what liblzf wrote (40 × "a" as redis-server saved it)', () => {
    const out = lzfDecompress(new Uint8Array([0x01, 0x61, 0x61, 0xe0, 0x1b, 0x00, 0x01, 0x61, 0x61]), 40);
    expect(out).toEqual(new Uint8Array(40).fill(0x61));
  });

  it('reports malformed streams instead of reading outside them', () => {
    expect(lzfDecompress(new Uint8Array([0x05, 0x61]), 6)).toMatch(/past the end/);
    expect(lzfDecompress(new Uint8Array([0x20, 0x05]), 3)).toMatch(/before the start/);
    expect(lzfDecompress(new Uint8Array([0x00, 0x61]), 2)).toMatch(/expected 2/);
  });
});

describe('listpack and intset', () => {
  it('listpacks round-trip strings and integers of every width', () => {
    const entry = fc.oneof(fc.string({ unit: 'binary-ascii', maxLength: 5000 }), fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).map(String), fc.integer({ min: -5000, max: 5000 }).map(String));
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 40 }), (entries) => {
        const lp = new ListpackBuilder();
        for (const e of entries) lp.add(e);
        expect(decodeListpack(lp.finish())).toEqual(entries);
      }),
      { numRuns: 300 },
    );
  });

  it('encodes each integer at the width lpEncodeIntegerGetType picks, boundaries included', () => {
    // listpack.c's integer encodings, written out with bigints: the tag, then little-endian bytes.
    const reference = (v: bigint): number[] => {
      if (v >= 0n && v <= 127n) return [Number(v)];
      if (v >= -4096n && v <= 4095n) return [0xc0 | Number((BigInt.asUintN(13, v) >> 8n) & 0x1fn), Number(BigInt.asUintN(13, v) & 0xffn)];
      const [tag, width] = v >= -32768n && v <= 32767n ? [0xf1, 2] : v >= -8388608n && v <= 8388607n ? [0xf2, 3] : v >= -2147483648n && v <= 2147483647n ? [0xf3, 4] : [0xf4, 8];
      const u = BigInt.asUintN(64, v);
      return [tag, ...Array.from({ length: width }, (_, i) => Number((u >> BigInt(8 * i)) & 0xffn))];
    };
    const edges = [0n, 127n, 128n, -1n, -4096n, 4095n, 4096n, -4097n, -32768n, 32767n, 32768n, -32769n, -8388608n, 8388607n, 8388608n, -8388609n, -2147483648n, 2147483647n, 2147483648n, -2147483649n, 2n ** 63n - 1n, -(2n ** 63n)];
    const value = fc.oneof(fc.constantFrom(...edges), fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), fc.integer().map(BigInt));
    fc.assert(
      fc.property(value, (v) => {
        const lp = new ListpackBuilder();
        lp.add(String(v));
        const encoded = reference(v);
        expect([...lp.finish().subarray(6, 6 + encoded.length)]).toEqual(encoded);
      }),
      { numRuns: 500 },
    );
  });

  it('encodes as listpack.c does ("-5", "300", "a", "1.5")', () => {
    const lp = new ListpackBuilder();
    for (const e of ['-5', '300', 'a', '1.5']) lp.add(e);
    expect([...lp.finish().subarray(6, -1)]).toEqual([0xdf, 0xfb, 2, 0xc1, 0x2c, 2, 0x81, 0x61, 2, 0x83, 0x31, 0x2e, 0x35, 4]);
  });

  it('intsets round-trip and pick the narrowest width', () => {
    expect([...encodeIntset(['3', '1', '2'])]).toEqual([2, 0, 0, 0, 3, 0, 0, 0, 1, 0, 2, 0, 3, 0]);
    fc.assert(
      fc.property(fc.uniqueArray(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), { minLength: 1, maxLength: 50 }), (values) => {
        const sorted = [...values].sort((a, b) => (a < b ? -1 : 1)).map(String);
        expect(decodeIntset(encodeIntset(values.map(String)))).toEqual(sorted);
      }),
    );
  });
});

describe('reading RDB files', () => {
  const good = fileOf(everyEncodingDataset());
  const large = fileOf(Array.from({ length: 6000 }, (_, i) => ['SET', `key:${i}`, `${i}`.repeat(30)]), { compression: false, checksum: true });

  it('round-trips the dataset whatever the chunk size', async () => {
    const expected = engine();
    const client = expected.createClient();
    for (const argv of everyEncodingDataset()) expected.execute(client, argv);
    for (const size of [1, 7, 4096, good.length]) {
      const e = engine();
      const report = await loadRdb(e, inChunks(good, size));
      expect(report.bytes).toBe(good.length);
      expect(datasetDigest(e)).toBe(datasetDigest(expected));
    }
  });

  it('reports progress up to the size of the file', async () => {
    const seen: number[] = [];
    expect(large.length).toBeGreaterThan(300_000);
    await loadRdb(engine(), inChunks(large, 1000), { onProgress: (b) => seen.push(b) });
    expect(seen.length).toBeGreaterThan(3);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    expect(seen.at(-1)).toBe(large.length);
  });

  it('stops when cancelled, with the offset it reached', async () => {
    const signal = { aborted: false };
    let calls = 0;
    const error = await loadError(large, { signal, onProgress: () => (++calls === 3 ? (signal.aborted = true) : undefined) });
    expect(error.reason).toBe('loading cancelled');
    expect(error.offset).toBeGreaterThan(0);
  });

  it('names bad magic, unsupported versions, unknown types and checksum mismatches', async () => {
    expect((await loadError(binToBytes('RADIS0010\xff'))).reason).toMatch(/Wrong signature/);
    expect((await loadError(binToBytes('REDIS0011\xff'))).reason).toBe("Can't handle RDB format version 0011");
    const unknownType = binToBytes('REDIS0009\x08\x01k\x01v\xff' + '\x00'.repeat(8));
    expect(await loadError(unknownType)).toMatchObject({ offset: 9, reason: 'Unknown RDB encoding type 8 (key "k", type 8)' });
    const corrupt = good.slice();
    corrupt[good.length - 1] = good[good.length - 1]! ^ 0xff;
    const error = await loadError(corrupt);
    expect(error.offset).toBe(good.length - 8);
    // Redis's order: "expected" is the CRC of what was read, "got" the trailer it found.
    const trailer = new DataView(corrupt.buffer, corrupt.byteOffset + good.length - 8, 8).getBigUint64(0, true);
    expect(error.reason).toMatch(new RegExp(`^Wrong RDB checksum expected: \\([0-9a-f]+\\) but got \\(${trailer.toString(16)}\\)\\. Aborting now\\.$`));
    expect(error.message).toMatch(/^dump\.rdb, offset \d+: /);
  });

  it('fails every truncation with a short-read error at or before the cut', async () => {
    const small = fileOf([['SET', 'a', 'x'.repeat(50)], ['RPUSH', 'l', '1', 'two'], ['ZADD', 'z', '1.5', 'm'], ['HSET', 'h', 'f', 'v'], ['SADD', 's', '7']]);
    for (let cut = 0; cut < small.length; cut++) {
      const error = await loadError(small.subarray(0, cut));
      expect(error.reason).toMatch(/Short read/);
      expect(error.offset).toBeLessThanOrEqual(cut);
    }
  });

  it('refuses hostile lengths without allocating them', async () => {
    // A string claiming 2^62 bytes, and an LZF string claiming to expand 3 bytes into 1 GB.
    const huge = binToBytes('REDIS0010\x00\x01k\x81\x40\x00\x00\x00\x00\x00\x00\x00abc\xff');
    expect((await loadError(huge)).reason).toMatch(/Short read/);
    const lzf = binToBytes('REDIS0010\x00\x01k\xc3\x03\x80\x40\x00\x00\x00abc\xff');
    expect((await loadError(lzf)).reason).toMatch(/Invalid LZF compressed string: 3 bytes cannot expand/);
  });

  it('names the key of a broken stream and a duplicated key', async () => {
    // A stream with no nodes whose length field is cut off by the EOF opcode.
    expect((await loadError(binToBytes('REDIS0010\x13\x06events\x00\xff'))).reason).toMatch(/key "events", type streamListpacks2/);
    const twice = binToBytes('REDIS0010\x00\x01k\x01a\x00\x01k\x01b\xff' + '\x00'.repeat(8));
    expect((await loadError(twice)).reason).toBe('Duplicated key "k" found in RDB file (db 0)');
  });

  it('keeps function libraries and skips module aux data, saying so', async () => {
    const lib = '#!lua name=mylib\nredis.register_function("f", function() return 1 end)';
    const bytes = binToBytes(`REDIS0010\xf5${bytesToBin(new Uint8Array([0x40, lib.length]))}${lib}\xf7\x05\x02\x02\x05\x02hi\x00\x00\x01k\x01v\xff${'\x00'.repeat(8)}`);
    const e = engine();
    const report = await loadRdb(e, inChunks(bytes, 5));
    expect(report.keys).toBe(1);
    expect(report.notes).toEqual([expect.stringMatching(/module aux data.*no modules/)]);
    expect(e.functions.get('mylib')?.functions.map((f) => f.name)).toEqual(['f']);
  });
});

describe('the file inspector', () => {
  it('lists an AOF with an RDB preamble record by record, and points at a torn tail', async () => {
    const { inspectFile } = await import('../../src/engine/inspect.js');
    const { encodeCommand } = await import('../../src/engine/resp/encoder.js');
    const preamble = fileOf([['SET', 'a', '1'], ['RPUSH', 'l', 'x']]);
    const tail = binToBytes(encodeCommand(['SELECT', '0']) + encodeCommand(['INCR', 'a']) + '*2\r\n$3\r\nDEL\r\n$1');
    const file = new Uint8Array(preamble.length + tail.length);
    file.set(preamble);
    file.set(tail, preamble.length);
    const result = await inspectFile(file, { now: () => 1_795_000_000_000 });
    expect(result.format).toBe('rdb+aof');
    const whats = result.records.map((r) => r.what);
    expect(whats[0]).toBe('magic "REDIS" and RDB version 10');
    expect(whats).toContain('AUX "redis-ver" = "7.0.15"');
    expect(whats).toContain('string key "a" (db 0)');
    expect(whats).toContain('listQuicklist2 key "l" (db 0)');
    expect(whats).toContain('"INCR" "a"');
    expect(whats.at(-1)).toBe('a command cut short (a torn tail: loading truncates it here)');
    expect(result.problem).toMatch(/the file ends in the middle of a command/);
    // Records tile the file: each starts where the previous one ended.
    for (let i = 1; i < result.records.length; i++) expect(result.records[i]!.offset).toBe(result.records[i - 1]!.offset + result.records[i - 1]!.length);
    expect(result.records[0]!.hex.startsWith('52 45 44 49 53')).toBe(true);
  });
});
