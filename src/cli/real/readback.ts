// What a real redis-server holds, read over RESP into a lab engine — every database, key, value
// and expiry — so the lab's recovery analysis can judge it; the server's DEBUG DIGEST says the
// copy is exact.
import { datasetDigest, Engine, type Reply, systemClock } from '../../engine/index.js';
import { info } from './redis-process.js';
import type { RedisConnection } from './resp-client.js';

export interface Readback {
  engine: Engine;
  keys: number;
  /** The copy's digest, and the server's own (DEBUG DIGEST): equal when the copy is exact. */
  digest: string;
  serverDigest: string;
}

const FETCH: Record<string, (key: string) => string[]> = {
  string: (key) => ['GET', key],
  list: (key) => ['LRANGE', key, '0', '-1'],
  hash: (key) => ['HGETALL', key],
  set: (key) => ['SMEMBERS', key],
  zset: (key) => ['ZRANGE', key, '0', '-1', 'WITHSCORES'],
};

function items(reply: Reply): string[] {
  if (reply.kind !== 'array' || reply.value === null) throw new Error(`unexpected reply ${JSON.stringify(reply)}`);
  return reply.value.map((item) => (item.kind === 'bulk' && item.value !== null ? item.value : String(item.kind === 'int' ? item.value : '')));
}

/** The writes that rebuild a key of `type` from the server's reply to its FETCH command. */
function rebuild(type: string, key: string, reply: Reply): string[] | null {
  switch (type) {
    case 'string':
      return reply.kind === 'bulk' && reply.value !== null ? ['SET', key, reply.value] : null;
    case 'list':
      return ['RPUSH', key, ...items(reply)];
    case 'hash':
      return ['HSET', key, ...items(reply)];
    case 'set':
      return ['SADD', key, ...items(reply)];
    case 'zset': {
      const flat = items(reply);
      const argv = ['ZADD', key];
      for (let i = 0; i + 1 < flat.length; i += 2) argv.push(flat[i + 1]!, flat[i]!);
      return argv;
    }
    default:
      throw new Error(`key ${JSON.stringify(key)} is a ${type}: the workload writes no such type`);
  }
}

export async function readDataset(connection: RedisConnection): Promise<Readback> {
  const engine = new Engine({ clock: systemClock });
  const client = engine.createClient();
  const run = (argv: string[]) => {
    const reply = engine.execute(client, argv);
    if (reply.kind === 'error') throw new Error(`rebuilding the dataset: ${argv.slice(0, 2).join(' ')} → ${reply.value}`);
  };
  let keys = 0;
  const keyspace = await info(connection, 'keyspace');
  for (const [, db] of keyspace.matchAll(/^db(\d+):/gm)) {
    await connection.command('SELECT', db!);
    run(['SELECT', db!]);
    let cursor = '0';
    do {
      const scan = await connection.command('SCAN', cursor, 'COUNT', '1000');
      if (scan.kind !== 'array' || !scan.value) throw new Error(`SCAN replied ${JSON.stringify(scan)}`);
      cursor = scan.value[0]!.kind === 'bulk' ? (scan.value[0]!.value ?? '0') : '0';
      const batch = items(scan.value[1]!);
      const types = await connection.pipeline(batch.map((key) => ['TYPE', key]));
      const typeOf = types.map((t) => (t.kind === 'status' ? t.value : 'none'));
      const present = batch.map((key, i) => ({ key, type: typeOf[i]! })).filter((k) => k.type !== 'none');
      const values = await connection.pipeline(present.map(({ key, type }) => (FETCH[type] ?? ((k: string) => ['TYPE', k]))(key)));
      const expiries = await connection.pipeline(present.map(({ key }) => ['PEXPIRETIME', key]));
      present.forEach(({ key, type }, i) => {
        const argv = rebuild(type, key, values[i]!);
        if (!argv) return;
        run(argv);
        keys++;
        const expiry = expiries[i]!;
        if (expiry.kind === 'int' && Number(expiry.value) > 0) run(['PEXPIREAT', key, String(expiry.value)]);
      });
    } while (cursor !== '0');
  }
  await connection.command('SELECT', '0');
  const digest = await connection.command('DEBUG', 'DIGEST');
  return { engine, keys, digest: datasetDigest(engine), serverDigest: digest.kind === 'status' ? digest.value : `(${JSON.stringify(digest)})` };
}
