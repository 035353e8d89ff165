// Storage failures surface as redis-server shows them: a failed AOF write refuses writes with
// MISCONF until a retry succeeds (losing nothing), appendfsync always exits, and a failed BGSAVE
// with save points refuses writes under stop-writes-on-bgsave-error.
import { describe, expect, it } from 'vitest';
import { applyConfigText, Config } from '../../src/engine/config.js';
import { rdbCodec } from '../../src/engine/persistence/rdb-codec.js';
import { PAGE_BYTES } from '../../src/engine/persistence/copy-on-write.js';
import { PersistentServer, ServerExitError } from '../../src/engine/persistence/server.js';
import { StorageError, type FileStore } from '../../src/storage/file-store.js';
import { MemoryStore } from '../../src/storage/memory-store.js';
import { VirtualClock } from '../../src/sim/virtual-clock.js';

/** A store whose writes fail while `failing` is set, as a full disk or a quota error would. */
class FailingStore extends MemoryStore implements FileStore {
  failing = false;
  failingFlush = false;
  override async flush(path: string): Promise<void> {
    if (this.failingFlush) throw new StorageError('flush', path, 'Input/output error', 'EIO');
    return super.flush(path);
  }
  override async append(path: string, data: Uint8Array): Promise<number> {
    if (this.failing) throw new StorageError('append', path, 'No space left on device', 'EQUOTA');
    return super.append(path, data);
  }
  override async write(path: string, offset: number, data: Uint8Array): Promise<void> {
    if (this.failing) throw new StorageError('write', path, 'No space left on device', 'EQUOTA');
    return super.write(path, offset, data);
  }
}

async function start(configText: string) {
  const config = new Config();
  expect(applyConfigText(config, configText)).toEqual([]);
  const disk = new FailingStore();
  const clock = new VirtualClock();
  const log: string[] = [];
  const { server } = await PersistentServer.start({ disk, config, clock, rdb: rdbCodec, log: (l) => log.push(l) });
  return { server, disk, clock, log, client: server.engine.createClient() };
}

describe('disk errors', () => {
  it('CONFIG SET appendonly yes that cannot write the first AOF is refused as redis refuses it, appendonly stays no, and the log says why', async () => {
    const { server, disk, client, log } = await start('appendonly no\nsave ""');
    expect(await server.execute(client, ['SET', 'a', '1'])).toEqual({ kind: 'status', value: 'OK' });
    disk.failing = true;
    expect(await server.execute(client, ['CONFIG', 'SET', 'appendonly', 'yes'])).toEqual({
      kind: 'error',
      value: "ERR CONFIG SET failed (possibly related to argument 'appendonly') - Unable to turn on AOF. Check server logs.",
    });
    expect(log.at(-1)).toMatch(/^Unable to turn on AOF: .*No space left on device$/);
    expect(await server.execute(client, ['CONFIG', 'GET', 'appendonly'])).toEqual({ kind: 'array', value: [{ kind: 'bulk', value: 'appendonly' }, { kind: 'bulk', value: 'no' }] });
    disk.failing = false;
    expect(await server.execute(client, ['CONFIG', 'SET', 'appendonly', 'yes'])).toEqual({ kind: 'status', value: 'OK' });
    expect(await server.execute(client, ['SET', 'b', '2'])).toEqual({ kind: 'status', value: 'OK' });
  });

  it('a failed AOF write keeps the data in aof_buf, refuses writes with MISCONF, and recovers when the disk does', async () => {
    const { server, disk, clock, log, client } = await start('appendonly yes\nappendfsync everysec\nsave ""');
    disk.failing = true;
    expect(await server.execute(client, ['SET', 'a', '1'])).toEqual({ kind: 'status', value: 'OK' });
    expect(await server.execute(client, ['SET', 'b', '2'])).toEqual({ kind: 'error', value: 'MISCONF Errors writing to the AOF file: append appendonlydir/appendonly.aof.1.incr.aof: No space left on device' });
    expect(await server.execute(client, ['GET', 'a'])).toEqual({ kind: 'bulk', value: '1' });
    expect((await server.execute(client, ['PING'])).kind).toBe('error');
    expect(log).toContain('Error writing to the AOF file: append appendonlydir/appendonly.aof.1.incr.aof: No space left on device');
    disk.failing = false;
    clock.advanceTo(clock.now() + 100);
    await server.cron();
    expect(log).toContain('AOF write error looks solved, Redis can write again.');
    expect(await server.execute(client, ['SET', 'b', '2'])).toEqual({ kind: 'status', value: 'OK' });
    const incr = new TextDecoder().decode(await disk.read('appendonlydir/appendonly.aof.1.incr.aof', 0, 1 << 20));
    expect(incr).toContain('$1\r\na\r\n$1\r\n1\r\n');
    expect(incr.indexOf('\r\na\r\n')).toBeLessThan(incr.indexOf('\r\nb\r\n'));
  });

  it("a failed everysec background fsync refuses writes with MISCONF until the next second's fsync succeeds, as redis 7.0's aof_bio_fsync_status does", async () => {
    const { server, disk, clock, log, client } = await start('appendonly yes\nappendfsync everysec\nsave ""');
    expect(await server.execute(client, ['SET', 'a', '1'])).toEqual({ kind: 'status', value: 'OK' });
    disk.failingFlush = true;
    clock.advanceTo(clock.now() + 1_000);
    // The first write of a new second starts the fsync; its reply does not wait for it.
    expect(await server.execute(client, ['SET', 'b', '2'])).toEqual({ kind: 'status', value: 'OK' });
    await server.backgroundFsyncSettled();
    expect(log).toContain('Error syncing the AOF: flush appendonlydir/appendonly.aof.1.incr.aof: Input/output error');
    expect(await server.execute(client, ['SET', 'c', '3'])).toEqual({ kind: 'error', value: 'MISCONF Errors writing to the AOF file: flush appendonlydir/appendonly.aof.1.incr.aof: Input/output error' });
    // Retried once a second while the bytes stay unsynced: still failing, still refused.
    clock.advanceTo(clock.now() + 1_000);
    await server.cron();
    await server.backgroundFsyncSettled();
    expect((await server.execute(client, ['SET', 'c', '3'])).kind).toBe('error');
    disk.failingFlush = false;
    clock.advanceTo(clock.now() + 1_000);
    await server.cron();
    await server.backgroundFsyncSettled();
    expect(log.at(-1)).toBe('AOF fsync error looks solved, Redis can write again.');
    expect(await server.execute(client, ['SET', 'c', '3'])).toEqual({ kind: 'status', value: 'OK' });
    const incr = new TextDecoder().decode(await disk.read('appendonlydir/appendonly.aof.1.incr.aof', 0, 1 << 20));
    expect(incr.match(/\r\nSET\r\n/g)).toHaveLength(3);
  });

  it('under appendfsync always a failed write stops the server, as redis-server exits', async () => {
    const { server, disk, client, log } = await start('appendonly yes\nappendfsync always\nsave ""');
    disk.failing = true;
    await expect(server.execute(client, ['SET', 'a', '1'])).rejects.toBeInstanceOf(ServerExitError);
    expect(log.at(-1)).toBe("Can't recover from AOF write error when the AOF fsync policy is 'always'. Exiting...");
  });

  it('a failed BGSAVE with save points refuses writes until a BGSAVE succeeds', async () => {
    const { server, disk, clock, client } = await start('appendonly no\nsave "3600 1"');
    disk.failing = true;
    expect(await server.execute(client, ['BGSAVE'])).toEqual({ kind: 'status', value: 'Background saving started' });
    await server.job!.finished;
    await server.cron();
    expect((await server.execute(client, ['INFO', 'persistence'])).value).toContain('rdb_last_bgsave_status:err');
    const refused = await server.execute(client, ['SET', 'a', '1']);
    expect(refused.kind).toBe('error');
    expect(refused.value).toMatch(/^MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to disk\./);
    disk.failing = false;
    await server.execute(client, ['BGSAVE']);
    await server.job!.finished;
    clock.advanceTo(clock.now() + 100);
    await server.cron();
    expect(await server.execute(client, ['SET', 'a', '1'])).toEqual({ kind: 'status', value: 'OK' });
  });
});

describe('copy-on-write', () => {
  /** A server whose fork child writes 1 byte per virtual ms: it is still running while the test writes. */
  async function slowChildServer() {
    const config = new Config();
    applyConfigText(config, 'appendonly no\nsave ""');
    const clock = new VirtualClock();
    const { server } = await PersistentServer.start({ disk: new MemoryStore(), config, clock, rdb: rdbCodec, childBytesPerMs: 1 });
    return { server, clock, client: server.engine.createClient() };
  }

  it('counts whole pages while a BGSAVE child runs, each once, as rdb_last_cow_size', async () => {
    const { server, clock, client } = await slowChildServer();
    await server.execute(client, ['SET', 'before', 'x'.repeat(1000)]);
    await server.execute(client, ['BGSAVE']);
    for (let i = 0; i < 3; i++) await server.execute(client, ['SET', 'hot', 'y'.repeat(500)]);
    await server.execute(client, ['APPEND', 'before', 'z']);
    const during = (await server.execute(client, ['INFO', 'persistence'])).value as string;
    // The key written has a page in the entries and one in the values; the one made since the
    // fork is in memory the child never shared.
    expect(Number(/current_cow_size:(\d+)/.exec(during)![1])).toBe(2 * PAGE_BYTES);
    clock.advanceTo(clock.now() + 10_000);
    await server.cron();
    const after = (await server.execute(client, ['INFO', 'persistence'])).value as string;
    expect(after).toContain(`rdb_last_cow_size:${2 * PAGE_BYTES}`);
    expect(after).toContain('current_cow_size:0');
  });

  it('counts every key a multi-key write touches; a new key, or a big value moved or freed, is not copied', async () => {
    const { server, client } = await slowChildServer();
    await server.execute(client, ['SET', 'seed', 'x'.repeat(100_000)]);
    await server.execute(client, ['MSET', ...Array.from({ length: 300 }, (_, i) => [`k:${i}`, 'v'.repeat(100)]).flat()]);
    await server.execute(client, ['BGSAVE']);
    const cow = async () => Number(/current_cow_size:(\d+)/.exec((await server.execute(client, ['INFO', 'persistence'])).value as string)![1]);
    await server.execute(client, ['SET', 'k:0', 'w'.repeat(100)]);
    const oneKey = await cow();
    expect(oneKey).toBe(2 * PAGE_BYTES);
    await server.execute(client, ['MSET', ...Array.from({ length: 200 }, (_, i) => [`k:${i}`, 'w'.repeat(100)]).flat()]);
    const afterMset = await cow();
    // 200 neighbouring keys of ~180 bytes span several pages of each region, not one key's two.
    expect(afterMset).toBeGreaterThanOrEqual(4 * oneKey);
    await server.execute(client, ['DEL', 'k:0', 'k:1', 'k:2']);
    // Their pages were counted once for this child already.
    expect(await cow()).toBe(afterMset);
    await server.execute(client, ['SET', 'new', 'n'.repeat(100)]);
    await server.execute(client, ['DEL', 'new']);
    expect(await cow()).toBe(afterMset);
    // RENAME moves the 100 KB value's pointer: an entry page at most, not the value's 25 pages.
    await server.execute(client, ['RENAME', 'seed', 'moved']);
    expect(await cow()).toBeLessThanOrEqual(afterMset + PAGE_BYTES);
  });
});
