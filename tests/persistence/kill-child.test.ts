// The parent kills its BGSAVE child where redis-server does: FLUSHALL (the child's file would
// bring the flushed keys back on the next start) and SHUTDOWN (its file could stand for a dataset
// older than the final save, or appear though NOSAVE was asked). Each case runs on redis-server,
// whose child is slowed by rdb-key-save-delay, and on the lab, whose child is held mid-file; the
// files left on disk and what INFO and the log say must be the same.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyConfigText, Config } from '../../src/engine/config.js';
import { Engine } from '../../src/engine/engine.js';
import { readChunks, type Disk } from '../../src/engine/persistence/disk.js';
import { rdbCodec } from '../../src/engine/persistence/rdb-codec.js';
import { PersistentServer } from '../../src/engine/persistence/server.js';
import { NodeFsStore } from '../../src/storage/node-fs-store.js';
import { VirtualClock } from '../../src/sim/virtual-clock.js';
import { HeldChildStore } from '../support/held-child-store.js';
import { RedisServer } from '../support/redis-server.js';

const KEYS = 300;

interface Case {
  /** Configuration both servers start with. */
  config: Record<string, string>;
  /** The command that starts the child. */
  fork: 'BGSAVE' | 'BGREWRITEAOF';
  /** What happens while the child runs. */
  then: 'FLUSHALL' | 'SHUTDOWN NOSAVE' | 'SHUTDOWN SAVE';
}

interface Outcome {
  /** Keys in dump.rdb, or null when there is none. */
  dumpKeys: number | null;
  /** temp-*.rdb files left in the directory. */
  tempFiles: string[];
  /** The log says the child was killed. */
  killLogged: boolean;
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

const isTempRdb = (name: string) => /^temp-\d+\.rdb$/.test(name);

async function onRedis({ config, fork, then }: Case): Promise<Outcome> {
  // A directory of our own: it must outlive a server that exits on SHUTDOWN.
  const dir = mkdtempSync(join(tmpdir(), 'lab-kill-child-'));
  const redis = await RedisServer.start({ dir, args: Object.entries(config).flatMap(([name, value]) => [`--${name}`, value]) });
  try {
    await redis.command('DEBUG', 'POPULATE', String(KEYS));
    await redis.waitForBackgroundJobs();
    // 5 ms a key: the child is still writing when the next command arrives.
    await redis.command('CONFIG', 'SET', 'rdb-key-save-delay', '5000');
    expect((await redis.command(fork)).kind).toBe('status');
    if (then === 'FLUSHALL') {
      expect((await redis.command('FLUSHALL')).value).toBe('OK');
      await redis.command('CONFIG', 'SET', 'rdb-key-save-delay', '0');
      await redis.waitForBackgroundJobs(30_000);
      const info = await redis.command('INFO', 'persistence');
      return { dumpKeys: await dumpKeys(new NodeFsStore(dir), 'dump.rdb'), tempFiles: readdirSync(dir).filter(isTempRdb), killLogged: redis.log().includes('Background saving terminated by signal 10'), info: infoFields(String(info.value)) };
    }
    await redis.connection.pipeline([then.split(' ')]).catch(() => undefined);
    await redis.stop();
    return { dumpKeys: await dumpKeys(new NodeFsStore(dir), 'dump.rdb'), tempFiles: readdirSync(dir).filter(isTempRdb), killLogged: redis.log().includes('There is a child saving an .rdb. Killing it!'), info: null };
  } finally {
    await redis.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function onLab({ config, fork, then }: Case): Promise<Outcome> {
  const store = new HeldChildStore(1);
  const settings = new Config();
  expect(applyConfigText(settings, Object.entries(config).map(([name, value]) => `${name} "${value}"`).join('\n'))).toEqual([]);
  const log: string[] = [];
  const { server } = await PersistentServer.start({ disk: store, config: settings, clock: new VirtualClock(), rdb: rdbCodec, log: (line) => log.push(line) });
  const client = server.engine.createClient();
  await server.execute(client, ['DEBUG', 'POPULATE', String(KEYS)]);
  while (server.job) await server.cron();
  expect((await server.execute(client, [fork])).kind).toBe('status');
  const tempFiles = async () => (await store.list('')).filter(isTempRdb);
  if (then === 'FLUSHALL') {
    expect((await server.execute(client, ['FLUSHALL'])).value).toBe('OK');
    store.release();
    for (let tick = 0; server.job && tick < 1000; tick++) await server.cron();
    expect(server.job).toBeNull();
    const info = await server.execute(client, ['INFO', 'persistence']);
    return { dumpKeys: await dumpKeys(store, 'dump.rdb'), tempFiles: await tempFiles(), killLogged: log.includes('Background saving terminated by signal 10'), info: infoFields(String(info.value)) };
  }
  const stopped = server.shutdown(then === 'SHUTDOWN SAVE' ? 'save' : 'nosave');
  store.release();
  await stopped;
  return { dumpKeys: await dumpKeys(store, 'dump.rdb'), tempFiles: await tempFiles(), killLogged: log.includes('There is a child saving an .rdb. Killing it!'), info: null };
}

describe('a killed fork child, as redis-server kills it', () => {
  const cases: [string, Case, Partial<Outcome>][] = [
    ['FLUSHALL during BGSAVE with save points: the empty dataset is saved and the child cannot bring the keys back', { config: { save: '3600 1' }, fork: 'BGSAVE', then: 'FLUSHALL' }, { dumpKeys: 0, killLogged: true }],
    ['FLUSHALL during BGSAVE without save points: no file at all', { config: { save: '' }, fork: 'BGSAVE', then: 'FLUSHALL' }, { dumpKeys: null, killLogged: true }],
    ['FLUSHALL during an AOF rewrite with save points: the empty dataset is saved at once, the rewrite goes on', { config: { save: '3600 1', appendonly: 'yes' }, fork: 'BGREWRITEAOF', then: 'FLUSHALL' }, { dumpKeys: 0, killLogged: false }],
    ['SHUTDOWN NOSAVE during BGSAVE: the child is killed and its snapshot never installed', { config: { save: '' }, fork: 'BGSAVE', then: 'SHUTDOWN NOSAVE' }, { dumpKeys: null, killLogged: true }],
    ['SHUTDOWN SAVE during BGSAVE: the final save is what stays', { config: { save: '' }, fork: 'BGSAVE', then: 'SHUTDOWN SAVE' }, { dumpKeys: KEYS, killLogged: true }],
  ];
  for (const [title, scenario, expected] of cases) {
    it(title, async () => {
      const redis = await onRedis(scenario);
      expect(redis).toMatchObject({ ...expected, tempFiles: [] });
      expect(await onLab(scenario)).toEqual(redis);
    }, 60_000);
  }
});
