// Streams in RDB files, both ways against redis-server 7.0: redis's dump.rdb loads in the lab
// with the same digest and the same XINFO STREAM FULL (entries, tombstones, counters, groups,
// pending entries with their times); the lab's file passes redis-check-rdb and loads in redis
// the same way; without compression the lab writes redis's stream records byte for byte; the
// 5.0–6.2 stream layout (type 15) loads as redis loads it.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { systemClock } from '../../src/engine/clock.js';
import { datasetDigest } from '../../src/engine/digest.js';
import { Engine } from '../../src/engine/engine.js';
import { idToBytes } from '../../src/engine/keyspace/stream-id.js';
import type { StreamValue } from '../../src/engine/keyspace/stream.js';
import { loadRdb } from '../../src/engine/rdb/reader.js';
import { encodeStreamNode } from '../../src/engine/rdb/stream-codec.js';
import { rdbChunks } from '../../src/engine/rdb/writer.js';
import type { Reply } from '../../src/engine/resp/reply.js';
import { streamDataset, streamInspection } from '../support/datasets.js';
import { RedisServer } from '../support/redis-server.js';
import { inChunks, labWith } from '../support/lab.js';
import { useScratch } from '../support/scratch.js';

const { tempDir, servers } = useScratch('lab-stream-rdb-');

async function startRedis(options: { dir?: string; args?: string[] } = {}): Promise<RedisServer> {
  const server = await RedisServer.start(options);
  servers.push(server);
  return server;
}



async function labLoad(bytes: Uint8Array, chunkSize = 1 << 20): Promise<Engine> {
  const engine = new Engine({ clock: systemClock });
  await loadRdb(engine, inChunks(bytes, chunkSize), { keepExpired: true });
  return engine;
}

function labFile(engine: Engine, compression: boolean): Uint8Array {
  return Buffer.concat([...rdbChunks(engine.dbs, { compression, checksum: true, aofBase: false, now: Date.now(), usedMemory: 1_000_000 })]);
}

function labReplies(engine: Engine, commands: readonly string[][]): Reply[] {
  const client = engine.createClient();
  return commands.map((argv) => engine.execute(client, argv));
}

/** The bytes from the first SELECTDB to the EOF opcode: everything but the AUX fields and CRC. */
async function body(bytes: Uint8Array): Promise<Buffer> {
  let start = -1;
  await loadRdb(new Engine({ clock: systemClock }), inChunks(bytes, bytes.length), {
    keepExpired: true,
    onRecord: (from, _to, what) => {
      if (start < 0 && what.startsWith('SELECTDB')) start = from;
    },
  });
  return Buffer.from(bytes.subarray(start, bytes.length - 9));
}

async function redisDump(commands: readonly string[][], args: string[] = []): Promise<{ bytes: Uint8Array; dir: string; redis: RedisServer }> {
  const dir = tempDir();
  const redis = await startRedis({ dir, args });
  for (const [i, reply] of (await redis.pipeline(commands)).entries()) expect(reply.kind, commands[i]!.join(' ')).not.toBe('error');
  expect(await redis.command('SAVE')).toEqual({ kind: 'status', value: 'OK' });
  return { bytes: new Uint8Array(readFileSync(join(dir, 'dump.rdb'))), dir, redis };
}

const inspection = streamInspection(streamDataset());

describe('streams: redis-server → lab', () => {
  it('loads redis dump.rdb streams (nodes, tombstones, groups, PELs) with the same digest and XINFO', async () => {
    const { bytes, redis } = await redisDump(streamDataset());
    const engine = await labLoad(bytes, 331);
    expect(datasetDigest(engine)).toBe((await redis.command('DEBUG', 'DIGEST') as { value: string }).value);
    // A restarted redis reads the same file: both sides now hold the same times.
    const reloaded = await startRedis({ dir: redis.dir });
    expect(labReplies(engine, inspection)).toEqual(await reloaded.pipeline(inspection));
  });

  it('writes the stream records redis wrote, byte for byte (rdbcompression no)', async () => {
    const { bytes } = await redisDump(streamDataset(), ['--rdbcompression', 'no']);
    const engine = await labLoad(bytes);
    const again = labFile(engine, false);
    expect((await body(again)).toString('hex')).toBe((await body(bytes)).toString('hex'));
  });

  it('builds the same listpack nodes as redis from the same XADDs (node splits by entries and bytes)', async () => {
    const { bytes } = await redisDump(streamDataset(), ['--rdbcompression', 'no']);
    const lab = labWith(streamDataset());
    const redisSide = await labLoad(bytes);
    for (const key of ['stream:big', 'stream:same-fields', 'stream:extreme']) {
      const ours = lab.dbs[0]!.dict.get(key) as StreamValue;
      const theirs = redisSide.dbs[0]!.dict.get(key) as StreamValue;
      if (key === 'stream:big') expect(theirs.nodes.length).toBeGreaterThan(3);
      expect(ours.nodes.map((n) => Buffer.from(encodeStreamNode(n)).toString('hex'))).toEqual(theirs.nodes.map((n) => Buffer.from(encodeStreamNode(n)).toString('hex')));
    }
  });
});

describe('streams: lab → redis-server', () => {
  for (const compression of [true, false]) {
    it(`writes streams (compression ${compression}) that redis-check-rdb accepts and redis loads with the same digest and XINFO`, async () => {
      const engine = labWith(streamDataset());
      const dir = tempDir();
      const bytes = labFile(engine, compression);
      writeFileSync(join(dir, 'dump.rdb'), bytes);
      const check = spawnSync('redis-check-rdb', [join(dir, 'dump.rdb')], { encoding: 'utf8' });
      expect(check.stdout).toContain('RDB looks OK');
      expect(check.status).toBe(0);
      const redis = await startRedis({ dir });
      expect(await redis.command('DEBUG', 'DIGEST')).toEqual({ kind: 'status', value: datasetDigest(engine) });
      expect(await redis.pipeline(inspection)).toEqual(labReplies(engine, inspection));
    });
  }
});

describe('streams: the 5.0–6.2 layout (type 15)', () => {
  it('loads like redis-server: entries-added from the length, read counters estimated', async () => {
    const engine = labWith(streamDataset());
    const bytes = await v1File(engine);
    const dir = tempDir();
    writeFileSync(join(dir, 'dump.rdb'), bytes);
    const redis = await startRedis({ dir });
    const lab = await labLoad(bytes, 97);
    expect(datasetDigest(lab)).toBe((await redis.command('DEBUG', 'DIGEST') as { value: string }).value);
    expect(labReplies(lab, inspection)).toEqual(await redis.pipeline(inspection));
  });
});

/** The dataset's streams written as Redis 6.2 wrote them (RDB 9, type 15), built by hand. */
async function v1File(engine: Engine): Promise<Uint8Array> {
  const out: number[] = [...Buffer.from('REDIS0009', 'latin1')];
  const len = (n: bigint) => {
    if (n < 64n) out.push(Number(n));
    else if (n < 16384n) out.push(0x40 | Number(n >> 8n), Number(n & 0xffn));
    else if (n <= 0xffffffffn) out.push(0x80, ...bigEndian(n, 4));
    else out.push(0x81, ...bigEndian(n, 8));
  };
  const str = (s: string) => {
    len(BigInt(s.length));
    out.push(...Buffer.from(s, 'latin1'));
  };
  for (const db of engine.dbs) {
    const streams = [...db.dict].filter(([, v]) => typeof v === 'object' && 'type' in v && v.type === 'stream') as [string, StreamValue][];
    if (streams.length === 0) continue;
    out.push(0xfe, db.id);
    for (const [key, s] of streams) {
      out.push(15);
      str(key);
      len(BigInt(s.nodes.length));
      for (const node of s.nodes) {
        len(16n);
        out.push(...idToBytes(node.master));
        const lp = encodeStreamNode(node);
        len(BigInt(lp.length));
        out.push(...lp);
      }
      len(BigInt(s.length));
      len(s.lastId.ms);
      len(s.lastId.seq);
      const groups = s.sortedGroups();
      len(BigInt(groups.length));
      for (const [name, group] of groups) {
        str(name);
        len(group.lastId.ms);
        len(group.lastId.seq);
        len(BigInt(group.pel.size));
        group.pel.ids.forEach((id, i) => {
          out.push(...idToBytes(id), ...littleEndian(BigInt(group.pel.values[i]!.deliveryTime), 8));
          len(group.pel.values[i]!.deliveryCount);
        });
        const consumers = group.sortedConsumers();
        len(BigInt(consumers.length));
        for (const consumer of consumers) {
          str(consumer.name);
          out.push(...littleEndian(BigInt(consumer.seenTime), 8));
          len(BigInt(consumer.pel.size));
          for (const id of consumer.pel.ids) out.push(...idToBytes(id));
        }
      }
    }
  }
  out.push(0xff, 0, 0, 0, 0, 0, 0, 0, 0);
  return new Uint8Array(out);
}

function bigEndian(n: bigint, width: number): number[] {
  return Array.from({ length: width }, (_, i) => Number((n >> BigInt(8 * (width - 1 - i))) & 0xffn));
}

function littleEndian(n: bigint, width: number): number[] {
  return Array.from({ length: width }, (_, i) => Number((BigInt.asUintN(64, n) >> BigInt(8 * i)) & 0xffn));
}
