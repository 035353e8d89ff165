// RDB 11 and 12 (redis 7.2 and 7.4) read for analysis, `cli digest` and uploads: fixtures built
// byte by byte from rdb.c's formats (tests/support/rdb-bytes.ts), loaded and compared with the
// same data made by commands in the lab; field TTLs (7.4) refused on load; and the paths where
// the lab is redis-server 7.0 still refusing version 11 as 7.0 does.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadPath } from '../../src/cli/load-path.js';
import { analyzeRdb } from '../../src/engine/analysis/analyze-file.js';
import { bytesToBin, binToBytes } from '../../src/engine/bytes.js';
import { systemClock } from '../../src/engine/clock.js';
import { Config } from '../../src/engine/config.js';
import { datasetDigest } from '../../src/engine/digest.js';
import { Engine } from '../../src/engine/engine.js';
import { LoadError } from '../../src/engine/load-error.js';
import { newerRdbLoad, rdbCodec } from '../../src/engine/persistence/rdb-codec.js';
import { PersistentServer } from '../../src/engine/persistence/server.js';
import { crc64 } from '../../src/engine/rdb/crc64.js';
import { loadRdb, type RdbLoadOptions } from '../../src/engine/rdb/reader.js';
import type { Reply } from '../../src/engine/resp/reply.js';
import type { SetValue } from '../../src/engine/keyspace/values.js';
import { MemoryStore } from '../../src/storage/memory-store.js';
import type { CallContext } from '../../src/worker/protocol.js';
import { FileService } from '../../src/worker/services/files.js';
import type { LiveService } from '../../src/worker/services/live.js';
import { len, listpack, ms, OPCODE, rawId, rdbFile, str } from '../support/rdb-bytes.js';

const NOW = 1_800_000_000_000;
const clock = { now: () => NOW };

async function* once(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  yield bytes;
}

async function load(bytes: Uint8Array, options: RdbLoadOptions = {}): Promise<Engine> {
  const engine = new Engine({ clock });
  await loadRdb(engine, once(bytes), { file: 'dump.rdb', ...options });
  return engine;
}

async function loadError(bytes: Uint8Array, options: RdbLoadOptions = {}): Promise<LoadError> {
  try {
    await load(bytes, options);
  } catch (e) {
    if (e instanceof LoadError) return e;
    throw e;
  }
  throw new Error('the file loaded');
}

function commands(...list: string[][]): Engine {
  const engine = new Engine({ clock });
  const client = engine.createClient();
  for (const argv of list) engine.execute(client, argv);
  return engine;
}

function run(engine: Engine, ...argv: string[]): Reply {
  return engine.execute(engine.createClient(), argv);
}

const analyze = (bytes: Uint8Array) => analyzeRdb(once(bytes), { now: NOW });

// rdbSaveInfoAuxFields (7.2): redis-ver first; then SELECTDB and RESIZEDB (rdbSaveDb).
const header = (version: string) => [OPCODE.aux, ...str('redis-ver'), ...str(version), OPCODE.aux, ...str('redis-bits'), 0xc0, 64];
const selectDb0 = (keys: number, expires: number) => [0xfe, 0, OPCODE.resizeDb, ...len(keys), ...len(expires)];

/** rdbSaveObject for an OBJ_ENCODING_LISTPACK set (7.2): type 20, the key, the listpack as one string. */
const setListpackKey = (key: string, members: readonly string[]) => [20, ...str(key), ...str(listpack(members))];

describe('RDB 11: sets stored as listpacks (type 20)', () => {
  const file = rdbFile(11, [...header('7.2.4'), ...selectDb0(3, 1), ...setListpackKey('s', ['a', 'b', '1', '-5', '300', 'hello']), OPCODE.expireTimeMs, ...ms(NOW + 60_000), ...setListpackKey('n', ['1', '2', '3']), 0, ...str('after'), ...str('x')]);

  it('encodes the listpack as listpack.c does', () => {
    // 13 bytes in all, 3 entries, each a 7-bit uint and its 1-byte backlen, then LP_EOF.
    expect(listpack(['1', '2', '3'])).toEqual([13, 0, 0, 0, 3, 0, 1, 1, 2, 1, 3, 1, 0xff]);
    // -5 as a 13-bit int (0xC0 | high bits, low byte), "a" as a 6-bit string.
    expect(listpack(['-5', 'a'])).toEqual([13, 0, 0, 0, 2, 0, 0xdf, 0xfb, 2, 0x81, 0x61, 2, 0xff]);
  });

  it('is refused as redis 7.0 refuses it where the lab is redis-server 7.0', async () => {
    expect((await loadError(file)).reason).toBe("Can't handle RDB format version 0011");
    expect((await loadError(rdbFile(12, []))).reason).toBe("Can't handle RDB format version 0012");
    // The loader the server uses for its data dir and DEBUG RELOAD.
    await expect(rdbCodec.load(new Engine({ clock }), 'dump.rdb', once(file), {})).rejects.toThrow("Can't handle RDB format version 0011");
    // A set listpack inside a version-10 file is a type 7.0 does not know.
    expect((await loadError(rdbFile(10, [...selectDb0(1, 0), ...setListpackKey('s', ['a'])]))).reason).toMatch(/^Unknown RDB encoding type 20 /);
    // Beyond what 7.4 writes stays refused with newerFormats.
    expect((await loadError(rdbFile(13, []), { newerFormats: true })).reason).toBe("Can't handle RDB format version 0013");
  });

  it('loads as the sets 7.0 builds from the same SADDs: same digest and encodings', async () => {
    const loaded = await load(file, { newerFormats: true });
    const built = commands(['SADD', 's', 'a', 'b', '1', '-5', '300', 'hello'], ['SADD', 'n', '1', '2', '3'], ['PEXPIREAT', 'n', String(NOW + 60_000)], ['SET', 'after', 'x']);
    expect(datasetDigest(loaded)).toBe(datasetDigest(built));
    // 7.0 builds "s" as a hashtable (it has strings) and "n" as an intset.
    expect([run(loaded, 'OBJECT', 'ENCODING', 's'), run(loaded, 'OBJECT', 'ENCODING', 'n')]).toEqual([
      { kind: 'bulk', value: 'hashtable' },
      { kind: 'bulk', value: 'intset' },
    ]);
    for (const key of ['s', 'n']) expect(run(loaded, 'OBJECT', 'ENCODING', key)).toEqual(run(built, 'OBJECT', 'ENCODING', key));
    expect(run(loaded, 'PEXPIRETIME', 'n')).toEqual(run(built, 'PEXPIRETIME', 'n'));
  });

  it('is analysed as listpack sets, sized as 7.2 object.c sizes them', async () => {
    const report = await analyze(file);
    expect(report.total.keys).toBe(3);
    // MEMORY USAGE = robj (16) + zmalloc_size(listpack) + the key's sds (hdr5 + 1 + NUL → 8) + dictEntry (24).
    // "s": entries a 3, b 3, 1 2, -5 3, 300 3, hello 7 → 21 + 7 = 28 bytes → 32: 16 + 32 + 8 + 24 = 80.
    // "n": 13 bytes → 16: 16 + 16 + 8 + 24 = 64.
    expect(report.byEncoding['set/listpack']).toEqual({ keys: 2, bytes: 144 });
    expect(report.byType['set']).toEqual({ keys: 2, bytes: 144 });
    expect(report.biggest.filter((b) => b.type === 'set').map((b) => [b.key, b.encoding, b.elements, b.bytes])).toEqual([
      ['s', 'listpack', 6, 80],
      ['n', 'listpack', 3, 64],
    ]);
    expect(report.fieldTtls).toEqual({ keys: 0, fields: 0 });
  });

  it('decodes any members 7.2 could store (property)', async () => {
    const member = fc.oneof(
      fc.string({ unit: 'binary-ascii', maxLength: 80 }),
      fc.integer({ min: -100_000, max: 100_000 }).map(String),
      fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).map(String),
      fc.constantFrom('0', '-0', '007', '+1', '9223372036854775808', '-9223372036854775809'),
      { weight: 1, arbitrary: fc.string({ unit: 'binary-ascii', minLength: 4090, maxLength: 5000 }) },
    );
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(member, { minLength: 1, maxLength: 600 }), async (members) => {
        const bytes = rdbFile(11, [...selectDb0(1, 0), ...setListpackKey('k', members)]);
        const engine = await load(bytes, { newerFormats: true });
        const set = engine.dbs[0]!.dict.get('k') as SetValue;
        expect([...set.members].sort()).toEqual([...members].sort());
        const allIntegers = members.every((m) => /^(?:0|-?[1-9][0-9]*)$/.test(m) && BigInt(m) >= -(2n ** 63n) && BigInt(m) < 2n ** 63n);
        expect(set.encoding).toBe(allIntegers && members.length <= 512 ? 'intset' : 'hashtable');
      }),
      { numRuns: 60 },
    );
  });

  it('refuses duplicate members as 7.0 refuses them in a plain set', async () => {
    expect((await loadError(rdbFile(11, [...selectDb0(1, 0), ...setListpackKey('d', ['a', 'a'])]), { newerFormats: true })).reason).toMatch(/^Duplicate set members detected /);
  });
});

/**
 * rdbSaveObject for a stream (7.2, RDB_TYPE_STREAM_LISTPACKS_3): nodes (master ID, listpack),
 * length, last/first/max-deleted IDs, entries added; per group its name, last ID, entries read,
 * PEL (raw ID, delivery time, delivery count); per consumer its name, seen time, active time
 * (new in type 21) and its PEL IDs.
 */
function streamFile(): Uint8Array {
  const T = 1_700_000_000_000;
  // streamAppendItem's node: count, deleted, master field count, the field, master terminator 0;
  // per entry flags (2: SAMEFIELDS), ms delta, seq delta, the value, lp-count (fields + 3).
  const node = listpack(['2', '0', '1', 'f', '0', '2', '0', '0', 'v1', '4', '2', '0', '1', 'v2', '4']);
  const stream = [
    21,
    ...str('st'),
    ...len(1),
    ...str(rawId(T, 0)),
    ...str(node),
    ...len(2), // length
    ...len(T),
    ...len(1), // last ID
    ...len(T),
    ...len(0), // first ID
    ...len(0),
    ...len(0), // max deleted ID
    ...len(2), // entries added
    ...len(1), // groups
    ...str('g'),
    ...len(T),
    ...len(1), // last delivered ID
    ...len(2), // entries read
    ...len(1), // PEL size
    ...rawId(T, 0),
    ...ms(T + 5),
    ...len(1), // delivery count
    ...len(1), // consumers
    ...str('c'),
    ...ms(T + 7), // seen time
    ...ms(T + 6), // active time
    ...len(1),
    ...rawId(T, 0),
  ];
  return rdbFile(11, [...header('7.2.4'), ...selectDb0(2, 0), ...stream, 0, ...str('next'), ...str('y')]);
}

describe('RDB 11: streams with consumer active times (type 21)', () => {
  it('loads the stream, its group and PEL as XADD, XREADGROUP and XACK build them', async () => {
    const loaded = await load(streamFile(), { newerFormats: true });
    const built = commands(
      ['XADD', 'st', '1700000000000-0', 'f', 'v1'],
      ['XADD', 'st', '1700000000000-1', 'f', 'v2'],
      ['XGROUP', 'CREATE', 'st', 'g', '0'],
      ['XREADGROUP', 'GROUP', 'g', 'c', 'COUNT', '2', 'STREAMS', 'st', '>'],
      ['XACK', 'st', 'g', '1700000000000-1'],
      ['SET', 'next', 'y'],
    );
    expect(datasetDigest(loaded)).toBe(datasetDigest(built));
    for (const argv of [['XRANGE', 'st', '-', '+'], ['XINFO', 'GROUPS', 'st'], ['XPENDING', 'st', 'g'], ['XINFO', 'STREAM', 'st']]) expect(run(loaded, ...argv)).toEqual(run(built, ...argv));
    // The extended form: ID, consumer, idle time (which differs: the file's delivery time is older), deliveries.
    const entry = (engine: Engine) => {
      const reply = run(engine, 'XPENDING', 'st', 'g', '-', '+', '10', 'c');
      const first = reply.kind === 'array' ? reply.value![0]! : reply;
      return first.kind === 'array' ? [first.value![0], first.value![1], first.value![3]] : first;
    };
    expect(entry(loaded)).toEqual(entry(built));
    expect(run(loaded, 'XPENDING', 'st', 'g', '-', '+', '10', 'c')).toMatchObject({ kind: 'array', value: [{ kind: 'array', value: [{}, {}, { kind: 'int', value: NOW - (1_700_000_000_000 + 5) }, {}] }] });
  });

  it('is analysed as a stream, and the key after it is read in step', async () => {
    const report = await analyze(streamFile());
    expect(report.total.keys).toBe(2);
    expect(report.biggest.map((b) => [b.key, b.type, b.encoding, b.elements])).toEqual(
      expect.arrayContaining([
        ['st', 'stream', 'stream', 2],
        ['next', 'string', 'embstr', 1],
      ]),
    );
  });

  it('is a type 7.0 does not know in a version-10 file', async () => {
    const bytes = streamFile();
    bytes.set(binToBytes('0010'), 5);
    expect((await loadError(bytes)).reason).toMatch(/^Unknown RDB encoding type 21 /);
  });
});

const FIELD_TTL = NOW + 3_600_000;
/** rdbSaveObject, OBJ_ENCODING_LISTPACK_EX (7.4): the minimum field expiry, then a listpack of field, value, expiry (0: none). */
const listpackExKey = (key: string, triplets: [string, string, number][]) => {
  const ttls = triplets.map(([, , t]) => t).filter((t) => t !== 0);
  return [25, ...str(key), ...ms(ttls.length ? Math.min(...ttls) : 0), ...str(listpack(triplets.flatMap(([f, v, t]) => [f, v, String(t)])))];
};
/** OBJ_ENCODING_HT with field TTLs (7.4): type 24, the minimum expiry, the count, then per field TTL (0: none, else expiry − min + 1), field, value. */
const metadataKey = (key: string, min: number, fields: [string, string, number][]) => [24, ...str(key), ...ms(min), ...len(fields.length), ...fields.flatMap(([f, v, t]) => [...len(t === 0 ? 0 : t - min + 1), ...str(f), ...str(v)])];

describe('RDB 12: hashes with field expiration (types 22–25) and SLOT_INFO', () => {
  const file = rdbFile(12, [
    ...header('7.4.1'),
    ...selectDb0(4, 0),
    // rdbSaveDb in cluster mode: SLOT_INFO slot id, keys and expires in the slot.
    OPCODE.slotInfo,
    ...len(866),
    ...len(4),
    ...len(0),
    ...listpackExKey('hx', [
      ['f1', 'v1', FIELD_TTL],
      ['f2', 'v2', 0],
    ]),
    ...metadataKey('hm', FIELD_TTL, [
      ['a', '1', FIELD_TTL],
      ['b', '2', 0],
      ['c', '3', FIELD_TTL + 1000],
    ]),
    16,
    ...str('h'),
    ...str(listpack(['x', 'y'])),
    0,
    ...str('s'),
    ...str('z'),
  ]);

  it('analyses them as hashes, counting the fields that have TTLs', async () => {
    const report = await analyze(file);
    expect(report.total.keys).toBe(4);
    expect(report.byType['hash']!.keys).toBe(3);
    expect(report.fieldTtls).toEqual({ keys: 2, fields: 3 });
    const sizes = Object.fromEntries(report.biggest.map((b) => [b.key, [b.type, b.encoding, b.elements]]));
    expect(sizes).toEqual({ hx: ['hash', 'listpack', 2], hm: ['hash', 'listpack', 3], h: ['hash', 'listpack', 1], s: ['string', 'embstr', 1] });
    // Sized as the same fields HSET in the lab would be.
    const built = commands(['HSET', 'hx', 'f1', 'v1', 'f2', 'v2'], ['HSET', 'hm', 'a', '1', 'b', '2', 'c', '3']);
    for (const key of ['hx', 'hm']) expect(run(built, 'MEMORY', 'USAGE', key)).toEqual({ kind: 'int', value: report.biggest.find((b) => b.key === key)!.bytes });
  });

  it('refuses to load them, naming the feature, the key and the type', async () => {
    expect((await loadError(file, { newerFormats: true })).reason).toBe('key "hx" uses hash field expiration (Redis 7.4, RDB type 25), which the lab does not support');
    const metadataOnly = rdbFile(12, [...selectDb0(1, 0), ...metadataKey('hm', FIELD_TTL, [['a', '1', FIELD_TTL]])]);
    expect((await loadError(metadataOnly, { newerFormats: true })).reason).toBe('key "hm" uses hash field expiration (Redis 7.4, RDB type 24), which the lab does not support');
  });

  it('loads a listpackex hash none of whose fields has a TTL left (HPERSIST) as the plain hash it is', async () => {
    const persisted = rdbFile(12, [...selectDb0(1, 0), ...listpackExKey('hz', [['f', 'v', 0]]), ...metadataKey('hn', 0, [['g', 'w', 0]])]);
    const loaded = await load(persisted, { newerFormats: true });
    expect(datasetDigest(loaded)).toBe(datasetDigest(commands(['HSET', 'hz', 'f', 'v'], ['HSET', 'hn', 'g', 'w'])));
  });

  it('reads the 7.4 release candidates\u2019 layouts (22, 23: absolute TTLs, no minimum)', async () => {
    const preGa = rdbFile(12, [
      ...selectDb0(2, 0),
      23,
      ...str('p23'),
      ...str(listpack(['f', 'v', String(FIELD_TTL), 'g', 'w', '0'])),
      22,
      ...str('p22'),
      ...len(2),
      ...len(FIELD_TTL),
      ...str('a'),
      ...str('1'),
      ...len(0),
      ...str('b'),
      ...str('2'),
      0,
      ...str('last'),
      ...str('ok'),
    ]);
    const report = await analyze(preGa);
    expect(report.total.keys).toBe(3);
    expect(report.fieldTtls).toEqual({ keys: 2, fields: 2 });
    expect((await loadError(preGa, { newerFormats: true })).reason).toBe('key "p23" uses hash field expiration (Redis 7.4, RDB type 23), which the lab does not support');
  });

  it('refuses a field expiry beyond what 7.4 accepts (EB_EXPIRE_TIME_MAX)', async () => {
    const bad = rdbFile(12, [...selectDb0(1, 0), 22, ...str('k'), ...len(1), ...len(2n ** 48n), ...str('a'), ...str('1')]);
    expect((await loadError(bad, { newerFormats: true })).reason).toMatch(/^invalid expireAt time: 281474976710656 /);
  });
});

describe('the paths that read newer files', () => {
  const file = rdbFile(11, [...selectDb0(2, 0), ...setListpackKey('s', ['a', '7']), ...setListpackKey('n', ['4', '5'])]);
  const expected = datasetDigest(commands(['SADD', 's', 'a', '7'], ['SADD', 'n', '4', '5']));

  it('cli digest PATH loads an RDB 11 file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rdb-newer-'));
    try {
      writeFileSync(join(dir, 'dump.rdb'), file);
      expect(datasetDigest(await loadPath(join(dir, 'dump.rdb'), newerRdbLoad))).toBe(expected);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the page uploads an RDB 11 file into the live server, and refuses field TTLs leaving the data as it was', async () => {
    const { server } = await PersistentServer.start({ disk: new MemoryStore(), config: new Config(), clock: systemClock, rdb: rdbCodec });
    const files = new FileService({ require: () => server } as unknown as LiveService).api;
    const call: CallContext = { signal: new AbortController().signal, progress: () => {} };
    expect(await files.uploadRdb({ name: 'dump.rdb', bytes: file }, call)).toEqual({ keys: 2, notes: [] });
    expect(datasetDigest(server.engine)).toBe(expected);
    const hfe = rdbFile(12, [...selectDb0(1, 0), ...listpackExKey('hx', [['f', 'v', FIELD_TTL]])]);
    await expect(files.uploadRdb({ name: 'hfe.rdb', bytes: hfe }, call)).rejects.toThrow('key "hx" uses hash field expiration (Redis 7.4, RDB type 25), which the lab does not support');
    expect(datasetDigest(server.engine)).toBe(expected);
  });

  it('RESTORE stays redis 7.0: a set-listpack payload is bad data', () => {
    // DUMP's payload: type, value, RDB version (u16 LE), CRC-64 (LE) of everything before it.
    const body = [20, ...str(listpack(['a'])), 10, 0];
    const crc = crc64(new Uint8Array(body));
    const payload = new Uint8Array([...body, ...Array.from({ length: 8 }, (_, i) => Number((crc >> BigInt(8 * i)) & 0xffn))]);
    expect(run(new Engine({ clock }), 'RESTORE', 'k', '0', bytesToBin(payload))).toEqual({ kind: 'error', value: 'ERR Bad data format' });
  });
});
