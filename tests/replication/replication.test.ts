// Replication: random workloads with random disconnects — after reconnecting, the replica's
// digest equals the primary's, and a partial resync happens exactly when the backlog still
// covers the replica's offset.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { seededRng } from '../../src/engine/clock.js';
import { datasetDigest } from '../../src/engine/digest.js';
import { Engine } from '../../src/engine/engine.js';
import { ReplicationPrimary } from '../../src/engine/replication/primary.js';
import { Replica } from '../../src/engine/replication/replica.js';
import { DEFAULT_SCENARIO } from '../../src/scenario/scenario.js';
import { VirtualClock } from '../../src/sim/virtual-clock.js';
import { WorkloadGenerator } from '../../src/sim/workload.js';

type Step = { kind: 'writes'; count: number } | { kind: 'deliver' } | { kind: 'disconnect' } | { kind: 'reconnect' } | { kind: 'transaction'; count: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('writes' as const), count: fc.integer({ min: 1, max: 120 }) }) },
  { weight: 3, arbitrary: fc.constant({ kind: 'deliver' as const }) },
  { weight: 2, arbitrary: fc.constant({ kind: 'disconnect' as const }) },
  { weight: 3, arbitrary: fc.constant({ kind: 'reconnect' as const }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('transaction' as const), count: fc.integer({ min: 1, max: 5 }) }) },
);

describe('replication', () => {
  it('a replica converges to the primary, resyncing partially exactly when the backlog covers the gap', async () => {
    const seen = { continue: 0, fullresync: 0, lostInFlight: 0 };
    await fc.assert(
      fc.asyncProperty(fc.array(step, { maxLength: 40 }), fc.constantFrom(64, 256, 1024, 8192, 65536), fc.nat(1_000_000), async (steps, backlogSize, seed) => {
        const clock = new VirtualClock();
        const primaryEngine = new Engine({ clock, rng: seededRng(seed) });
        const client = primaryEngine.createClient();
        const primary = new ReplicationPrimary(primaryEngine, { backlogSize, rng: seededRng(seed + 1) });
        const replica = new Replica(new Engine({ clock }));
        const workload = new WorkloadGenerator({ ...DEFAULT_SCENARIO.workload, keys: 20 }, seededRng(seed + 2));
        expect(await replica.connect(primary)).toBe('fullresync');
        for (const s of steps) {
          clock.advanceTo(clock.now() + 10);
          if (s.kind === 'writes') for (let i = 0; i < s.count; i++) primaryEngine.execute(client, workload.next());
          else if (s.kind === 'transaction') {
            primaryEngine.execute(client, ['MULTI']);
            for (let i = 0; i < s.count; i++) primaryEngine.execute(client, workload.next());
            primaryEngine.execute(client, ['EXEC']);
          } else if (s.kind === 'deliver') replica.pump();
          else if (s.kind === 'disconnect') {
            if (replica.state === 'up' && replica.offset < primary.offset) seen.lostInFlight++;
            replica.disconnect();
          } else if (replica.state === 'down') {
            // Expected from the offsets alone: is every byte the replica lacks still held?
            const from = replica.offset + 1;
            const covered = from >= primary.backlog.firstByteOffset && from <= primary.offset + 1;
            const kind = await replica.connect(primary);
            expect(kind).toBe(covered ? 'continue' : 'fullresync');
            seen[kind]++;
          }
        }
        if (replica.state === 'down') await replica.connect(primary);
        replica.pump();
        expect(replica.offset).toBe(primary.offset);
        expect(datasetDigest(replica.engine)).toBe(datasetDigest(primaryEngine));
      }),
      { numRuns: 600 },
    );
    // Both kinds of resync, and streams cut in flight, must have happened.
    expect(seen.continue).toBeGreaterThan(20);
    expect(seen.fullresync).toBeGreaterThan(5);
    expect(seen.lostInFlight).toBeGreaterThan(20);
  });

  it('a backlog keeps the last repl-backlog-size bytes, addressed by offset', async () => {
    const { ReplicationBacklog } = await import('../../src/engine/replication/backlog.js');
    const backlog = new ReplicationBacklog(10);
    backlog.append('abcdef');
    backlog.append('ghijkl');
    expect(backlog.offset).toBe(12);
    expect(backlog.histlen).toBe(10);
    expect(backlog.firstByteOffset).toBe(3);
    expect(backlog.from(3)).toBe('cdefghijkl');
    expect(backlog.from(12)).toBe('l');
    expect(backlog.from(13)).toBe('');
    expect(backlog.from(2)).toBeNull();
    expect(backlog.from(14)).toBeNull();
  });
});

describe('replication between workers (over a MessagePort)', () => {
  it('streams writes to a read-only replica, which takes writes once promoted', async () => {
    const { applyConfigText, Config } = await import('../../src/engine/config.js');
    const { rdbCodec } = await import('../../src/engine/persistence/rdb-codec.js');
    const { PersistentServer } = await import('../../src/engine/persistence/server.js');
    const { MemoryStore } = await import('../../src/storage/memory-store.js');
    const { ReplicaAcks, ReplicaEnd, servePrimary, waitCommand } = await import('../../src/worker/replication-link.js');
    const clock = new VirtualClock();
    const start = async () => {
      const config = new Config();
      applyConfigText(config, 'appendonly no\nsave ""');
      return (await PersistentServer.start({ disk: new MemoryStore(), config, clock, rdb: rdbCodec })).server;
    };
    const primary = await start();
    const replicaServer = await start();
    const pc = primary.engine.createClient();
    const rc = replicaServer.engine.createClient();
    await primary.execute(pc, ['SET', 'before', 'sync']);
    const channel = new MessageChannel();
    const acks = new ReplicaAcks();
    const source = servePrimary(primary, channel.port1, null, acks);
    primary.engine.registerCommands([waitCommand(primary, () => source, acks)]);
    const end = new ReplicaEnd(replicaServer, channel.port2, 0);
    await end.start();
    expect(await replicaServer.execute(rc, ['GET', 'before'])).toEqual({ kind: 'bulk', value: 'sync' });
    await primary.execute(pc, ['RPUSH', 'list', 'a', 'b']);
    await primary.execute(pc, ['SELECT', '2']);
    await primary.execute(pc, ['SET', 'in-db-2', 'x']);
    // WAIT returns once the replica acknowledged every write so far.
    expect(await primary.execute(pc, ['WAIT', '1', '2000'])).toEqual({ kind: 'int', value: 1 });
    expect(datasetDigest(replicaServer.engine)).toBe(datasetDigest(primary.engine));
    expect(await primary.execute(pc, ['WAIT', '2', '50'])).toEqual({ kind: 'int', value: 1 });
    expect(await primary.execute(pc, ['WAIT', 'x', '50'])).toEqual({ kind: 'error', value: 'ERR value is not an integer or out of range' });
    expect(await replicaServer.execute(rc, ['SET', 'mine', '1'])).toEqual({ kind: 'error', value: "READONLY You can't write against a read only replica." });
    const { replicaofCommands } = await import('../../src/worker/replication-link.js');
    replicaServer.engine.registerCommands(replicaofCommands(() => end.promote()));
    expect((await replicaServer.execute(rc, ['REPLICAOF', '10.0.0.1', '6379'])).kind).toBe('error');
    expect(await replicaServer.execute(rc, ['REPLICAOF', 'NO', 'ONE'])).toEqual({ kind: 'status', value: 'OK' });
    expect(await replicaServer.execute(rc, ['SET', 'mine', '1'])).toEqual({ kind: 'status', value: 'OK' });
    expect(end.status()).toMatchObject({ role: 'promoted', fullSyncs: 1 });
    const { primaryInfo, replicaInfo } = await import('../../src/engine/replication/info.js');
    const primaryFields = Object.fromEntries(primaryInfo(servePrimary(primary, new MessageChannel().port1, null), () => 1));
    expect(primaryFields).toMatchObject({ role: 'master', repl_backlog_active: 1, repl_backlog_size: 1 << 20 });
    expect(Object.fromEntries(replicaInfo(end.replica))).toMatchObject({ role: 'slave', master_link_status: 'down', slave_repl_offset: end.replica.offset });
    channel.port1.close();
  });
});
