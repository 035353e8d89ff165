// `cli serve` as a server among many clients, each behaviour checked against redis-server doing
// the same: protocol errors close only the offender, per-connection state (SELECT, MULTI, WATCH,
// CLIENT REPLY), blocking commands that hold their connection's later commands, CLIENT, QUIT,
// HELLO, MONITOR, output buffer limits, and thousands of idle connections.
import { describe, expect, it } from 'vitest';
import type { Reply } from '../../src/engine/index.js';
import { useRedisAndLab } from '../support/lab-server.js';
import { RawClient } from '../support/raw-client.js';
import { RedisConnection } from '../support/redis-server.js';

const servers = useRedisAndLab();

/** Runs `scenario` against each server (from an empty dataset) and returns both results. */
async function onBoth<T>(scenario: (port: number) => Promise<T>): Promise<{ redis: T; lab: T }> {
  const results: T[] = [];
  for (const port of [servers.redis.port, servers.lab.port]) {
    const reset = await RedisConnection.open(port);
    await reset.pipeline([['FLUSHALL'], ['CONFIG', 'SET', 'client-output-buffer-limit', 'normal 0 0 0'], ['CONFIG', 'SET', 'timeout', '0']]);
    reset.close();
    results.push(await scenario(port));
  }
  return { redis: results[0]!, lab: results[1]! };
}

/**
 * A replica's view (SYNC) of `writes`, sent after `setup` (and `waitMs` later): the RDB's magic,
 * the replies and the stream after the RDB, up to a marker SET the helper sends last.
 */
async function replicationStream(port: number, setup: string[][], writes: string[][], waitMs = 0) {
  const writer = await RedisConnection.open(port);
  await writer.pipeline([...setup, ['CONFIG', 'SET', 'repl-ping-replica-period', '3600']]);
  await sleep(waitMs);
  const replica = await RawClient.open(port);
  replica.send('SYNC\r\n');
  // Newlines keep the link alive while the primary prepares the payload.
  const header = /^\n*\$(\d+)\r\n/;
  const rdbEnd = (text: string) => {
    const m = header.exec(text);
    return m ? m[0].length + Number(m[1]) : -1;
  };
  const synced = await replica.until((text) => rdbEnd(text) >= 0 && text.length >= rdbEnd(text), 10_000);
  const rdb = synced.slice(header.exec(synced)![0].length, rdbEnd(synced));
  const replies = await writer.pipeline([...writes, ['SET', 'marker', 'last']]);
  const stream = (await replica.until((text) => text.endsWith('$6\r\nmarker\r\n$4\r\nlast\r\n'))).slice(rdbEnd(synced));
  replica.close();
  writer.close();
  return { rdbMagic: rdb.slice(0, 9), replies, stream };
}

const encode = (...argv: string[]) => `*${argv.length}\r\n${argv.map((a) => `$${a.length}\r\n${a}\r\n`).join('')}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('bad input', () => {
  it.each([
    ['an invalid multibulk length after a good command', '*1\r\n$4\r\nPING\r\n*x\r\nPING\r\n'],
    ['a negative bulk length', '*3\r\n$3\r\nSET\r\n$1\r\na\r\n$-5\r\nx\r\n'],
    ['a missing $', '*2\r\nx\r\n'],
    ['an empty line where a bulk header belongs', '*1\r\n\r\n'],
    ['unbalanced quotes inline', 'PING\r\nSET a "b\r\nPING\r\n'],
    ['an inline line past 64 KiB', 'x'.repeat(70_000)],
    ['a bulk count string past 64 KiB', '*1\r\n$' + '1'.repeat(70_000)],
  ])('%s: the same error, then the connection closes; the others carry on', async (_, input) => {
    const result = await onBoth(async (port) => {
      const bystander = await RedisConnection.open(port);
      const offender = await RawClient.open(port);
      offender.send(input);
      const answer = await offender.untilClosed();
      const pong = await bystander.command('PING');
      bystander.close();
      return { answer, closed: offender.closed, pong };
    });
    expect(result.lab).toEqual(result.redis);
    expect(result.lab.closed).toBe(true);
  });

  it('answers inline commands, blank lines and empty multibulks as redis does', async () => {
    const result = await onBoth(async (port) => {
      const client = await RawClient.open(port);
      client.send('\r\n*0\r\nPING\r\nECHO "a b"\nSET k \'v w\'\r\nGET k\r\n');
      const text = await client.until((t) => t.split('\r\n').length >= 5);
      client.close();
      return text;
    });
    expect(result.lab).toBe(result.redis);
  });
});

describe('per-connection state', () => {
  it('keeps SELECT, MULTI, WATCH and CLIENT REPLY per connection, as redis does', async () => {
    const result = await onBoth(async (port) => {
      const [a, b] = await Promise.all([RedisConnection.open(port), RedisConnection.open(port)]);
      const replies: Reply[] = [];
      const step = async (conn: RedisConnection, ...argv: string[]) => replies.push(await conn.command(...argv));
      await step(a, 'SELECT', '1');
      await step(b, 'SET', 'k', 'db0');
      await step(a, 'GET', 'k');
      await step(a, 'SET', 'k', 'db1');
      await step(b, 'GET', 'k');
      await step(a, 'WATCH', 'k');
      await step(b, 'SELECT', '1');
      await step(b, 'SET', 'k', 'changed');
      await step(a, 'MULTI');
      await step(b, 'MULTI');
      await step(a, 'GET', 'k');
      await step(b, 'INCR', 'n');
      await step(a, 'EXEC');
      await step(b, 'EXEC');
      await step(a, 'WATCH', 'n');
      await step(a, 'MULTI');
      await step(a, 'INCR', 'n');
      await step(a, 'EXEC');
      // CLIENT REPLY SKIP on one connection drops only its own next reply.
      const raw = await RawClient.open(port);
      raw.send(encode('CLIENT', 'REPLY', 'SKIP') + encode('ECHO', 'skipped') + encode('ECHO', 'kept'));
      await step(b, 'PING');
      const rawText = await raw.until((t) => t.includes('kept'));
      raw.close();
      a.close();
      b.close();
      return { replies, rawText };
    });
    expect(result.lab).toEqual(result.redis);
  });

  it('holds the commands pipelined after a blocking command until it is served, as redis does', async () => {
    const result = await onBoth(async (port) => {
      const waiter = await RawClient.open(port);
      const pusher = await RedisConnection.open(port);
      waiter.send(encode('BLPOP', 'q', '0') + encode('PING') + encode('LLEN', 'q'));
      await sleep(100);
      const beforePush = waiter.text;
      const pushed = await pusher.command('RPUSH', 'q', 'x', 'y');
      const after = await waiter.until((t) => t.endsWith(':1\r\n'));
      // A timeout, and CLIENT UNBLOCK of a client blocked forever.
      const timed = await RawClient.open(port);
      timed.send(encode('BRPOP', 'none', '0.1'));
      const timedOut = await timed.until((t) => t.length > 0, 2000);
      const forever = await RawClient.open(port);
      forever.send(encode('CLIENT', 'ID') + encode('BLPOP', 'none', '0'));
      const id = (await forever.until((t) => t.includes('\r\n'))).slice(1, -2);
      await sleep(50);
      const unblocked = await pusher.command('CLIENT', 'UNBLOCK', id, 'ERROR');
      const error = await forever.until((t) => t.includes('UNBLOCKED'));
      for (const c of [waiter, timed, forever]) c.close();
      pusher.close();
      return { beforePush, pushed, after, timedOut, unblocked, error: error.slice(error.indexOf('\r\n') + 2) };
    });
    expect(result.lab).toEqual(result.redis);
    expect(result.lab.beforePush).toBe('');
  });

  it('QUIT answers OK and closes before anything sent after it runs', async () => {
    const result = await onBoth(async (port) => {
      const client = await RawClient.open(port);
      client.send(encode('SET', 'x', '1') + encode('QUIT') + encode('SET', 'x', '2'));
      const text = await client.untilClosed();
      const check = await RedisConnection.open(port);
      const x = await check.command('GET', 'x');
      check.close();
      return { text, x };
    });
    expect(result.lab).toEqual(result.redis);
  });
});

describe('connection commands', () => {
  it('answers HELLO 2 as redis does (but for the client id) and refuses RESP3 with NOPROTO', async () => {
    const result = await onBoth(async (port) => {
      const conn = await RedisConnection.open(port);
      const hello = await conn.command('HELLO', '2', 'SETNAME', 'me');
      const name = await conn.command('CLIENT', 'GETNAME');
      const errors = await conn.pipeline([['HELLO', '4'], ['HELLO', 'x'], ['HELLO', '2', 'AUTH', 'nobody', 'pw'], ['HELLO', '2', 'BOGUS'], ['AUTH', 'pw'], ['AUTH', 'default', 'pw']]);
      conn.close();
      const fields = hello.kind === 'array' ? hello.value!.map((r, i) => (i === 7 ? { kind: 'int', value: 0 } : r)) : [];
      return { fields, name, errors };
    });
    expect(result.lab).toEqual(result.redis);
    const conn = await RedisConnection.open(servers.lab.port);
    const resp3 = await conn.command('HELLO', '3');
    conn.close();
    expect(resp3).toMatchObject({ kind: 'error', value: expect.stringMatching(/^NOPROTO /) });
  });

  it('lists, names, kills and unblocks clients with CLIENT as redis does', async () => {
    const result = await onBoth(async (port) => {
      const a = await RedisConnection.open(port);
      const b = await RawClient.open(port);
      await a.command('CLIENT', 'SETNAME', 'alpha');
      b.send(encode('CLIENT', 'ID'));
      const idB = { value: Number((await b.until((t) => t.endsWith('\r\n'))).slice(1, -2)) };
      const list = (await a.command('CLIENT', 'LIST')) as { value: string };
      const lines = list.value.trim().split('\n');
      const fieldNames = lines[0]!.split(' ').map((f) => f.split('=')[0]);
      const alpha = lines.find((l) => l.includes(' name=alpha '));
      // The query buffer holds the running command: the same bytes on both.
      const info = (await a.command('CLIENT', 'INFO')) as { value: string };
      const own = Object.fromEntries(info.value.trim().split(' ').map((f) => f.split('=') as [string, string]));
      const errors = await a.pipeline([
        ['CLIENT', 'SETNAME', 'has space'],
        ['CLIENT', 'KILL', 'ID', '0'],
        ['CLIENT', 'KILL', 'TYPE', 'bogus'],
        ['CLIENT', 'KILL', '1.2.3.4:5'],
        ['CLIENT', 'LIST', 'TYPE', 'master'],
        ['CLIENT', 'UNBLOCK', String(idB.value), 'maybe'],
        ['CLIENT', 'UNBLOCK', String(idB.value)],
        ['CLIENT', 'NOPE'],
        ['CLIENT', 'ID', 'extra'],
      ]);
      const killed = await a.command('CLIENT', 'KILL', 'ID', String(idB.value));
      await b.untilClosed(2000);
      const bClosed = b.closed;
      a.close();
      b.close();
      return { fieldNames, alphaFlags: /flags=(\S+)/.exec(alpha ?? '')?.[1], qbuf: own.qbuf, cmd: own.cmd, errors, killed, bClosed };
    });
    expect(result.lab).toEqual(result.redis);
    expect(result.lab.bClosed).toBe(true);
  });

  it('shows MONITOR the commands others run, in redis-server format', async () => {
    const result = await onBoth(async (port) => {
      const monitor = await RawClient.open(port);
      monitor.send(encode('MONITOR'));
      await monitor.until((t) => t.startsWith('+OK\r\n'));
      const other = await RedisConnection.open(port);
      await other.pipeline([['SELECT', '2'], ['SET', 'k', 'a "quoted"\nvalue'], ['CONFIG', 'GET', 'save'], ['MULTI'], ['INCR', 'n'], ['EXEC']]);
      const text = await monitor.until((t) => t.includes('"EXEC"'));
      monitor.close();
      other.close();
      // Time and port differ; the rest is the format.
      return text.replace(/\+\d+\.\d{6} \[(\d+) 127\.0\.0\.1:\d+\]/g, '+T [$1 ADDR]');
    });
    expect(result.lab).toBe(result.redis);
  });

  it('holds writes during CLIENT PAUSE WRITE and everything during CLIENT PAUSE ALL, as redis does', async () => {
    const result = await onBoth(async (port) => {
      const [admin, other] = await Promise.all([RedisConnection.open(port), RedisConnection.open(port)]);
      const timed = async (...argv: string[]) => {
        const started = Date.now();
        const reply = await other.command(...argv);
        return { reply, waited: Date.now() - started >= 150 };
      };
      await admin.command('CLIENT', 'PAUSE', '300', 'WRITE');
      const read = await timed('GET', 'k');
      const write = await timed('SET', 'k', 'v');
      await admin.command('CLIENT', 'PAUSE', '300', 'ALL');
      const anything = await timed('PING');
      const errors = await admin.pipeline([['CLIENT', 'PAUSE', '-1'], ['CLIENT', 'PAUSE', 'x'], ['CLIENT', 'PAUSE', '10', 'READ'], ['CLIENT', 'UNPAUSE']]);
      admin.close();
      other.close();
      return { read, write, anything, errors };
    });
    expect(result.lab).toEqual(result.redis);
    expect(result.lab.write.waited).toBe(true);
    expect(result.lab.read.waited).toBe(false);
  });

  it('stops the whole server for DEBUG SLEEP, as redis does', async () => {
    const result = await onBoth(async (port) => {
      const [sleeper, other] = await Promise.all([RedisConnection.open(port), RedisConnection.open(port)]);
      const started = Date.now();
      const slept = sleeper.command('DEBUG', 'SLEEP', '0.3');
      await sleep(50);
      const pong = await other.command('PING');
      const waited = Date.now() - started;
      const reply = await slept;
      sleeper.close();
      other.close();
      return { reply, pong, blocked: waited >= 250 };
    });
    expect(result.lab).toEqual(result.redis);
    expect(result.lab.blocked).toBe(true);
  });

  it('streams to a SYNC connection what redis streams to it: the RDB, then every write with its SELECTs and MULTI/EXEC', async () => {
    const writes = [
      ['SET', 'a', '1'], ['INCR', 'a'], ['GET', 'a'], ['SET', 'b', 'x', 'PXAT', '4102444800000'], ['GETDEL', 'b'], ['DEL', 'nothing'],
      ['MULTI'], ['LPUSH', 'l', '1', '2'], ['RPOPLPUSH', 'l', 'm'], ['EXEC'], ['SELECT', '3'], ['HSET', 'h', 'f', 'v'], ['EXPIREAT', 'h', '4102444800'],
      ['SELECT', '0'],
    ];
    const result = await onBoth((port) => replicationStream(port, [['SET', 'before', 'sync']], writes));
    expect(result.lab).toEqual(result.redis);
    expect(result.lab.rdbMagic).toBe('REDIS0010');
  });

  it('propagates lazy expiry by SCAN and RANDOMKEY as lone DELs, and by other commands inside MULTI/EXEC, as redis does', async () => {
    const expiring = (...keys: string[]) => keys.map((k) => ['SET', k, 'v', 'PX', '1']);
    const result = await onBoth(async (port) => {
      const scan = await replicationStream(port, [['DEBUG', 'SET-ACTIVE-EXPIRE', '0'], ['FLUSHALL'], ...expiring('s1', 's2', 'm1', 'm2')], [['SCAN', '0', 'MATCH', 's*'], ['MGET', 'm1', 'm2']], 20);
      // SCAN walks redis's randomly seeded dict and RANDOMKEY draws at random: the DELs come in
      // either order, so the streams are compared as multisets (a MULTI/EXEC too many still shows).
      const random = await replicationStream(port, [['FLUSHALL'], ...expiring('r1', 'r2')], [['RANDOMKEY']], 20);
      const conn = await RedisConnection.open(port);
      await conn.command('DEBUG', 'SET-ACTIVE-EXPIRE', '1');
      conn.close();
      const commands = (stream: string) => stream.split(/(?=\*\d+\r\n)/).sort();
      return { scan: commands(scan.stream), random: commands(random.stream) };
    });
    expect(result.lab).toEqual(result.redis);
  });

  it('sleeps inside EXEC for DEBUG SLEEP, so a key that expired meanwhile serves no blocked client, as in redis', async () => {
    const result = await onBoth(async (port) => {
      const [blocked, admin] = await Promise.all([RedisConnection.open(port), RedisConnection.open(port)]);
      await admin.command('DEBUG', 'SET-ACTIVE-EXPIRE', '0');
      const id = String((await blocked.command('CLIENT', 'ID')).value);
      const answer = blocked.command('BRPOP', 'k', '0');
      await sleep(100);
      const replies = await admin.pipeline([['MULTI'], ['RPUSH', 'k', 'hello'], ['PEXPIRE', 'k', '100'], ['DEBUG', 'SLEEP', '0.2'], ['EXEC'], ['EXISTS', 'k']]);
      const flags = /flags=(\S+)/.exec(String((await admin.command('CLIENT', 'LIST', 'ID', id)).value))?.[1];
      await admin.command('CLIENT', 'UNBLOCK', id);
      const unblocked = await answer;
      await admin.command('DEBUG', 'SET-ACTIVE-EXPIRE', '1');
      blocked.close();
      admin.close();
      return { replies, flags, unblocked };
    });
    expect(result.lab).toEqual(result.redis);
    expect(result.lab.flags).toBe('b');
  });

  it('refuses SHUTDOWN inside MULTI and SHUTDOWN ABORT without a shutdown in progress, as redis does', async () => {
    const result = await onBoth(async (port) => {
      const conn = await RedisConnection.open(port);
      const replies = await conn.pipeline([['MULTI'], ['SHUTDOWN'], ['EXEC'], ['SHUTDOWN', 'ABORT'], ['SHUTDOWN', 'SAVE', 'NOSAVE'], ['SHUTDOWN', 'BOGUS']]);
      conn.close();
      return replies;
    });
    expect(result.lab).toEqual(result.redis);
  });
});

/** connected_clients, as INFO says. */
async function connectedClients(conn: RedisConnection): Promise<number> {
  const info = (await conn.command('INFO', 'clients')) as { value: string };
  return Number(/connected_clients:(\d+)/.exec(info.value)![1]);
}

describe('slow and idle clients', () => {
  it('closes a client that does not read once its output passes the hard limit; the others are served meanwhile', async () => {
    const admin = await RedisConnection.open(servers.lab.port);
    await admin.pipeline([['CONFIG', 'SET', 'client-output-buffer-limit', 'normal 4mb 0 0'], ['SET', 'big', 'x'.repeat(100_000)]]);
    const before = await connectedClients(admin);
    const stuck = await RawClient.open(servers.lab.port);
    stuck.socket.pause();
    stuck.send(encode('GET', 'big').repeat(2000));
    const started = Date.now();
    while (Date.now() - started < 5000 && !servers.lab.log.some((l) => l.includes('output buffer limits'))) {
      expect(await admin.command('PING')).toEqual({ kind: 'status', value: 'PONG' });
    }
    expect(servers.lab.log.some((l) => l.includes('overcoming of output buffer limits'))).toBe(true);
    expect(await connectedClients(admin)).toBe(before);
    await admin.command('CONFIG', 'SET', 'client-output-buffer-limit', 'normal 0 0 0');
    stuck.close();
    admin.close();
  });

  it('closes a client idle for longer than timeout', async () => {
    const admin = await RedisConnection.open(servers.lab.port);
    await admin.command('CONFIG', 'SET', 'timeout', '1');
    admin.close();
    const idle = await RawClient.open(servers.lab.port);
    const opened = Date.now();
    await idle.untilClosed(4000);
    expect(idle.closed).toBe(true);
    expect(Date.now() - opened).toBeGreaterThanOrEqual(1000);
    // The admin connection was idle too: a new one resets the setting.
    const again = await RedisConnection.open(servers.lab.port);
    await again.command('CONFIG', 'SET', 'timeout', '0');
    again.close();
  });

  it('serves a new client at once with 2,000 idle connections open', async () => {
    const conn = await RedisConnection.open(servers.lab.port);
    const before = await connectedClients(conn);
    const idle: RawClient[] = [];
    // In batches the listen backlog holds (an overflowing accept queue drops handshakes that the
    // client believes complete, for redis-server as well).
    for (let batch = 0; batch < 10; batch++) {
      idle.push(...(await Promise.all(Array.from({ length: 200 }, () => RawClient.open(servers.lab.port)))));
      for (let waited = 0; (await connectedClients(conn)) < before + idle.length && waited < 5000; waited += 20) await sleep(20);
    }
    expect(await connectedClients(conn)).toBe(before + 2000);
    const started = performance.now();
    expect(await conn.command('PING')).toEqual({ kind: 'status', value: 'PONG' });
    expect(performance.now() - started).toBeLessThan(200);
    for (const c of idle) c.close();
    for (let waited = 0; (await connectedClients(conn)) > before && waited < 5000; waited += 50) await sleep(50);
    expect(await connectedClients(conn)).toBe(before);
    conn.close();
  });
});
