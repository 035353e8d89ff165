// BGSAVE and BGREWRITEAOF on a live server fork as the kernel does: the reply comes after a pass over the keys,
// the child serialises while the parent goes on writing, and the file holds exactly the dataset
// of the fork instant, however the parent changed it meanwhile (values copied on first write).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyConfigText, Config } from '../../src/engine/config.js';
import { datasetDigest } from '../../src/engine/digest.js';
import { Engine } from '../../src/engine/engine.js';
import { readChunks } from '../../src/engine/persistence/disk.js';
import { rdbCodec } from '../../src/engine/persistence/rdb-codec.js';
import { PersistentServer } from '../../src/engine/persistence/server.js';
import { MemoryStore } from '../../src/storage/memory-store.js';
import type { ChildThread } from '../../src/engine/index.js';
import { hostThread } from '../../src/sim/host-thread.js';
import { HeldChildStore } from '../support/held-child-store.js';
import { VirtualClock } from '../../src/sim/virtual-clock.js';

// Each one writes in place to values the fork shares (k:0…k:5 of every type, in db 0 and db 1).
const WRITES: string[][] = [
  ['SET', 'k:0', 'replaced'],
  ['APPEND', 'k:0', '+tail'],
  ['SETRANGE', 'k:1', '2', 'XY'],
  ['INCR', 'n:1'],
  ['SETBIT', 'k:1', '900', '1'],
  ['PFADD', 'hll', 'x', 'y', 'z'],
  ['PFCOUNT', 'hll'],
  ['DEL', 'k:2'],
  ['RENAME', 'l:1', 'l:renamed'],
  ['RPUSH', 'l:0', 'new'],
  ['LPOP', 'l:0'],
  ['LSET', 'l:2', '0', 'changed'],
  ['LMOVE', 'l:3', 'l:4', 'LEFT', 'RIGHT'],
  ['LTRIM', 'l:5', '1', '2'],
  ['HSET', 'h:0', 'f0', 'changed', 'new', 'field'],
  ['HDEL', 'h:1', 'f1'],
  ['HINCRBY', 'h:2', 'counter', '5'],
  ['SADD', 's:0', 'added'],
  ['SREM', 's:1', 'm1'],
  ['SMOVE', 's:2', 's:3', 'm2'],
  ['SPOP', 's:4'],
  ['ZADD', 'z:0', '99', 'm0'],
  ['ZINCRBY', 'z:1', '2.5', 'm1'],
  ['ZREM', 'z:2', 'm2'],
  ['ZPOPMIN', 'z:3'],
  ['XADD', 'x:0', '*', 'f', 'v'],
  ['XDEL', 'x:1', '1-1'],
  ['XTRIM', 'x:2', 'MAXLEN', '1'],
  ['EXPIRE', 'k:3', '1000'],
  ['PERSIST', 'k:4'],
  ['EVAL', "redis.call('hset', KEYS[1], 'from', 'script') return 1", '1', 'h:3'],
  ['SINTERSTORE', 's:5', 's:0', 's:1'],
  ['SORT', 'l:0', 'ALPHA', 'STORE', 'l:5'],
  ['MOVE', 'h:4', '1'],
  ['COPY', 'z:4', 'z:copy'],
  ['SWAPDB', '0', '1'],
  ['FLUSHDB'],
  ['SELECT', '1'],
  ['SELECT', '0'],
];

async function seeded(server: PersistentServer): Promise<void> {
  const client = server.engine.createClient();
  for (const db of ['0', '1']) {
    await server.execute(client, ['SELECT', db]);
    for (let i = 0; i < 6; i++) {
      const many = (prefix: string) => Array.from({ length: 5 + i * 40 }, (_, j) => `${prefix}${j}`);
      await server.execute(client, ['SET', `k:${i}`, `value-${i}-${db}`.repeat(i * 10 + 1)]);
      await server.execute(client, ['SET', `n:${i}`, String(i * 7)]);
      await server.execute(client, ['RPUSH', `l:${i}`, ...many('e')]);
      await server.execute(client, ['HSET', `h:${i}`, ...many('f').flatMap((f) => [f, `${f}-value`])]);
      await server.execute(client, ['SADD', `s:${i}`, ...many('m')]);
      await server.execute(client, ['ZADD', `z:${i}`, ...many('m').flatMap((m, j) => [String(j), m])]);
      for (let j = 1; j <= 3; j++) await server.execute(client, ['XADD', `x:${i}`, `${j}-${j}`, 'f', `v${j}`]);
    }
    await server.execute(client, ['PFADD', 'hll', 'a', 'b']);
    await server.execute(client, ['EXPIRE', 'k:4', '5000']);
  }
}

async function fileDigest(store: MemoryStore): Promise<string> {
  const engine = new Engine({ clock: new VirtualClock() });
  await rdbCodec.load(engine, 'dump.rdb', readChunks(store, 'dump.rdb'), {});
  return datasetDigest(engine);
}

async function liveServer(store: MemoryStore, configText = 'appendonly no\nsave ""', childThread?: ChildThread) {
  const config = new Config();
  applyConfigText(config, configText);
  const clock = new VirtualClock();
  const { server } = await PersistentServer.start({ disk: store, config, clock, rdb: rdbCodec, ...(childThread ? { childThread } : {}) });
  return { server, clock };
}

describe('BGSAVE on a live server', () => {
  it('writes the dataset of its fork instant, whatever the parent writes while the child runs', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.constantFrom(...WRITES), { minLength: 1, maxLength: 25 }), fc.integer({ min: 0, max: 3 }), async (writes, holdAt) => {
        const store = new HeldChildStore(holdAt);
        const { server, clock } = await liveServer(store);
        await seeded(server);
        const client = server.engine.createClient();
        expect((await server.execute(client, ['BGSAVE'])).value).toBe('Background saving started');
        const atFork = datasetDigest(server.engine);
        for (const argv of writes) await server.execute(client, argv);
        store.release();
        await server.job!.finished;
        clock.advanceTo(clock.now() + 1000);
        await server.cron();
        expect(server.job).toBeNull();
        expect(await fileDigest(store)).toBe(atFork);
        // The parent's own data went on as written: the fork held nothing back (a server that
        // never forked, given the same writes, ends the same).
        const unforked = (await liveServer(new MemoryStore())).server;
        await seeded(unforked);
        const plain = unforked.engine.createClient();
        for (const argv of writes) await unforked.execute(plain, argv);
        expect(datasetDigest(server.engine)).toBe(datasetDigest(unforked.engine));
      }),
      { numRuns: 60 },
    );
  });

  it('BGREWRITEAOF: the new base holds the fork instant and the new incr what came after, with either base format', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.constantFrom(...WRITES), { minLength: 1, maxLength: 25 }), fc.integer({ min: 0, max: 3 }), fc.boolean(), async (writes, holdAt, preamble) => {
        const store = new HeldChildStore(holdAt);
        const { server, clock } = await liveServer(store, `appendonly yes\nappendfsync always\nsave ""\naof-use-rdb-preamble ${preamble ? 'yes' : 'no'}`);
        await seeded(server);
        const client = server.engine.createClient();
        expect((await server.execute(client, ['BGREWRITEAOF'])).value).toBe('Background append only file rewriting started');
        for (const argv of writes) await server.execute(client, argv);
        store.release();
        await server.job!.finished;
        clock.advanceTo(clock.now() + 1000);
        await server.cron();
        expect(server.status.lastRewrite?.baseFormat).toBe(preamble ? 'rdb' : 'resp');
        const live = datasetDigest(server.engine);
        await server.shutdown();
        // Base and incr together replay to the dataset as it is: nothing twice, nothing missing.
        const { server: restarted } = await liveServer(store, 'appendonly yes\nsave ""');
        expect(datasetDigest(restarted.engine)).toBe(live);
      }),
      { numRuns: 30 },
    );
  });

  it('answers before the child has serialised anything, and copies only the values written to', async () => {
    const store = new HeldChildStore(0);
    const { server, clock } = await liveServer(store);
    const client = server.engine.createClient();
    for (let i = 0; i < 200; i++) await server.execute(client, ['RPUSH', `list:${i}`, ...Array.from({ length: 50 }, (_, j) => `element-${j}`)]);
    await server.execute(client, ['BGSAVE']);
    // The child is held at its first write: nothing was serialised, yet the parent serves.
    expect((await server.execute(client, ['RPUSH', 'list:7', 'after'])).value).toBe(51);
    expect((await server.execute(client, ['LLEN', 'list:7'])).value).toBe(51);
    store.release();
    await server.job!.finished;
    clock.advanceTo(clock.now() + 1000);
    await server.cron();
    const engine = new Engine({ clock: new VirtualClock() });
    await rdbCodec.load(engine, 'dump.rdb', readChunks(store, 'dump.rdb'), {});
    const llen = (key: string) => engine.execute(engine.createClient(), ['LLEN', key]).value;
    expect(llen('list:7')).toBe(50);
    expect(llen('list:8')).toBe(50);
  });

  it("SORT's conversion of a sorted set to a skiplist (a read that changes memory) leaves the child's listpack alone", async () => {
    const store = new HeldChildStore(0);
    const { server, clock } = await liveServer(store);
    const client = server.engine.createClient();
    await server.execute(client, ['ZADD', 'ranked', '3', 'a', '1', 'b', '2', 'c']);
    await server.execute(client, ['BGSAVE']);
    expect((await server.execute(client, ['SORT', 'ranked', 'ALPHA'])).value).toHaveLength(3);
    expect((await server.execute(client, ['OBJECT', 'ENCODING', 'ranked'])).value).toBe('skiplist');
    store.release();
    await server.job!.finished;
    clock.advanceTo(clock.now() + 1000);
    await server.cron();
    // The file's type byte before the key: 17 is a listpack sorted set, 5 a skiplist (RDB_TYPE_ZSET_2).
    const chunks: number[] = [];
    for await (const chunk of readChunks(store, 'dump.rdb')) chunks.push(...chunk);
    const file = chunks.join(',');
    const key = [...new TextEncoder().encode('ranked')].join(',');
    expect(file).toContain(`17,6,${key}`);
    expect(file).not.toContain(`5,6,${key}`);
  });

  it('a child working in slices lets commands run between them, and finishes under a cron loop that never yields', async () => {
    let pauses = 0;
    let ms = 0;
    // 10 ms pass between any two looks at the clock: the child hands the thread back after each chunk.
    const thread: ChildThread = { now: () => (ms += 10), handBack: () => new Promise((resolve) => void (pauses++, setTimeout(resolve, 0))) };
    const { server } = await liveServer(new MemoryStore(), 'appendonly no\nsave ""', thread);
    const client = server.engine.createClient();
    for (let i = 0; i < 20_000; i += 1000) await server.execute(client, ['MSET', ...Array.from({ length: 1000 }, (_, j) => [`key:${i + j}`, 'v'.repeat(40)]).flat()]);
    const atFork = datasetDigest(server.engine);
    await server.execute(client, ['BGSAVE']);
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(server.job!.done).toBe(false);
    expect((await server.execute(client, ['SET', 'key:1', 'between slices'])).value).toBe('OK');
    // serverCron in a loop of promises alone: each call lets the paused child go on.
    for (let ticks = 0; server.job && ticks < 10_000; ticks++) await server.cron();
    expect(server.job).toBeNull();
    expect(pauses).toBeGreaterThan(3);
    expect(await fileDigest(server.disk as MemoryStore)).toBe(atFork);
  });

  it("BGSAVE's reply leaves before the child does any work: it hands the thread back first", async () => {
    let handBacks = 0;
    let resumeChild = () => {};
    // A thread whose clock never moves: without that first hand-back the child would write its whole file before the reply.
    const thread: ChildThread = { now: () => 0, handBack: () => new Promise((resolve) => void (handBacks++, (resumeChild = () => resolve(undefined)))) };
    const store = new MemoryStore();
    const { server, clock } = await liveServer(store, 'appendonly no\nsave ""', thread);
    const client = server.engine.createClient();
    await server.execute(client, ['MSET', ...Array.from({ length: 500 }, (_, j) => [`key:${j}`, 'v'.repeat(40)]).flat()]);
    expect((await server.execute(client, ['BGSAVE'])).value).toBe('Background saving started');
    expect(handBacks).toBe(1);
    expect((await store.list('')).filter((name) => name.startsWith('temp-'))).toEqual([]);
    resumeChild();
    await server.job!.finished;
    clock.advanceTo(clock.now() + 1000);
    await server.cron();
    expect(await store.list('')).toContain('dump.rdb');
  });

  it('the host thread pauses a child for a macrotask', async () => {
    let ranBetween = false;
    setTimeout(() => (ranBetween = true), 0);
    await hostThread.handBack();
    expect(ranBetween).toBe(true);
  });
});
