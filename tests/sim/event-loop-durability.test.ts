// The event loop's promises, for random client counts, pipelines and fsync policies: each turn
// appends its writes with one write() (and under always one fsync) before any of its replies
// leaves; the AOF is always a whole number of turns; under always nothing acknowledged is lost
// to a power loss, even one that strikes in the middle of a turn. Seen from the page-cache
// model's call log (what strace would show) and from a restart on what survived.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyConfigText, Config, datasetDigest, Engine, PersistentServer, rdbCodec, type Disk } from '../../src/engine/index.js';
import { ClientPool } from '../../src/sim/clients.js';
import { VirtualClock } from '../../src/sim/virtual-clock.js';
import { MemoryStore } from '../../src/storage/memory-store.js';
import { PageCacheStore, type StorageCall } from '../../src/storage/page-cache.js';

type Policy = 'always' | 'everysec' | 'no';

interface LoopCase {
  policy: Policy;
  clients: number;
  pipeline: number;
  /** Per step: virtual ms that pass, then writes that arrive (a turn follows if any were sent). */
  steps: { gapMs: number; arrivals: number }[];
  /** The process dies at its n-th storage call after start-up (null: it lives to the end). */
  dieAtCall: number | null;
  /** Modelled fsync durations, used in turn (empty: a fast disk). */
  fsyncMs: number[];
  /** serverCron at every step (0), or on its own grid of this many ms, as hz 10 runs it between turns. */
  cronEveryMs?: number;
}

/** One turn the server ran. */
interface Turn {
  argvs: string[][];
  /** Index in the call log where the turn began, and where its replies left. */
  from: number;
  repliedAt: number;
  /** Its replies reached the clients (the process did not die during it). */
  acknowledged: boolean;
  /** Virtual ms it ran at. */
  at: number;
}

/** The disk as a process sees it: once the process is dead it makes no more calls. */
class MortalDisk implements Disk {
  dead = false;
  private calls = 0;
  private dieAtCall: number | null = null;
  constructor(private readonly inner: Disk) {}

  /** From now on, the `dieAtCall`-th call is the one the process does not live to make. */
  arm(dieAtCall: number | null): void {
    this.dieAtCall = dieAtCall;
  }

  private call<T>(run: () => Promise<T>): Promise<T> {
    if (!this.dead && this.dieAtCall !== null && ++this.calls >= this.dieAtCall) this.dead = true;
    return this.dead ? Promise.reject(new Error('the process is dead')) : run();
  }

  list = (dir: string) => this.call(() => this.inner.list(dir));
  size = (path: string) => this.call(() => this.inner.size(path));
  read = (path: string, offset: number, length: number) => this.call(() => this.inner.read(path, offset, length));
  write = (path: string, offset: number, data: Uint8Array) => this.call(() => this.inner.write(path, offset, data));
  append = (path: string, data: Uint8Array) => this.call(() => this.inner.append(path, data));
  flush = (path: string) => this.call(() => this.inner.flush(path));
  flushUpTo = (path: string, size: number) => this.call(() => this.inner.flushUpTo!(path, size));
  truncate = (path: string, size: number) => this.call(() => this.inner.truncate(path, size));
  rename = (from: string, to: string) => this.call(() => this.inner.rename(from, to));
  delete = (path: string) => this.call(() => this.inner.delete(path));
  flushDir = (dir: string) => this.call(() => this.inner.flushDir(dir));
}

function config(policy: Policy): Config {
  const c = new Config();
  applyConfigText(c, `appendonly yes\nappendfsync ${policy}\nsave ""\nauto-aof-rewrite-percentage 0`);
  return c;
}

/** Runs the clients against a server until the steps end or the process dies; then the power goes. */
async function runLoop(loop: LoopCase) {
  const clock = new VirtualClock();
  const calls: StorageCall[] = [];
  const backend = new MemoryStore();
  const cache = new PageCacheStore(backend, { now: () => clock.now(), trace: (call) => calls.push(call) });
  const disk = new MortalDisk(cache);
  let fsyncs = 0;
  const fsyncDurationMs = loop.fsyncMs.length > 0 ? { fsyncDurationMs: () => loop.fsyncMs[fsyncs++ % loop.fsyncMs.length]! } : {};
  const { server } = await PersistentServer.start({ disk, config: config(loop.policy), clock, rdb: rdbCodec, ...fsyncDurationMs });
  const incr = server.aof!.incrPath;
  const started = clock.now();
  // The trace from here on: the loop's calls, not start-up's.
  calls.length = 0;
  disk.arm(loop.dieAtCall);
  const pool = new ClientPool(
    Array.from({ length: loop.clients }, () => server.engine.createClient()),
    loop.pipeline,
  );
  const turns: Turn[] = [];
  const stepTimes: number[] = [];
  const backgroundFsyncs: { started: number; returned: number }[] = [];
  server.events.on((event) => void (event.type === 'fsync' && backgroundFsyncs.push({ started: event.at, returned: event.at + event.durationMs })));
  // Where in the call log each modelled background fsync started (it makes no call until it returns).
  const fsyncStartCall = new Map<number, number>();
  let seenReturn = server.fsyncReturnsAt;
  const noteFsyncStart = () => {
    if (server.fsyncReturnsAt !== seenReturn && Number.isFinite(server.fsyncReturnsAt)) fsyncStartCall.set(clock.now(), calls.length);
    seenReturn = server.fsyncReturnsAt;
  };
  let nextCron = 0;
  let seq = 0;
  try {
    for (const step of loop.steps) {
      clock.advanceTo(clock.now() + step.gapMs);
      stepTimes.push(clock.now());
      if (!loop.cronEveryMs) await server.cron();
      else if (clock.now() >= nextCron) {
        await server.cron();
        nextCron = (Math.floor(clock.now() / loop.cronEveryMs) + 1) * loop.cronEveryMs;
      }
      noteFsyncStart();
      await cache.writeback();
      for (let i = 0; i < step.arrivals; i++, seq++) pool.arrive(seq % 3 === 0 ? ['INCR', 'counter'] : ['RPUSH', `list:${seq % 5}`, `v${seq}`], clock.now());
      if (disk.dead) break;
      if (!pool.hasSent) continue;
      const batch = [...pool.takeSent()];
      const turn: Turn = { argvs: batch.map((w) => w.argv), from: calls.length, repliedAt: -1, acknowledged: false, at: clock.now() };
      turns.push(turn);
      await server.executeTurn(batch.map(({ client, argv }) => ({ client, argv })));
      noteFsyncStart();
      // A turn during which the process died never sent its replies.
      if (disk.dead) break;
      turn.repliedAt = calls.length;
      turn.acknowledged = true;
      for (const write of batch) pool.replied(write.slot);
    }
  } catch (e) {
    if (!disk.dead) throw e;
  }
  // A background fsync that returned before the power loss made its bytes durable, whether or
  // not a cron or a write has come by since.
  if (!disk.dead) await server.finishBackgroundFsync();
  const appends = calls.filter((c) => c.op === 'append' && c.path === incr);
  const crashAt = clock.now();
  await cache.powerLoss();
  const survived = (await backend.size(incr)) ?? 0;
  const restarted = await PersistentServer.start({ disk: backend, config: config(loop.policy), clock, rdb: rdbCodec });
  return { calls, turns, stepTimes, acknowledged: turns.filter((t) => t.acknowledged), appends, incr, survived, crashAt, backgroundFsyncs, fsyncStartCall, started, recovered: datasetDigest(restarted.server.engine) };
}

/** The dataset after the first `k` turns. */
function digestAfter(turns: readonly Turn[], k: number): string {
  const engine = new Engine({ clock: new VirtualClock() });
  const client = engine.createClient();
  for (const turn of turns.slice(0, k)) for (const argv of turn.argvs) engine.execute(client, argv);
  return datasetDigest(engine);
}

const loopCase = (policy: fc.Arbitrary<Policy>, dies: boolean): fc.Arbitrary<LoopCase> =>
  fc.record({
    policy,
    clients: fc.integer({ min: 1, max: 60 }),
    pipeline: fc.integer({ min: 1, max: 16 }),
    steps: fc.array(fc.record({ gapMs: fc.integer({ min: 0, max: 700 }), arrivals: fc.integer({ min: 0, max: 40 }) }), { minLength: 1, maxLength: 40 }),
    dieAtCall: dies ? fc.option(fc.integer({ min: 1, max: 100 }), { freq: 4 }) : fc.constant(null),
    fsyncMs: fc.constant([]),
  });

const POLICIES = fc.constantFrom<Policy>('always', 'everysec', 'no');

describe('the event loop', () => {
  it('keeps whole turns in the AOF, and under always every acknowledged write, across a power loss at any call', async () => {
    let grouped = 0;
    let diedMidRun = 0;
    await fc.assert(
      fc.asyncProperty(loopCase(POLICIES, true), async (loop) => {
        const { turns, acknowledged, appends, survived, recovered } = await runLoop(loop);
        // What survived ends exactly where one of the turns' writes ended.
        const ends = [0];
        for (const append of appends) ends.push(ends.at(-1)! + append.bytes);
        const k = ends.indexOf(survived);
        expect(k, `${survived} bytes survived; turns end at ${ends.join(', ')}`).toBeGreaterThanOrEqual(0);
        // And it is those turns' writes: a restart has the dataset after exactly the first k turns.
        expect(recovered).toBe(digestAfter(turns, k));
        if (loop.policy === 'always') expect(k, 'acknowledged turns lost under always').toBeGreaterThanOrEqual(acknowledged.length);
        if (turns.some((t) => t.argvs.length > 1)) grouped++;
        // The process died after a turn's write, before its replies.
        if (appends.length > acknowledged.length) diedMidRun++;
      }),
      { numRuns: 150 },
    );
    expect(grouped).toBeGreaterThan(50);
    expect(diedMidRun).toBeGreaterThan(0);
  }, 300_000);

  it('under always: one write and one fsync per turn, both before any of its replies', async () => {
    let commands = 0;
    let turnCount = 0;
    await fc.assert(
      fc.asyncProperty(loopCase(fc.constant('always'), false), async (loop) => {
        const { calls, acknowledged, incr } = await runLoop(loop);
        for (const turn of acknowledged) {
          const during = calls.slice(turn.from, turn.repliedAt).filter((c) => c.path === incr);
          expect(during.map((c) => c.op)).toEqual(['append', 'flush']);
          commands += turn.argvs.length;
        }
        turnCount += acknowledged.length;
        // Nothing of the AOF's is written or fsynced outside the turns (not by serverCron either).
        const aofCalls = calls.flatMap((c, i) => (c.path === incr ? [i] : []));
        expect(aofCalls.length).toBe(2 * acknowledged.length);
      }),
      { numRuns: 60 },
    );
    // Group commit: far fewer fsyncs than commands.
    expect(commands).toBeGreaterThan(3 * turnCount);
  }, 300_000);

  it('under everysec: one write per turn before its replies, and at most one fsync a second, started right after a write or by serverCron', async () => {
    let fsyncs = 0;
    await fc.assert(
      // serverCron before every turn, or on a grid of its own. (The test further down makes a turn come first in a new second.)
      fc.asyncProperty(loopCase(fc.constant('everysec'), false), fc.constantFrom(0, 100, 1_000), async (loop, cronEveryMs) => {
        const { calls, acknowledged, incr } = await runLoop({ ...loop, cronEveryMs });
        for (const turn of acknowledged) {
          // try_fsync: the first turn of a new second starts the background fsync just after its write.
          const ops = calls.slice(turn.from, turn.repliedAt).filter((c) => c.path === incr).map((c) => c.op);
          expect(ops).toEqual(ops.length === 2 ? ['append', 'flush'] : ['append']);
        }
        const seconds = calls.filter((c) => c.path === incr && c.op === 'flush').map((c) => Math.floor(c.at / 1000));
        for (let i = 1; i < seconds.length; i++) expect(seconds[i]!).toBeGreaterThan(seconds[i - 1]!);
        fsyncs += seconds.length;
      }),
      { numRuns: 60 },
    );
    expect(fsyncs).toBeGreaterThan(0);
  }, 300_000);

  it('under everysec on a slow disk: at most one fsync a second, and a write waits behind a busy fsync at most 2 s', async () => {
    let postponed = 0;
    let heldToDeadline = 0;
    const slowDisk = fc.array(fc.integer({ min: 0, max: 3_000 }), { minLength: 1, maxLength: 5 });
    await fc.assert(
      fc.asyncProperty(loopCase(fc.constant('everysec'), false), slowDisk, async (fast, fsyncMs) => {
        const { calls, acknowledged, incr, stepTimes, backgroundFsyncs } = await runLoop({ ...fast, fsyncMs });
        const aof = calls.filter((c) => c.path === incr);
        // One started a second at most: no more fsyncs than seconds the server ran in.
        expect(aof.filter((c) => c.op === 'flush').length).toBeLessThanOrEqual(new Set(stepTimes.map((t) => Math.floor(t / 1000))).size);
        for (const turn of acknowledged) {
          const inTurn = calls.slice(turn.from, turn.repliedAt).filter((c) => c.path === incr);
          // A background fsync that returned since the last cron is settled before the turn's
          // write: it is the background job's, not the turn's.
          const settled = inTurn[0]?.op === 'flush' && backgroundFsyncs.some((f) => f.returned <= inTurn[0]!.at);
          const during = settled ? inTurn.slice(1) : inTurn;
          expect(during.map((c) => c.op)).toEqual(during.length === 0 ? [] : ['append']);
          if (during.length > 0) continue;
          // Postponed behind a busy fsync (its replies left without it, as in Redis): written at
          // the first chance 2 s later at the latest.
          postponed++;
          const deadline = stepTimes.find((t) => t >= turn.at + 2_000);
          if (deadline === undefined) continue;
          expect(calls.slice(turn.repliedAt).some((c) => c.path === incr && c.op === 'append' && c.at <= deadline)).toBe(true);
          heldToDeadline++;
        }
      }),
      { numRuns: 60 },
    );
    expect(postponed).toBeGreaterThan(0);
    expect(heldToDeadline).toBeGreaterThan(0);
  }, 300_000);

  it('under everysec on a modelled disk: a power loss keeps what was written before the last background fsync that returned began, and nothing written while it ran or after', async () => {
    let returnedBeforeTick = 0;
    const disk = fc.array(fc.oneof(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 3_000 })), { minLength: 1, maxLength: 5 });
    await fc.assert(
      fc.asyncProperty(loopCase(fc.constant('everysec'), false), disk, async (fast, fsyncMs) => {
        const { calls, appends, survived, crashAt, backgroundFsyncs, fsyncStartCall } = await runLoop({ ...fast, fsyncMs, cronEveryMs: 100 });
        const sum = (written: typeof appends) => written.reduce((total, a) => total + a.bytes, 0);
        const returned = backgroundFsyncs.filter((f) => f.returned <= crashAt).at(-1);
        // Writes are ordered by the call log: the turn that starts an fsync writes just before it, at the same instant.
        const startCall = returned ? fsyncStartCall.get(returned.started) : 0;
        expect(startCall, 'where the fsync that returned started').toBeDefined();
        const writtenBeforeStart = appends.filter((a) => calls.indexOf(a) < startCall!);
        // At least what was written before it started.
        expect(survived).toBeGreaterThanOrEqual(sum(writtenBeforeStart));
        // At most that, and what the kernel's writeback (30 s old) wrote meanwhile: not what was
        // written while the fsync ran, as fdatasync tags the dirty pages when it starts.
        expect(survived).toBeLessThanOrEqual(Math.max(sum(writtenBeforeStart), sum(appends.filter((a) => a.at <= crashAt - 30_000))));
        if (returned && appends.some((a) => a.at >= returned.returned && a.at < Math.ceil((returned.returned + 1) / 100) * 100)) returnedBeforeTick++;
      }),
      { numRuns: 80 },
    );
    // Writes landed between an fsync's return and the next cron tick: the case a late fsync got wrong.
    expect(returnedBeforeTick).toBeGreaterThan(0);
  }, 300_000);

  it('under everysec behind a 2.1 s fsync: a write waits until the second counter has moved by 2, and the next fsync waits for a new second, as in redis 7.0', async () => {
    // A write and a serverCron every 300 ms for 6 s; the first fsync stalls 2.1 s, the next takes 1 ms.
    const steps = Array.from({ length: 20 }, () => ({ gapMs: 300, arrivals: 1 }));
    const { calls, incr, backgroundFsyncs, started, turns } = await runLoop({ policy: 'everysec', clients: 1, pipeline: 1, steps, dieAtCall: null, fsyncMs: [2_100, 1], cronEveryMs: 100 });
    const at = (ms: number) => started + ms;
    // The server started on a whole second: its first fsync waits for the next one (the cron at 1.2 s).
    expect(backgroundFsyncs[0]).toEqual({ started: at(1_200), returned: at(3_300) });
    // The write held back at 1.2 s (second 1) goes with the first turn of second 3, at 3.0 s: 1.8 s
    // later, where a wait of 2,000 ms would have reached 3.2 s.
    const appendsAt = calls.filter((c) => c.path === incr && c.op === 'append').map((c) => c.at - started);
    expect(appendsAt.filter((ms) => ms >= 1_200 && ms < 3_300)).toEqual([3_000]);
    expect(turns.some((t) => t.at === at(3_000))).toBe(true);
    // That write counted second 3 as fsynced: the next fsync starts in second 4, not as the stalled one returns at 3.3 s.
    expect(backgroundFsyncs[1]).toEqual({ started: at(4_200), returned: at(4_201) });

    // The power goes at 3.3 s, as the stalled fsync returns: it covers the writes of 0.3–0.9 s,
    // not those held since 1.2 s that went on at 3.0 s while it ran (fdatasync tags the dirty
    // pages as it starts), nor the 3.0 s write, held again until it returned.
    const cut = await runLoop({ policy: 'everysec', clients: 1, pipeline: 1, steps: [...steps.slice(0, 10), { gapMs: 300, arrivals: 0 }], dieAtCall: null, fsyncMs: [2_100, 1], cronEveryMs: 100 });
    const appended = cut.calls.filter((c) => c.path === cut.incr && c.op === 'append');
    expect(appended.map((c) => c.at - cut.started)).toEqual([300, 600, 900, 3_000, 3_300]);
    expect(cut.survived).toBe(appended.slice(0, 3).reduce((sum, c) => sum + c.bytes, 0));
  });

  it('under everysec: the first turn of a new second starts the background fsync right after its write, not at the next serverCron, as in redis 7.0', async () => {
    // Writes at 0.5 s and 1.03 s; serverCron only at start-up's first step; the power goes at 1.06 s.
    const steps = [
      { gapMs: 500, arrivals: 1 },
      { gapMs: 530, arrivals: 1 },
      { gapMs: 30, arrivals: 0 },
    ];
    for (const fsyncMs of [[], [2]]) {
      const { calls, incr, appends, survived, started, turns } = await runLoop({ policy: 'everysec', clients: 1, pipeline: 1, steps, dieAtCall: null, fsyncMs, cronEveryMs: 10_000 });
      const secondTurn = turns[1]!;
      expect(secondTurn.at - started).toBe(1_030);
      if (fsyncMs.length === 0) {
        // A real disk: the fsync is the call right after the turn's write.
        const after = calls.slice(secondTurn.from).filter((c) => c.path === incr);
        expect(after.map((c) => [c.op, c.at - started])).toEqual([
          ['append', 1_030],
          ['flush', 1_030],
        ]);
      }
      // Both writes were durable when the power went, 30 ms before serverCron would have started the fsync.
      expect(survived).toBe(appends.reduce((sum, a) => sum + a.bytes, 0));
      expect(appends).toHaveLength(2);
    }
  });

  it('under no: one write per turn before its replies, never an fsync', async () => {
    await fc.assert(
      fc.asyncProperty(loopCase(fc.constant('no'), false), async (loop) => {
        const { calls, acknowledged, incr } = await runLoop(loop);
        for (const turn of acknowledged) expect(calls.slice(turn.from, turn.repliedAt).filter((c) => c.path === incr).map((c) => c.op)).toEqual(['append']);
        expect(calls.filter((c) => c.path === incr && c.op === 'flush')).toEqual([]);
      }),
      { numRuns: 40 },
    );
  }, 300_000);
});
