// RDB both ways against redis-server 7.0: what redis writes (with and without compression and
// checksum) loads in the lab with the same digest and the same in-memory encodings, and what
// the lab writes passes redis-check-rdb and loads in redis-server the same way.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { binToBytes } from '../../src/engine/bytes.js';
import { systemClock } from '../../src/engine/clock.js';
import { datasetDigest } from '../../src/engine/digest.js';
import { Engine } from '../../src/engine/engine.js';
import { objectEncoding } from '../../src/engine/keyspace/values.js';
import { loadRdb, type RdbLoadOptions } from '../../src/engine/rdb/reader.js';
import { rdbChunks } from '../../src/engine/rdb/writer.js';
import type { Reply } from '../../src/engine/resp/reply.js';
import { everyEncodingDataset } from '../support/datasets.js';
import { RedisServer } from '../support/redis-server.js';
import { inChunks, labWith } from '../support/lab.js';
import { useScratch } from '../support/scratch.js';

const { tempDir, servers } = useScratch('lab-rdb-');

async function startRedis(options: { dir?: string; args?: string[] } = {}): Promise<RedisServer> {
  const server = await RedisServer.start(options);
  servers.push(server);
  return server;
}



async function labLoad(bytes: Uint8Array, chunkSize = 1 << 20, options: RdbLoadOptions = {}) {
  const engine = new Engine({ clock: systemClock });
  const report = await loadRdb(engine, inChunks(bytes, chunkSize), options);
  return { engine, report };
}

function labFile(engine: Engine, options: { compression: boolean; checksum: boolean }): Uint8Array {
  return Buffer.concat([...rdbChunks(engine.dbs, { ...options, aofBase: false, now: Date.now(), usedMemory: 1_000_000 })]);
}

function digestOf(engine: Engine): Reply {
  return { kind: 'status', value: datasetDigest(engine) };
}

/** db → key → OBJECT ENCODING, as redis-server reports it. */
async function redisEncodings(redis: RedisServer): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (let db = 0; db < 16; db++) {
    const [, keys] = await redis.pipeline([['SELECT', String(db)], ['KEYS', '*']]);
    const names = (keys!.kind === 'array' ? keys!.value ?? [] : []).map((k) => (k.kind === 'bulk' ? k.value! : ''));
    const replies = await redis.pipeline(names.map((k) => ['OBJECT', 'ENCODING', k]));
    names.forEach((k, i) => (out[`${db}:${k}`] = (replies[i] as { value: string }).value));
  }
  await redis.command('SELECT', '0');
  return out;
}

function labEncodings(engine: Engine): Record<string, string> {
  const out: Record<string, string> = {};
  for (const db of engine.dbs) for (const [key, value] of db.dict) out[`${db.id}:${key}`] = objectEncoding(value);
  return out;
}

async function redisDump(args: string[], commands: readonly string[][]): Promise<{ bytes: Uint8Array; digest: Reply; dir: string }> {
  const dir = tempDir();
  const redis = await startRedis({ dir, args });
  for (const reply of await redis.pipeline(commands)) expect(reply.kind).not.toBe('error');
  expect(await redis.command('SAVE')).toEqual({ kind: 'status', value: 'OK' });
  const digest = await redis.command('DEBUG', 'DIGEST');
  return { bytes: new Uint8Array(readFileSync(join(dir, 'dump.rdb'))), digest, dir };
}

const OPTION_SETS = [
  { compression: true, checksum: true },
  { compression: false, checksum: true },
  { compression: true, checksum: false },
  { compression: false, checksum: false },
];

describe('redis-server → lab', () => {
  for (const { compression, checksum } of OPTION_SETS) {
    it(`loads redis's dump.rdb (rdbcompression ${compression ? 'yes' : 'no'}, rdbchecksum ${checksum ? 'yes' : 'no'}) with the same digest and encodings`, async () => {
      const yn = (b: boolean) => (b ? 'yes' : 'no');
      const { bytes, digest, dir } = await redisDump(['--rdbcompression', yn(compression), '--rdbchecksum', yn(checksum)], everyEncodingDataset());
      // Small chunks force records to straddle refills.
      const { engine, report } = await labLoad(bytes, 977);
      expect(digestOf(engine)).toEqual(digest);
      expect(report).toMatchObject({ version: 10, bytes: bytes.length, checksum: checksum ? 'verified' : 'disabled', expiredDropped: 0 });
      expect(report.aux['redis-ver']).toBe('7.0.15');
      // Compare with what redis itself builds when it loads the same file.
      const reloaded = await startRedis({ dir });
      expect(await reloaded.command('DEBUG', 'DIGEST')).toEqual(digest);
      expect(labEncodings(engine)).toEqual(await redisEncodings(reloaded));
    });
  }

  it('drops keys whose time has passed when loading dump.rdb, keeps them for an AOF base', async () => {
    const { bytes } = await redisDump([], [['SET', 'soon', 'x', 'PX', '150'], ['SET', 'kept', 'y']]);
    await new Promise((r) => setTimeout(r, 300));
    const plain = await labLoad(bytes);
    expect(plain.report).toMatchObject({ keys: 1, expiredDropped: 1 });
    const base = await labLoad(bytes, 1 << 20, { keepExpired: true });
    expect(base.report).toMatchObject({ keys: 2, expiredDropped: 0 });
  });
});

describe('lab → redis-server', () => {
  for (const { compression, checksum } of OPTION_SETS) {
    it(`writes a dump.rdb (compression ${compression}, checksum ${checksum}) that redis-check-rdb accepts and redis-server loads with the same digest and encodings`, async () => {
      const engine = labWith(everyEncodingDataset());
      const dir = tempDir();
      const bytes = labFile(engine, { compression, checksum });
      writeFileSync(join(dir, 'dump.rdb'), bytes);
      const check = spawnSync('redis-check-rdb', [join(dir, 'dump.rdb')], { encoding: 'utf8' });
      expect(check.stdout).toContain('RDB looks OK');
      expect(check.stdout).toContain(`${engine.dbs.reduce((n, db) => n + db.size, 0)} keys read`);
      expect(check.status).toBe(0);
      const redis = await startRedis({ dir });
      expect(await redis.command('DEBUG', 'DIGEST')).toEqual(digestOf(engine));
      // The lab reads its own file back, to the encodings redis chooses on load (INCRBYFLOAT's
      // embstr "3000" becomes an int in both).
      const again = await labLoad(bytes, 4096);
      expect(digestOf(again.engine)).toEqual(digestOf(engine));
      expect(await redisEncodings(redis)).toEqual(labEncodings(again.engine));
    });
  }

  it('compresses: a dataset of repetitive strings shrinks with rdbcompression', () => {
    const engine = labWith([['SET', 'a', 'abc'.repeat(1000)], ['RPUSH', 'l', ...Array.from({ length: 500 }, () => 'same-value')]]);
    const plain = labFile(engine, { compression: false, checksum: true });
    const compressed = labFile(engine, { compression: true, checksum: true });
    expect(compressed.length).toBeLessThan(plain.length / 5);
  });

  it('writes the AUX fields redis-server 7.0 writes, in its order', () => {
    const bytes = labFile(labWith([]), { compression: true, checksum: true });
    const text = Buffer.from(bytes).toString('latin1');
    expect(text.startsWith('REDIS0010')).toBe(true);
    const order = ['redis-ver', 'redis-bits', 'ctime', 'used-mem', 'aof-base'].map((k) => text.indexOf(k));
    expect(order.every((at, i) => at > 0 && (i === 0 || at > order[i - 1]!))).toBe(true);
    expect(text).toContain('\x09redis-ver\x067.0.15');
    expect(text).toContain('\x0aredis-bits\xc0\x40');
    expect(bytes[bytes.length - 9]).toBe(0xff);
  });
});

describe('old encodings redis-server 7.0 still loads', () => {
  it('loads ziplists, zipmaps, quicklist v1, text-score zsets and a seconds expiry exactly as redis-server does', async () => {
    const bytes = legacyRdb();
    const dir = tempDir();
    writeFileSync(join(dir, 'dump.rdb'), bytes);
    const redis = await startRedis({ dir });
    const digest = await redis.command('DEBUG', 'DIGEST');
    expect(await redis.command('DBSIZE')).toEqual({ kind: 'int', value: 7 });
    const { engine, report } = await labLoad(bytes, 13);
    expect(report).toMatchObject({ version: 6, keys: 7, checksum: 'verified' });
    expect(digestOf(engine)).toEqual(digest);
    expect(labEncodings(engine)).toEqual(await redisEncodings(redis));
  });
});

/** A version-6 file using the encodings 7.0 no longer writes. */
function legacyRdb(): Uint8Array {
  const parts: number[] = [...binToBytes('REDIS0006')];
  const str = (s: string) => parts.push(s.length, ...binToBytes(s));
  const blob = (b: number[]) => parts.push(...lengthBytes(b.length), ...b);
  // type 10: a list ziplist with strings and every integer form.
  parts.push(10);
  str('zl:list');
  blob(ziplist(['a', 'hello', 7, 12, -100, 1000, 100000, 5000000000, 'b'.repeat(70)]));
  // type 13: a hash ziplist.
  parts.push(13);
  str('zl:hash');
  blob(ziplist(['f1', 'v1', 'f2', 42]));
  // type 12: a zset ziplist (member, score).
  parts.push(12);
  str('zl:zset');
  blob(ziplist(['low', '-1.5', 'high', 3, 'mid', '0.25']));
  // type 9: a zipmap hash.
  parts.push(9);
  str('zm:hash');
  blob([2, 1, ...binToBytes('a'), 2, 0, ...binToBytes('xy'), 2, ...binToBytes('bb'), 1, 3, ...binToBytes('z'), 0, 0, 0, 0xff]);
  // type 14: a quicklist of two ziplist nodes.
  parts.push(14);
  str('ql:list');
  parts.push(2);
  blob(ziplist(['n1a', 'n1b']));
  blob(ziplist([3, 'n2']));
  // type 3: a zset with text scores, including inf.
  parts.push(3);
  str('v1:zset');
  parts.push(3);
  str('a');
  str('1.5');
  str('b');
  parts.push(254);
  str('c');
  parts.push(255);
  // a seconds expiry (0xFD) far in the future, then a plain string.
  parts.push(0xfd, ...int32le(2000000000), 0);
  str('secs');
  str('value');
  parts.push(0xff);
  const body = new Uint8Array(parts);
  return Buffer.concat([body, crcTrailer(body)]);
}

function lengthBytes(n: number): number[] {
  if (n < 64) return [n];
  if (n < 16384) return [0x40 | (n >> 8), n & 0xff];
  return [0x80, (n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
}

function int32le(v: number): number[] {
  return [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff];
}

/** A ziplist as Redis ≤ 6.2 wrote them: prevlen, encoding, data; numbers in integer forms. */
function ziplist(entries: (string | number)[]): number[] {
  const body: number[] = [];
  let prevLen = 0;
  let lastOffset = 10;
  for (const entry of entries) {
    lastOffset = 10 + body.length;
    const e: number[] = prevLen < 254 ? [prevLen] : [0xfe, ...int32le(prevLen)];
    if (typeof entry === 'string') {
      const bytes = [...binToBytes(entry)];
      if (bytes.length < 64) e.push(bytes.length, ...bytes);
      else e.push(0x40 | (bytes.length >> 8), bytes.length & 0xff, ...bytes);
    } else if (entry >= 0 && entry <= 12) e.push(0xf1 + entry);
    else if (entry >= -128 && entry <= 127) e.push(0xfe, entry & 0xff);
    else if (entry >= -32768 && entry <= 32767) e.push(0xc0, entry & 0xff, (entry >> 8) & 0xff);
    else if (entry >= -(2 ** 23) && entry < 2 ** 23) e.push(0xf0, entry & 0xff, (entry >> 8) & 0xff, (entry >> 16) & 0xff);
    else if (entry >= -(2 ** 31) && entry < 2 ** 31) e.push(0xd0, ...int32le(entry));
    else {
      const v = BigInt.asUintN(64, BigInt(entry));
      e.push(0xe0, ...Array.from({ length: 8 }, (_, i) => Number((v >> BigInt(8 * i)) & 0xffn)));
    }
    prevLen = e.length;
    body.push(...e);
  }
  const total = 10 + body.length + 1;
  return [...int32le(total), ...int32le(lastOffset), entries.length & 0xff, entries.length >> 8, ...body, 0xff];
}

function crcTrailer(body: Uint8Array): Uint8Array {
  // Reflected CRC-64/Jones, written independently of the lab's table-driven one.
  let crc = 0n;
  for (const byte of body) {
    crc ^= BigInt(byte);
    for (let bit = 0; bit < 8; bit++) crc = crc & 1n ? (crc >> 1n) ^ 0x95ac9329ac4bc9b5n : crc >> 1n;
  }
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, crc, true);
  return out;
}
