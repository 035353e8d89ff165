// Browser benchmark worker: for OPFS and IndexedDB, a bare loop appending the same bytes with
// the same flush cadence as each fsync policy, against the engine's AOF append on that store.
import { systemClock } from '../../src/engine/clock.js';
import { applyConfigText, Config } from '../../src/engine/config.js';
import { rdbCodec } from '../../src/engine/persistence/rdb-codec.js';
import { PersistentServer } from '../../src/engine/persistence/server.js';
import { binToBytes } from '../../src/engine/bytes.js';
import { encodeCommand } from '../../src/engine/resp/encoder.js';
import type { FileStore } from '../../src/storage/file-store.js';
import { IndexedDbStore } from '../../src/storage/indexeddb-store.js';
import { OpfsStore } from '../../src/storage/opfs-store.js';

export interface StorageBenchRow {
  backend: string;
  policy: string;
  ops: number;
  engineOpsPerSecond: number;
  bareOpsPerSecond: number;
}

async function bare(store: FileStore, policy: string, commands: Uint8Array[]): Promise<number> {
  const started = performance.now();
  let lastSecond = Math.floor(Date.now() / 1000);
  for (const bytes of commands) {
    await store.append('bare.aof', bytes);
    if (policy === 'always') await store.flush('bare.aof');
    else if (policy === 'everysec' && Math.floor(Date.now() / 1000) > lastSecond) {
      await store.flush('bare.aof');
      lastSecond = Math.floor(Date.now() / 1000);
    }
  }
  await store.flush('bare.aof');
  return commands.length / ((performance.now() - started) / 1000);
}

async function engine(store: FileStore, policy: string, argvs: string[][]): Promise<number> {
  const config = new Config();
  applyConfigText(config, `appendonly yes\nappendfsync ${policy}\nsave ""`);
  const { server } = await PersistentServer.start({ disk: store, config, clock: systemClock, rdb: rdbCodec });
  const client = server.engine.createClient();
  const started = performance.now();
  let lastCron = started;
  for (const argv of argvs) {
    await server.execute(client, argv);
    if (performance.now() - lastCron >= 100) {
      await server.cron();
      lastCron = performance.now();
    }
  }
  await server.shutdown();
  return argvs.length / ((performance.now() - started) / 1000);
}

self.onmessage = async (event: MessageEvent<{ ops: number; alwaysOps: number }>) => {
  const rows: StorageBenchRow[] = [];
  for (const backend of ['opfs', 'indexeddb'] as const) {
    for (const policy of ['always', 'everysec', 'no']) {
      const ops = policy === 'always' ? event.data.alwaysOps : event.data.ops;
      const argvs = Array.from({ length: ops }, (_, i) => ['SET', `key:${i}`, `value-${i}-${'x'.repeat(20)}`]);
      const bytes = argvs.map((argv) => binToBytes(encodeCommand(argv)));
      const name = `bench-${backend}-${policy}-${Date.now()}`;
      const open = () => (backend === 'opfs' ? OpfsStore.open(`${name}-e`) : IndexedDbStore.open(`${name}-e`));
      const engineRate = await engine(await open(), policy, argvs);
      const bareStore = backend === 'opfs' ? await OpfsStore.open(`${name}-b`) : await IndexedDbStore.open(`${name}-b`);
      const bareRate = await bare(bareStore, policy, bytes);
      rows.push({ backend, policy, ops, engineOpsPerSecond: engineRate, bareOpsPerSecond: bareRate });
    }
  }
  self.postMessage(rows);
};
