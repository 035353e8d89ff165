// Function libraries in files, both ways against redis-server 7.0: FUNCTION2 records in RDB files
// (and the 7.0-rc layout), FUNCTION LOAD/DELETE/FLUSH in the AOF and FUNCTION LOAD at the top of
// a rewrite, FUNCTION DUMP/RESTORE payloads: what one side writes, the other loads, with the same
// FUNCTION LIST WITHCODE and digest.
import { spawnSync } from 'node:child_process';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AofCommandReader } from '../../src/engine/aof/command-reader.js';
import { systemClock } from '../../src/engine/clock.js';
import { applyConfigText, Config } from '../../src/engine/config.js';
import { datasetDigest } from '../../src/engine/digest.js';
import { Engine } from '../../src/engine/engine.js';
import { rdbCodec } from '../../src/engine/persistence/rdb-codec.js';
import { PersistentServer } from '../../src/engine/persistence/server.js';
import { loadRdb } from '../../src/engine/rdb/reader.js';
import { rdbChunks } from '../../src/engine/rdb/writer.js';
import type { Reply } from '../../src/engine/resp/reply.js';
import { NodeFsStore } from '../../src/storage/node-fs-store.js';
import { RedisServer } from '../support/redis-server.js';
import { useScratch } from '../support/scratch.js';

const { tempDir, servers } = useScratch('lab-functions-');

const LIB_A = "#!lua name=liba\nredis.register_function('echo_a', function(keys, args) return args[1] end)\n-- redis.register_function('commented', f)\nredis.register_function{function_name='ro_a', callback=function() return 1 end, flags={'no-writes', 'allow-stale'}, description='read only'}\n";
const LIB_B = '#!lua name=libb\nlocal function f() return 2 end\nredis.register_function("b_one", f)\nredis.register_function(\'b_two\', f)\n';
const LIB_C = "#!LUA NAME=libc\nredis.register_function{function_name='c', callback=function() return 3 end, flags={'allow-oom'}}";

const WORKLOAD: string[][] = [
  ['FUNCTION', 'LOAD', LIB_A],
  ['FUNCTION', 'LOAD', LIB_B],
  ['SET', 'k', 'v'],
  ['FUNCTION', 'LOAD', LIB_C],
  ['FUNCTION', 'DELETE', 'libc'],
  ['FUNCTION', 'LOAD', 'REPLACE', LIB_B],
  ['FUNCTION', 'LOAD', LIB_C],
];

/** FUNCTION LIST WITHCODE: libraries and their functions come in hash-table order; sorted here. */
const LIST: string[][] = [['FUNCTION', 'LIST', 'WITHCODE']];
const nameOf = (item: Reply) => (item.kind === 'array' && item.value?.[1]?.kind === 'bulk' ? item.value[1].value ?? '' : '');
const byName = (items: readonly Reply[]) => [...items].sort((a, b) => (nameOf(a) < nameOf(b) ? -1 : 1));
function sortedList(reply: Reply): Reply {
  if (reply.kind !== 'array' || !reply.value || !reply.value.every((lib) => lib.kind === 'array' && lib.value?.[0]?.kind === 'bulk' && lib.value[0].value === 'library_name')) return reply;
  const libraries = reply.value.map((lib) => {
    const fields = [...(lib as { value: readonly Reply[] }).value];
    const functions = fields[5]!;
    if (functions.kind === 'array' && functions.value) fields[5] = { kind: 'array', value: byName(functions.value) };
    return { kind: 'array', value: fields } as Reply;
  });
  return { kind: 'array', value: byName(libraries) };
}

async function redisWith(dir: string, args: string[] = []): Promise<RedisServer> {
  const redis = await RedisServer.start({ dir, args });
  servers.push(redis);
  return redis;
}

async function stop(redis: RedisServer): Promise<void> {
  servers.splice(servers.indexOf(redis), 1);
  await redis.stop();
}

function lab(): Engine {
  return new Engine({ clock: systemClock });
}

function run(engine: Engine, commands: readonly string[][]): Reply[] {
  const client = engine.createClient();
  return commands.map((argv) => engine.execute(client, argv));
}

async function* once(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  yield bytes;
}

const AOF_ARGS = ['--appendonly', 'yes', '--aof-use-rdb-preamble', 'no'];

async function labServer(dir: string, text = 'appendonly yes\naof-use-rdb-preamble no\nappendfsync always\nsave ""') {
  const config = new Config();
  expect(applyConfigText(config, text)).toEqual([]);
  return (await PersistentServer.start({ disk: new NodeFsStore(dir), config, clock: systemClock, rdb: rdbCodec })).server;
}

describe('function libraries in RDB files', () => {
  it("loads redis's FUNCTION2 records and writes them back for redis to load", async () => {
    const dir = tempDir();
    const redis = await redisWith(dir);
    for (const reply of await redis.pipeline(WORKLOAD)) expect(reply.kind).not.toBe('error');
    await redis.command('SAVE');
    const expected = sortedList((await redis.pipeline(LIST))[0]!);
    expect(JSON.stringify(expected)).toContain('ro_a');
    const engine = lab();
    await loadRdb(engine, once(new Uint8Array(readFileSync(join(dir, 'dump.rdb')))));
    expect(sortedList(run(engine, LIST)[0]!)).toEqual(expected);
    await stop(redis);

    const labDir = tempDir();
    writeFileSync(join(labDir, 'dump.rdb'), Buffer.concat([...rdbChunks(engine.dbs, { compression: true, checksum: true, aofBase: false, functions: engine.functions.codes(), now: Date.now(), usedMemory: 1 })]));
    const check = spawnSync('redis-check-rdb', [join(labDir, 'dump.rdb')], { encoding: 'utf8' });
    expect(check.status, check.stdout).toBe(0);
    const again = await redisWith(labDir);
    expect(sortedList((await again.pipeline(LIST))[0]!)).toEqual(expected);
    expect(await again.command('DEBUG', 'DIGEST')).toEqual({ kind: 'status', value: datasetDigest(engine) });
  });

  it('loads the 7.0-rc layout (opcode 246) as redis does', async () => {
    const str = (s: string) => [s.length, ...Buffer.from(s, 'latin1')];
    const body = "redis.register_function('old', function() return 1 end)";
    const bytes = new Uint8Array([...Buffer.from('REDIS0010', 'latin1'), 0xf6, ...str('oldlib'), ...str('LUA'), 1, ...str('a description'), ...str(body), 0xff, 0, 0, 0, 0, 0, 0, 0, 0]);
    const dir = tempDir();
    writeFileSync(join(dir, 'dump.rdb'), bytes);
    const redis = await redisWith(dir);
    const engine = lab();
    await loadRdb(engine, once(bytes));
    expect(sortedList(run(engine, LIST)[0]!)).toEqual(sortedList((await redis.pipeline(LIST))[0]!));
  });
});

describe('function libraries in the AOF', () => {
  it('appends what redis appends, loads the other side’s files, and rewrites libraries first', async () => {
    const redisDir = tempDir();
    const redis = await redisWith(redisDir, AOF_ARGS);
    await redis.pipeline(WORKLOAD);
    const redisIncr = readFileSync(join(redisDir, 'appendonlydir/appendonly.aof.1.incr.aof'), 'latin1');
    await redis.command('BGREWRITEAOF');
    await redis.waitForBackgroundJobs();
    await redis.command('FUNCTION', 'DELETE', 'liba');
    const expected = sortedList((await redis.pipeline(LIST))[0]!);
    await stop(redis);

    const dir = tempDir();
    const server = await labServer(dir);
    const client = server.engine.createClient();
    for (const argv of WORKLOAD) expect((await server.execute(client, argv)).kind).not.toBe('error');
    const incr1 = readFileSync(join(dir, 'appendonlydir/appendonly.aof.1.incr.aof'), 'latin1');
    expect(incr1).toBe(redisIncr);
    await server.execute(client, ['BGREWRITEAOF']);
    await server.job!.finished;
    await server.cron();
    await server.execute(client, ['FUNCTION', 'DELETE', 'liba']);
    await server.shutdown();
    const loads = (d: string) => {
      const reader = new AofCommandReader();
      reader.push(readFileSync(join(d, 'appendonlydir/appendonly.aof.2.base.aof')));
      reader.finish();
      const out: string[] = [];
      for (let r = reader.next(); r.kind === 'command'; r = reader.next()) out.push(r.argv.join(' '));
      return out;
    };
    expect(loads(dir).slice(0, 3).sort()).toEqual(loads(redisDir).slice(0, 3).sort());
    expect(loads(dir)[0]).toMatch(/^FUNCTION LOAD #!/);

    for (const files of [dir, redisDir]) {
      const copy = tempDir();
      cpSync(files, copy, { recursive: true });
      const inRedis = await redisWith(files, AOF_ARGS);
      expect(sortedList((await inRedis.pipeline(LIST))[0]!)).toEqual(expected);
      const inLab = await labServer(copy);
      expect(sortedList(run(inLab.engine, LIST)[0]!)).toEqual(expected);
      expect({ kind: 'status', value: datasetDigest(inLab.engine) }).toEqual(await inRedis.command('DEBUG', 'DIGEST'));
    }
  });
});

describe('FUNCTION DUMP and RESTORE', () => {
  it("restores the other side's payload with every policy and its errors", async () => {
    const redis = await redisWith(tempDir());
    await redis.pipeline(WORKLOAD);
    const engine = lab();
    run(engine, WORKLOAD);
    const [redisDump] = await redis.pipeline([['FUNCTION', 'DUMP']]);
    const [labDump] = run(engine, [['FUNCTION', 'DUMP']]);
    const steps = (payload: string): string[][] => [
      ['FUNCTION', 'RESTORE', payload],
      ['FUNCTION', 'FLUSH'],
      ['FUNCTION', 'LOAD', "#!lua name=liba\nredis.register_function('other', function() return 1 end)"],
      ['FUNCTION', 'RESTORE', payload],
      ['FUNCTION', 'RESTORE', payload, 'REPLACE'],
      ['FUNCTION', 'LIST', 'WITHCODE'],
      ['FUNCTION', 'RESTORE', payload, 'FLUSH'],
      ['FUNCTION', 'LIST', 'WITHCODE'],
      ['FUNCTION', 'RESTORE', payload.slice(0, -1) + 'x'],
      ['FUNCTION', 'RESTORE', payload, 'NOPE'],
      ['FUNCTION', 'STATS'],
    ];
    // Which of several existing libraries RESTORE names first follows redis's dict order, seeded
    // at random when it starts: the error is compared without the name.
    const comparable = (reply: Reply): Reply => (reply.kind === 'error' ? { kind: 'error', value: reply.value.replace(/^(ERR Library )\S+( already exists)$/, '$1…$2') } : sortedList(reply));
    for (const payload of [(redisDump as { value: string }).value, (labDump as { value: string }).value]) {
      const theirs = (await redis.pipeline(steps(payload))).map(comparable);
      const ours = run(engine, steps(payload)).map(comparable);
      expect(ours).toEqual(theirs);
    }
  });
});
