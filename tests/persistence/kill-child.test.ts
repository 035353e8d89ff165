// The parent kills its fork child where redis-server does: a BGSAVE child on FLUSHALL (its file
// would bring the flushed keys back on the next start) and on SHUTDOWN (its file could stand for
// a dataset older than the final save, or appear though NOSAVE was asked); a rewrite child on
// CONFIG SET appendonly no and on SHUTDOWN. Each case runs on redis-server, whose child is slowed
// by rdb-key-save-delay, and on the lab, whose child is held mid-file; the files left on disk and
// what INFO and the log say must be the same.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyConfigText, Config } from '../../src/engine/config.js';
import { Engine } from '../../src/engine/engine.js';
import { readChunks, type Disk } from '../../src/engine/persistence/disk.js';
import { readAll, type FileStore } from '../../src/storage/file-store.js';
import { rdbCodec } from '../../src/engine/persistence/rdb-codec.js';
import { PersistentServer } from '../../src/engine/persistence/server.js';
import { NodeFsStore } from '../../src/storage/node-fs-store.js';
import { VirtualClock } from '../../src/sim/virtual-clock.js';
import { HeldChildStore } from '../support/held-child-store.js';
import { RedisServer } from '../support/redis-server.js';

const KEYS = 300;
const REAPED = 'Background saving terminated by signal 10';

interface Case {
  /** Configuration both servers start with. */
  config: Record<string, string>;
  /** The command that starts the child. */
  fork: 'BGSAVE' | 'BGREWRITEAOF';
  /** What happens while the child runs. */
  then: 'FLUSHALL' | 'CONFIG SET appendonly no' | 'SHUTDOWN NOSAVE' | 'SHUTDOWN SAVE';
  /** The log line (its start) that says the child was killed. */
  killLine: string;
}

interface Outcome {
  /** Keys in dump.rdb, or null when there is none. */
  dumpKeys: number | null;
  /** Children's temp files left in the directory. */
  tempFiles: string[];
  /** The AOF directory's files and its manifest, when there is one. */
  aof: { files: string[]; manifest: string } | null;
  /** The log says the child was killed. */
  killLogged: boolean;
  /** The log says a killed BGSAVE child was reaped (redis exits before it would on SHUTDOWN). */
  reapLogged: boolean;
  /** INFO persistence after the child is gone (null once the server has exited). */
  info: Record<string, string> | null;
}

const INFO_FIELDS = ['rdb_last_bgsave_status', 'rdb_bgsave_in_progress', 'aof_rewrite_in_progress', 'aof_last_bgrewrite_status'];

function infoFields(text: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const line of text.split('\r\n')) {
    const [name, value] = line.split(':');
    if (name && INFO_FIELDS.includes(name)) fields[name] = value!;
  }
  return fields;
}

async function dumpKeys(disk: Disk, path: string): Promise<number | null> {
  if ((await disk.size(path)) === null) return null;
  const engine = new Engine({ clock: new VirtualClock() });
  await rdbCodec.load(engine, path, readChunks(disk, path), {});
  return engine.dbs.reduce((sum, db) => sum + db.size, 0);
}

const isChildTemp = (name: string) => /^temp-(rewriteaof-bg-)?\d+\.(rdb|aof)$/.test(name);

async function aofFiles(disk: FileStore): Promise<Outcome['aof']> {
  const files = await disk.list('appendonlydir');
  if (files.length === 0) return null;
  const manifest = await readAll(disk, 'appendonlydir/appendonly.aof.manifest');
  return { files, manifest: new TextDecoder().decode(manifest) };
}

/** What is on disk once the server is done with the child. */
async function filesOf(disk: FileStore): Promise<Pick<Outcome, 'dumpKeys' | 'tempFiles' | 'aof'>> {
  return { dumpKeys: await dumpKeys(disk, 'dump.rdb'), tempFiles: (await disk.list('')).filter(isChildTemp), aof: await aofFiles(disk) };
}

async function onRedis({ config, fork, then, killLine }: Case): Promise<Outcome> {
  // A directory of our own: it must outlive a server that exits on SHUTDOWN.
  const dir = mkdtempSync(join(tmpdir(), 'lab-kill-child-'));
  const redis = await RedisServer.start({ dir, args: Object.entries(config).flatMap(([name, value]) => [`--${name}`, value]) });
  const disk = new NodeFsStore(dir);
  try {
    await redis.command('DEBUG', 'POPULATE', String(KEYS));
    await redis.waitForBackgroundJobs();
    // 5 ms a key: the child is still writing when the next command arrives.
    await redis.command('CONFIG', 'SET', 'rdb-key-save-delay', '5000');
    expect((await redis.command(fork)).kind).toBe('status');
    if (then.startsWith('SHUTDOWN')) {
      await redis.connection.pipeline([then.split(' ')]).catch(() => undefined);
      await redis.stop();
      return { ...(await filesOf(disk)), killLogged: redis.log().includes(killLine), reapLogged: redis.log().includes(REAPED), info: null };
    }
    expect((await redis.command(...then.split(' '))).value).toBe('OK');
    await redis.command('CONFIG', 'SET', 'rdb-key-save-delay', '0');
    await redis.waitForBackgroundJobs(30_000);
    const info = await redis.command('INFO', 'persistence');
    return { ...(await filesOf(disk)), killLogged: redis.log().includes(killLine), reapLogged: redis.log().includes(REAPED), info: infoFields(String(info.value)) };
  } finally {
    await redis.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function onLab({ config, fork, then, killLine }: Case): Promise<Outcome> {
  const store = new HeldChildStore(1);
  const settings = new Config();
  expect(applyConfigText(settings, Object.entries(config).map(([name, value]) => `${name} "${value}"`).join('\n'))).toEqual([]);
  const log: string[] = [];
  const { server } = await PersistentServer.start({ disk: store, config: settings, clock: new VirtualClock(), rdb: rdbCodec, log: (line) => log.push(line) });
  const client = server.engine.createClient();
  await server.execute(client, ['DEBUG', 'POPULATE', String(KEYS)]);
  while (server.job) await server.cron();
  expect((await server.execute(client, [fork])).kind).toBe('status');
  const killLogged = () => log.some((line) => line.startsWith(killLine));
  const reapLogged = () => log.includes(REAPED);
  if (then.startsWith('SHUTDOWN')) {
    const stopped = server.shutdown(then === 'SHUTDOWN SAVE' ? 'save' : 'nosave');
    store.release();
    await stopped;
    return { ...(await filesOf(store)), killLogged: killLogged(), reapLogged: reapLogged(), info: null };
  }
  // The command acts before the held child may go on.
  const reply = server.execute(client, then.split(' '));
  store.release();
  expect((await reply).value).toBe('OK');
  for (let tick = 0; server.job && tick < 1000; tick++) await server.cron();
  expect(server.job).toBeNull();
  const info = await server.execute(client, ['INFO', 'persistence']);
  return { ...(await filesOf(store)), killLogged: killLogged(), reapLogged: reapLogged(), info: infoFields(String(info.value)) };
}

describe('a killed fork child, as redis-server kills it', () => {
  const bgsaveKilled = REAPED;
  const shutdownKilled = 'There is a child saving an .rdb. Killing it!';
  const rewriteKilled = 'Killing running AOF rewrite child';
  const cases: [string, Case, Partial<Outcome>][] = [
    ['FLUSHALL during BGSAVE with save points: the empty dataset is saved and the child cannot bring the keys back', { config: { save: '3600 1' }, fork: 'BGSAVE', then: 'FLUSHALL', killLine: bgsaveKilled }, { dumpKeys: 0, killLogged: true }],
    ['FLUSHALL during BGSAVE without save points: no file at all', { config: { save: '' }, fork: 'BGSAVE', then: 'FLUSHALL', killLine: bgsaveKilled }, { dumpKeys: null, killLogged: true }],
    ['FLUSHALL during an AOF rewrite with save points: the empty dataset is saved at once, the rewrite goes on', { config: { save: '3600 1', appendonly: 'yes' }, fork: 'BGREWRITEAOF', then: 'FLUSHALL', killLine: rewriteKilled }, { dumpKeys: 0, killLogged: false }],
    ['SHUTDOWN NOSAVE during BGSAVE: the child is killed and its snapshot never installed', { config: { save: '' }, fork: 'BGSAVE', then: 'SHUTDOWN NOSAVE', killLine: shutdownKilled }, { dumpKeys: null, killLogged: true }],
    ['SHUTDOWN SAVE during BGSAVE: the final save is what stays', { config: { save: '' }, fork: 'BGSAVE', then: 'SHUTDOWN SAVE', killLine: shutdownKilled }, { dumpKeys: KEYS, killLogged: true }],
    ['CONFIG SET appendonly no during an AOF rewrite: the child is killed, no new base installed', { config: { save: '', appendonly: 'yes' }, fork: 'BGREWRITEAOF', then: 'CONFIG SET appendonly no', killLine: rewriteKilled }, { killLogged: true }],
    ['SHUTDOWN NOSAVE during an AOF rewrite: the child is killed, the AOF as it was stays', { config: { save: '', appendonly: 'yes' }, fork: 'BGREWRITEAOF', then: 'SHUTDOWN NOSAVE', killLine: 'There is a child rewriting the AOF. Killing it!' }, { killLogged: true }],
    ['SHUTDOWN NOSAVE during an AOF rewrite with appendonly no: killed too, its base never installed', { config: { save: '', appendonly: 'no' }, fork: 'BGREWRITEAOF', then: 'SHUTDOWN NOSAVE', killLine: 'There is a child rewriting the AOF. Killing it!' }, { killLogged: true, aof: null }],
  ];
  for (const [title, scenario, expected] of cases) {
    it(title, async () => {
      const redis = await onRedis(scenario);
      expect(redis).toMatchObject({ ...expected, tempFiles: [] });
      if (scenario.fork === 'BGREWRITEAOF' && scenario.config.appendonly === 'yes') expect(redis.aof?.files).toContain('appendonly.aof.2.incr.aof');
      expect(await onLab(scenario)).toEqual(redis);
    }, 60_000);
  }
});
