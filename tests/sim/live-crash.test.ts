// The live crash report: the ack log's window and lost keys against a model, and the live
// workload crashed for real on a page-cache disk, restarted, and judged by its policy.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyConfigText, Config } from '../../src/engine/config.js';
import { rdbCodec } from '../../src/engine/persistence/rdb-codec.js';
import { PersistentServer } from '../../src/engine/persistence/server.js';
import { presetById } from '../../src/scenario/presets.js';
import { AckLog, judgeLiveCrash } from '../../src/sim/live-crash.js';
import { ServerWatch } from '../../src/sim/server-watch.js';
import { VirtualClock } from '../../src/sim/virtual-clock.js';
import { MemoryStore } from '../../src/storage/memory-store.js';
import { PageCacheStore } from '../../src/storage/page-cache.js';
import { ackedCounter, LiveWorkload } from '../../src/worker/live-workload.js';

function configOf(text: string): Config {
  const config = new Config();
  expect(applyConfigText(config, text)).toEqual([]);
  return config;
}

describe('the ack log and the live judgement', () => {
  it('finds the loss window and the lost keys of any crash, also beyond the ring, from its checkpoints', () => {
    const config = configOf(presetById('aof-everysec')!.config);
    fc.assert(
      fc.property(
        fc.array(fc.record({ gap: fc.integer({ min: 0, max: 500 }), key: fc.constantFrom('a', 'b', 'c', 'd', 'e') }), { maxLength: 80 }),
        fc.record({ capacity: fc.integer({ min: 1, max: 24 }), stride: fc.integer({ min: 1, max: 6 }), checkpointCapacity: fc.integer({ min: 1, max: 8 }) }),
        fc.nat(),
        fc.integer({ min: 0, max: 3000 }),
        (writes, { capacity, stride, checkpointCapacity }, pick, tail) => {
          const log = new AckLog(capacity, stride, checkpointCapacity);
          let at = 1_000;
          const times: number[] = [];
          writes.forEach((w, i) => {
            at += w.gap;
            times.push(at);
            log.record(i + 1, at, w.key);
          });
          const acked = writes.length;
          const recovered = acked === 0 ? 0 : pick % (acked + 1);
          const crashAt = at + tail;
          const report = judgeLiveCrash({ acked, crashAt, lastSnapshotSeq: 0, recent: log.recent() }, recovered, { config, crash: 'power' });
          expect(report.lost).toBe(acked - recovered);
          // Write i (0-based) is the one the counter value i + 1 acknowledged; recovered is the first lost one's index.
          const ringStart = Math.max(0, acked - capacity);
          const everyCheckpoint = writes.map((_, i) => i).filter((i) => i % stride === 0);
          const checkpoints = everyCheckpoint.slice(-checkpointCapacity).filter((i) => i < ringStart);
          const before = checkpoints.filter((i) => i <= recovered).at(-1);
          if (recovered === acked) {
            expect(report.lostWindowMs).toBe(0);
            expect(report.lostBeforeLog).toBe(0);
          } else if (recovered >= ringStart) {
            expect(report.lostWindowMs).toBe(crashAt - times[recovered]!);
            expect(report.lostBeforeLog).toBe(0);
          } else if (before !== undefined) {
            // Timed from the checkpoint at or before the first lost write: fewer than `stride` writes early.
            expect(report.lostWindowMs).toBe(crashAt - times[before]!);
            expect(recovered - before).toBeLessThan(stride);
            expect(report.lostBeforeLog).toBe(0);
          } else {
            const oldest = checkpoints[0] ?? ringStart;
            expect(report.lostWindowMs).toBe(crashAt - times[oldest]!);
            expect(report.lostBeforeLog).toBe(oldest - recovered);
            expect(report.lostBeforeStart).toBe(everyCheckpoint.length <= checkpointCapacity);
          }
          const lostInLog = writes.slice(Math.max(recovered, ringStart)).map((w) => w.key);
          expect(report.lostKeys).toEqual([...new Set(lostInLog)]);
          expect(report.held).toBe(recovered === acked || report.lostWindowMs <= 2_000);
        },
      ),
    );
  });

  it("counts the lost writes acknowledged before the workload's server started apart from those it timed", () => {
    // The dataset came with 100 acknowledged writes (a policy change keeps it); this server acknowledged 101–150.
    const log = new AckLog();
    for (let seq = 101; seq <= 150; seq++) log.record(seq, seq * 10, `key:${seq}`);
    const report = judgeLiveCrash({ acked: 150, crashAt: 1_600, lastSnapshotSeq: 0, recent: log.recent() }, 0, { config: configOf(presetById('none')!.config), crash: 'power' });
    expect(report).toMatchObject({ lost: 150, lostBeforeLog: 100, lostBeforeStart: true, lostWindowMs: 590 });
    expect(report.held).toBe(true);
  });

  it('keeps at most 100 lost keys, in the order they were written', () => {
    const log = new AckLog(1000);
    for (let i = 1; i <= 500; i++) log.record(i, i, `key:${i}`);
    const report = judgeLiveCrash({ acked: 500, crashAt: 600, lastSnapshotSeq: 0, recent: log.recent() }, 250, { failoverLinkDelayMs: 500 });
    expect(report.lostKeys).toHaveLength(100);
    expect(report.lostKeys[0]).toBe('key:251');
    expect(report.lostWindowMs).toBe(349);
    expect(report.held).toBe(true);
    expect(report.promise).toContain('500 ms (the link delay)');
  });
});

/**
 * The live workload against a server on a page-cache disk, with cron and writeback ticking every
 * 100 ms of server time as in the worker. Server time is virtual and moves only here, so how busy
 * the machine is cannot stretch the run between two crons.
 */
async function liveRun(presetId: string, runMs: number, during?: (server: PersistentServer) => Promise<void>) {
  const config = configOf(presetById(presetId)!.config);
  const backend = new MemoryStore();
  const clock = new VirtualClock();
  const cache = new PageCacheStore(backend, { now: () => clock.now() });
  const { server } = await PersistentServer.start({ disk: cache, config, clock, rdb: rdbCodec });
  const marks = new ServerWatch(server, () => ackedCounter(server.engine));
  const workload = new LiveWorkload(server, () => marks.lastSnapshotMark);
  workload.start({ rate: 0, ratePerSecond: null, clients: 4, pipeline: 4, keys: 200, distribution: 'uniform', valueSize: 16, mix: { set: 4, incr: 2, list: 1, hash: 1, sadd: 1, zadd: 1, del: 1 } }, 7);
  const start = clock.now();
  for (let t = 10; t <= runMs; t += 10) {
    clock.advanceTo(start + t);
    if (t % 100 === 0) {
      await server.cron();
      await cache.writeback();
    }
    if (t === runMs / 2) await during?.(server);
    // The workload's turns run between the clock's steps.
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  const record = await workload.halt();
  await cache.powerLoss();
  const restarted = await PersistentServer.start({ disk: backend, config, clock, rdb: rdbCodec });
  const recovered = ackedCounter(restarted.server.engine);
  return { record, recovered, report: judgeLiveCrash(record, recovered, { config, crash: 'power' }) };
}

describe('a live workload crashed by a power loss', () => {
  it('everysec: what the last fsync covered survives, the loss window is under the promised 2 s', async () => {
    const { record, recovered, report } = await liveRun('aof-everysec', 2_500);
    expect(record.acked).toBeGreaterThan(500);
    expect(report.recovered).toBe(recovered);
    expect(recovered).toBeGreaterThan(0);
    expect(report.lostWindowMs).toBeLessThanOrEqual(2_000);
    expect(report.held).toBe(true);
  });

  it('a snapshot policy: recovery is exactly the last completed BGSAVE, judged as promised', async () => {
    const { record, recovered, report } = await liveRun('rdb-1h', 1_000, async (server) => {
      await server.execute(server.engine.createClient(), ['BGSAVE']);
      while (server.job) await server.cron();
    });
    expect(record.lastSnapshotSeq).toBeGreaterThan(0);
    expect(recovered).toBe(record.lastSnapshotSeq);
    expect(record.acked).toBeGreaterThan(recovered);
    expect(report.held).toBe(true);
    expect(report.verdict).toBe(`The last completed snapshot held ${recovered.toLocaleString('en-US')} writes; the ${(record.acked - recovered).toLocaleString('en-US')} after it were lost, as promised.`);
  });
});
