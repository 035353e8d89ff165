// Browser benchmark worker: for OPFS and IndexedDB, the engine running event-loop turns with its
// AOF on (one append per turn, flushed as the fsync policy says) against a bare loop appending
// the same bytes with the same batching and flush cadence on that store.
import { systemClock } from '../../src/engine/clock.js';
import { applyConfigText, Config } from '../../src/engine/config.js';
import { rdbCodec } from '../../src/engine/persistence/rdb-codec.js';
import { PersistentServer, type TurnCommand } from '../../src/engine/persistence/server.js';
import { binToBytes } from '../../src/engine/bytes.js';
import { encodeCommand } from '../../src/engine/resp/encoder.js';
import type { FileStore } from '../../src/storage/file-store.js';
import { IndexedDbStore } from '../../src/storage/indexeddb-store.js';
import { OpfsStore } from '../../src/storage/opfs-store.js';

export interface StorageBenchRow {
  backend: string;
  policy: string;
  ops: number;
  /** Event-loop turns the writes ran in (50 clients × 16 pipelined commands each). */
  turns: number;
  engineOpsPerSecond: number;
  bareOpsPerSecond: number;
}

/** redis-benchmark -c 50 -P 16, as the Node bench runs it: 800 commands per event-loop turn. */
const TURN_CLIENTS = 50;
const TURN_PIPELINE = 16;

/** The same bytes with the same batching: one append per turn, flushed as the policy says. */
async function bare(store: FileStore, policy: string, turns: Uint8Array[], ops: number): Promise<number> {
  const started = performance.now();
  let lastSecond = Math.floor(Date.now() / 1000);
  for (const bytes of turns) {
    await store.append('bare.aof', bytes);
    if (policy === 'always') await store.flush('bare.aof');
    else if (policy === 'everysec' && Math.floor(Date.now() / 1000) > lastSecond) {
      await store.flush('bare.aof');
      lastSecond = Math.floor(Date.now() / 1000);
    }
  }
  await store.flush('bare.aof');
  return ops / ((performance.now() - started) / 1000);
}

async function engine(store: FileStore, policy: string, turns: string[][][], ops: number): Promise<number> {
  const config = new Config();
  applyConfigText(config, `appendonly yes\nappendfsync ${policy}\nsave ""`);
  const { server } = await PersistentServer.start({ disk: store, config, clock: systemClock, rdb: rdbCodec });
  const clients = Array.from({ length: TURN_CLIENTS }, () => server.engine.createClient());
  const batches: TurnCommand[][] = turns.map((turn) => turn.map((argv, i) => ({ client: clients[Math.floor(i / TURN_PIPELINE)]!, argv })));
  const started = performance.now();
  let lastCron = started;
  for (const batch of batches) {
    await server.executeTurn(batch);
    if (performance.now() - lastCron >= 100) {
      await server.cron();
      lastCron = performance.now();
    }
  }
  await server.shutdown();
  return ops / ((performance.now() - started) / 1000);
}

self.onmessage = async (event: MessageEvent<{ ops: number; alwaysOps: number }>) => {
  try {
    self.postMessage({ rows: await measure(event.data) });
  } catch (e) {
    // Said at once: otherwise the page would wait out the test's whole timeout.
    self.postMessage({ error: e instanceof Error ? `${e.name}: ${e.message}` : String(e) });
  }
};

async function measure(sizes: { ops: number; alwaysOps: number }): Promise<StorageBenchRow[]> {
  const rows: StorageBenchRow[] = [];
  const turnSize = TURN_CLIENTS * TURN_PIPELINE;
  for (const backend of ['opfs', 'indexeddb'] as const) {
    for (const policy of ['always', 'everysec', 'no']) {
      const ops = policy === 'always' ? sizes.alwaysOps : sizes.ops;
      const argvs = Array.from({ length: ops }, (_, i) => ['SET', `key:${i}`, `value-${i}-${'x'.repeat(20)}`]);
      const turns: string[][][] = [];
      for (let from = 0; from < ops; from += turnSize) turns.push(argvs.slice(from, from + turnSize));
      const turnBytes = turns.map((turn) => binToBytes(turn.map((argv) => encodeCommand(argv)).join('')));
      const name = `bench-${backend}-${policy}-${Date.now()}`;
      const open = (suffix: string) => (backend === 'opfs' ? OpfsStore.open(`${name}-${suffix}`) : IndexedDbStore.open(`${name}-${suffix}`));
      const engineRate = await engine(await open('e'), policy, turns, ops);
      const bareRate = await bare(await open('b'), policy, turnBytes, ops);
      rows.push({ backend, policy, ops, turns: turns.length, engineOpsPerSecond: engineRate, bareOpsPerSecond: bareRate });
    }
  }
  return rows;
}
