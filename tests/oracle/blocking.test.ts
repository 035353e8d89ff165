// Blocking commands with several clients, on the lab and on redis-server side by side: clients
// block, another client writes, the same clients are served with the same replies (first
// blocked, first served), the rest stay blocked, and the AOF holds the same commands (the pop,
// move or XCLAIM a blocked client's service became). Timeouts run on the lab's virtual clock
// and on redis's real one with short timeouts whose outcome is certain.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyConfigText, Config } from '../../src/engine/config.js';
import { BLOCKED, type Client } from '../../src/engine/engine.js';
import { rdbCodec } from '../../src/engine/persistence/rdb-codec.js';
import { PersistentServer } from '../../src/engine/persistence/server.js';
import type { Reply } from '../../src/engine/resp/reply.js';
import { NodeFsStore } from '../../src/storage/node-fs-store.js';
import { RedisConnection, RedisServer } from '../support/redis-server.js';
import { useScratch } from '../support/scratch.js';

const { tempDir, servers } = useScratch('lab-blocking-');

type Step =
  | { client: string; argv: string[] }
  /** The client's block runs out: virtual time moves past it in the lab; redis's real time does. */
  | { timeout: string }
  /** CLIENT UNBLOCK <client> TIMEOUT|ERROR, sent by another connection. */
  | { unblock: string; how: 'timeout' | 'error' };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

class LabSide {
  readonly clients = new Map<string, Client>();
  readonly answers: [string, Reply][] = [];
  now = 1_900_000_000_000;
  constructor(readonly server: PersistentServer) {
    server.engine.onUnblocked((client, reply) => this.answers.push([this.name(client), reply]));
  }
  client(name: string): Client {
    let client = this.clients.get(name);
    if (!client) {
      client = this.server.engine.createClient();
      client.canBlock = true;
      this.clients.set(name, client);
    }
    return client;
  }
  name(client: Client): string {
    return [...this.clients].find(([, c]) => c === client)![0];
  }
}

class RedisSide {
  readonly connections = new Map<string, RedisConnection>();
  readonly pending = new Map<string, Promise<Reply>>();
  readonly ids = new Map<string, string>();
  constructor(readonly server: RedisServer) {}
  async connection(name: string): Promise<RedisConnection> {
    let connection = this.connections.get(name);
    if (!connection) {
      connection = await RedisConnection.open(this.server.port);
      this.connections.set(name, connection);
      const id = await connection.command('CLIENT', 'ID');
      this.ids.set(name, String((id as { value: number }).value));
    }
    return connection;
  }
  async blockedClients(): Promise<number> {
    const info = await this.server.command('INFO', 'clients');
    return Number(/blocked_clients:(\d+)/.exec((info as { value: string }).value)![1]);
  }
  close(): void {
    for (const connection of this.connections.values()) connection.close();
  }
}

/** Runs the steps on both sides and compares every reply, served or immediate. */
async function runBoth(lab: LabSide, redis: RedisSide, steps: readonly Step[]): Promise<void> {
  for (const [i, step] of steps.entries()) {
    const where = `step ${i} ${JSON.stringify(step)}`;
    lab.answers.length = 0;
    if ('argv' in step) {
      const client = lab.client(step.client);
      client.db = client.db ?? 0;
      const labReply = await lab.server.execute(client, step.argv);
      const reply = (await redis.connection(step.client)).command(...step.argv);
      if (labReply === BLOCKED) {
        redis.pending.set(step.client, reply);
        // redis must block it too: its blocked count reaches the lab's.
        await until(async () => (await redis.blockedClients()) === lab.server.engine.blockedClients.length, where);
      } else {
        expect(await reply, where).toEqual(labReply);
      }
    } else if ('timeout' in step) {
      const client = lab.client(step.timeout);
      lab.now = client.blocked!.timeout + 1;
      lab.server.engine.expireBlockedClients();
    } else {
      const target = lab.client(step.unblock);
      expect(lab.server.engine.unblockClient(target, step.how)).toBe(true);
      await redis.server.command('CLIENT', 'UNBLOCK', redis.ids.get(step.unblock)!, step.how.toUpperCase());
    }
    // Whoever the lab answered, redis answered the same way.
    for (const [name, reply] of lab.answers) {
      const pending = redis.pending.get(name);
      expect(pending, `${where}: redis did not block ${name}`).toBeDefined();
      expect(await pending, `${where}: ${name}'s reply`).toEqual(reply);
      redis.pending.delete(name);
    }
    await until(async () => (await redis.blockedClients()) === lab.server.engine.blockedClients.length, where);
  }
}

async function until(check: () => Promise<boolean>, where: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await check()) return;
    await sleep(10);
  }
  throw new Error(`${where}: the lab and redis disagree on who is blocked`);
}

async function sides(): Promise<{ lab: LabSide; redis: RedisSide; labDir: string; redisDir: string }> {
  const redisDir = tempDir();
  const server = await RedisServer.start({ dir: redisDir, args: ['--appendonly', 'yes', '--aof-use-rdb-preamble', 'no', '--appendfsync', 'always'] });
  servers.push(server);
  const labDir = tempDir();
  const config = new Config();
  expect(applyConfigText(config, 'appendonly yes\naof-use-rdb-preamble no\nappendfsync always\nsave ""')).toEqual([]);
  let lab: LabSide | null = null;
  const { server: labServer } = await PersistentServer.start({ disk: new NodeFsStore(labDir), config, clock: { now: () => lab?.now ?? 1_900_000_000_000 }, rdb: rdbCodec });
  lab = new LabSide(labServer);
  return { lab, redis: new RedisSide(server), labDir, redisDir };
}

/** XCLAIM … TIME <ms>: when each server ran. */
const incr = (dir: string) =>
  readFileSync(join(dir, 'appendonlydir/appendonly.aof.1.incr.aof'), 'latin1').replace(/\$4\r\nTIME\r\n\$13\r\n\d{13}\r\n/g, '$4\r\nTIME\r\n$13\r\n<ms>\r\n');

async function scenario(steps: readonly Step[]): Promise<void> {
  const { lab, redis, labDir, redisDir } = await sides();
  try {
    await runBoth(lab, redis, steps);
    expect(redis.pending.size, 'clients redis still owes a reply').toBe(0);
    await lab.server.shutdown();
    expect(incr(labDir)).toBe(incr(redisDir));
  } finally {
    redis.close();
  }
}

const run = (client: string, ...argv: string[]): Step => ({ client, argv });

describe('blocking commands: lab vs redis-server with several clients', () => {
  it('BLPOP/BRPOP: first blocked, first served; several keys; propagated as LPOP/RPOP', async () => {
    await scenario([
      run('a', 'BLPOP', 'q', '0'),
      run('b', 'BLPOP', 'q', 'other', '0'),
      run('c', 'BRPOP', 'other', 'q2', '0'),
      run('w', 'RPUSH', 'q', 'x', 'y', 'z'),
      run('w', 'LPUSH', 'q2', 'p'),
      run('w', 'LRANGE', 'q', '0', '-1'),
      run('a', 'BLPOP', 'q', '0'),
      run('w', 'SET', 'str', 'v'),
      run('a', 'BLPOP', 'str', '0'),
    ]);
  });

  it('BLMOVE and BRPOPLPUSH: the move is propagated, and its push serves the next client', async () => {
    await scenario([
      run('a', 'BLMOVE', 'src', 'dst', 'LEFT', 'RIGHT', '0'),
      run('b', 'BLPOP', 'dst', '0'),
      run('c', 'BRPOPLPUSH', 'src2', 'dst', '0'),
      run('w', 'LPUSH', 'src', 'v1'),
      run('w', 'SET', 'notalist', 'x'),
      run('d', 'BLMOVE', 'src3', 'notalist', 'RIGHT', 'LEFT', '0'),
      run('w', 'RPUSH', 'src3', 'kept'),
      run('w', 'RPUSH', 'src2', 'm', 'n'),
      run('w', 'LRANGE', 'dst', '0', '-1'),
      run('w', 'LRANGE', 'src3', '0', '-1'),
      run('w', 'BLMOVE', 'src2', 'dst', 'left', 'LEFT', '0'),
    ]);
  });

  it('BLMPOP, BZPOPMIN, BZPOPMAX and BZMPOP with counts, and their immediate forms', async () => {
    await scenario([
      run('a', 'BLMPOP', '0', '2', 'l1', 'l2', 'RIGHT', 'COUNT', '2'),
      run('b', 'BZPOPMIN', 'z', '0'),
      run('c', 'BZMPOP', '0', '1', 'z', 'MAX', 'COUNT', '5'),
      run('d', 'BZPOPMAX', 'z', 'z2', '0'),
      run('w', 'RPUSH', 'l2', '1', '2', '3'),
      run('w', 'ZADD', 'z', '1', 'a', '2', 'b', '3', 'c', '4', 'd'),
      run('w', 'ZADD', 'z2', '5', 'e'),
      run('w', 'LMPOP', '2', 'none', 'l2', 'LEFT'),
      run('w', 'ZADD', 'z', '9', 'x'),
      run('w', 'ZMPOP', '1', 'z', 'MIN', 'COUNT', '3'),
      run('w', 'ZADD', 'z2', '7', 'f', '8', 'g'),
      run('w', 'BZMPOP', '0', '2', 'nothing', 'z2', 'MIN'),
      run('w', 'RPUSH', 'l2', '4', '5'),
      run('w', 'BLMPOP', '0', '1', 'l2', 'LEFT', 'COUNT', '9'),
    ]);
  });

  it('XREAD BLOCK and XREADGROUP BLOCK: served by XADD, group clients in turn, errors when the group or key goes', async () => {
    await scenario([
      run('w', 'XGROUP', 'CREATE', 's', 'g', '$', 'MKSTREAM'),
      run('a', 'XREAD', 'BLOCK', '0', 'STREAMS', 's', '$'),
      run('b', 'XREADGROUP', 'GROUP', 'g', 'c1', 'BLOCK', '0', 'STREAMS', 's', '>'),
      run('c', 'XREADGROUP', 'GROUP', 'g', 'c2', 'BLOCK', '0', 'COUNT', '1', 'STREAMS', 's', '>'),
      run('d', 'XREADGROUP', 'GROUP', 'g', 'c3', 'NOACK', 'BLOCK', '0', 'STREAMS', 's', '>'),
      run('w', 'XADD', 's', '5-1', 'f', 'v'),
      run('w', 'XADD', 's', '5-2', 'f', 'w'),
      run('w', 'XADD', 's', '5-3', 'f', 'x'),
      run('a', 'XREAD', 'BLOCK', '0', 'COUNT', '1', 'STREAMS', 's', 'nostream', '5-3', '0-0'),
      run('b', 'XREADGROUP', 'GROUP', 'g', 'c1', 'BLOCK', '0', 'STREAMS', 's', '>'),
      run('w', 'XADD', 'nostream', '1-1', 'a', 'b'),
      run('w', 'XGROUP', 'DESTROY', 's', 'g'),
      run('w', 'XGROUP', 'CREATE', 's', 'g2', '$'),
      run('c', 'XREADGROUP', 'GROUP', 'g2', 'c1', 'BLOCK', '0', 'STREAMS', 's', '>'),
      run('w', 'DEL', 's'),
      run('w', 'XPENDING', 's', 'g2'),
    ]);
  });

  it('serves after EXEC, never blocks inside MULTI, and times out or is unblocked like redis', async () => {
    await scenario([
      run('a', 'BLPOP', 'm', '0'),
      run('w', 'MULTI'),
      run('w', 'LPUSH', 'm', 'one'),
      run('w', 'LPUSH', 'm', 'two'),
      run('w', 'EXEC'),
      run('b', 'MULTI'),
      run('b', 'BLPOP', 'empty', '0'),
      run('b', 'BLMOVE', 'empty', 'x', 'LEFT', 'LEFT', '0'),
      run('b', 'XREAD', 'BLOCK', '0', 'STREAMS', 'nostream', '$'),
      run('b', 'BZPOPMIN', 'empty', '0'),
      run('b', 'EXEC'),
      run('c', 'BLPOP', 'never', '0.05'),
      { timeout: 'c' },
      run('c', 'XREAD', 'BLOCK', '50', 'STREAMS', 'never', '$'),
      { timeout: 'c' },
      run('d', 'BRPOPLPUSH', 'never', 'x', '0.05'),
      { timeout: 'd' },
      run('e', 'BZPOPMAX', 'never', '0'),
      { unblock: 'e', how: 'error' },
      run('e', 'BLPOP', 'never', '0'),
      { unblock: 'e', how: 'timeout' },
      run('w', 'BLPOP', 'k', '-1'),
      run('w', 'BLPOP', 'k', 'x'),
      run('w', 'XREAD', 'BLOCK', '1.5', 'STREAMS', 's', '$'),
      run('w', 'BLMPOP', '0', '0', 'k', 'LEFT'),
      run('w', 'BLMPOP', '0', '5', 'k', 'LEFT'),
      run('w', 'BZMPOP', '0', '1', 'k', 'MIDDLE'),
      run('w', 'BLMPOP', '0', '1', 'k', 'LEFT', 'COUNT', '0'),
    ]);
  });
});

describe('blocking contract for hosts', () => {
  it('a client whose host cannot hold a reply gets the MULTI answer at once, as before', async () => {
    const { lab, redis } = await sides();
    redis.close();
    const client = lab.server.engine.createClient();
    expect(await lab.server.execute(client, ['BLPOP', 'q', '0'])).toEqual({ kind: 'array', value: null });
    expect(await lab.server.execute(client, ['BLMOVE', 'q', 'd', 'LEFT', 'LEFT', '0'])).toEqual({ kind: 'bulk', value: null });
    expect(lab.server.engine.blockedClients).toEqual([]);
    const blocked = lab.client('a');
    expect(await lab.server.execute(blocked, ['BLPOP', 'q', '5'])).toBe(BLOCKED);
    expect(lab.server.engine.nextBlockedTimeout()).toBe(lab.now + 5000);
    expect(lab.server.engine.execute(client, ['INFO', 'clients'])).toMatchObject({ value: expect.stringContaining('blocked_clients:1') });
    expect(() => lab.server.engine.execute(blocked, ['PING'])).toThrow(/blocked/);
    lab.server.engine.disconnectClient(blocked);
    expect(lab.server.engine.blockedClients).toEqual([]);
    expect(lab.answers).toEqual([]);
    await lab.server.shutdown();
  });
});
