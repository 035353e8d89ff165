// The page-cache model on the memory backend: what a process crash keeps, what a power loss
// takes back, torn tails, writeback, and directory operations with and without a directory fsync.
import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../../src/storage/memory-store.js';
import { PageCacheStore } from '../../src/storage/page-cache.js';

const bytes = (s: string) => new TextEncoder().encode(s);
const text = async (store: MemoryStore, path: string) => {
  const size = await store.size(path);
  return size === null ? null : new TextDecoder().decode(await store.read(path, 0, size));
};

function setup() {
  let now = 0;
  const disk = new MemoryStore();
  const cache = new PageCacheStore(disk, { now: () => now });
  return { disk, cache, advance: (ms: number) => (now += ms) };
}

describe('PageCacheStore', () => {
  it('passes writes through, so a process crash (nothing done) keeps them all', async () => {
    const { disk, cache } = setup();
    await cache.append('a.aof', bytes('one'));
    await cache.append('a.aof', bytes('two'));
    expect(await text(disk, 'a.aof')).toBe('onetwo');
    expect((await cache.state()).unsyncedBytes).toBe(6);
  });

  it('a power loss keeps what was fsynced and drops the rest', async () => {
    const { disk, cache } = setup();
    await cache.append('a.aof', bytes('durable|'));
    await cache.flush('a.aof');
    await cache.append('a.aof', bytes('lost'));
    await cache.flushDir('');
    await cache.powerLoss();
    expect(await text(disk, 'a.aof')).toBe('durable|');
  });

  it('a torn power loss keeps a seeded prefix of the unsynced tail', async () => {
    const { disk, cache } = setup();
    await cache.append('a.aof', bytes('durable|'));
    await cache.flush('a.aof');
    await cache.append('a.aof', bytes('0123456789'));
    const report = await cache.powerLoss({ torn: true, random: (bound) => Math.min(4, bound - 1) });
    expect(await text(disk, 'a.aof')).toBe('durable|0123');
    expect(report.files).toEqual([{ path: 'a.aof', keptUnsynced: 4, lostBytes: 6 }]);
  });

  it('restores overwritten and truncated durable bytes', async () => {
    const { disk, cache } = setup();
    await cache.write('f', 0, bytes('abcdefgh'));
    await cache.flush('f');
    await cache.write('f', 2, bytes('XY'));
    await cache.truncate('f', 3);
    expect(await text(disk, 'f')).toBe('abX');
    await cache.powerLoss();
    expect(await text(disk, 'f')).toBe('abcdefgh');
  });

  it('writes back dirty data after dirty_expire, not before', async () => {
    const { disk, cache, advance } = setup();
    await cache.append('a', bytes('x'));
    advance(29_999);
    await cache.writeback();
    expect((await cache.state()).dirtyFiles).toBe(1);
    advance(1);
    await cache.writeback();
    expect((await cache.state()).dirtyFiles).toBe(0);
    await cache.powerLoss();
    expect(await text(disk, 'a')).toBe('x');
  });

  it('undoes a rename whose directory was not fsynced, bringing back the file it replaced', async () => {
    const { disk, cache } = setup();
    await cache.write('dump.rdb', 0, bytes('old'));
    await cache.flush('dump.rdb');
    await cache.flushDir('');
    await cache.write('temp.rdb', 0, bytes('new'));
    await cache.flush('temp.rdb');
    await cache.rename('temp.rdb', 'dump.rdb');
    expect(await text(disk, 'dump.rdb')).toBe('new');
    await cache.powerLoss();
    expect(await text(disk, 'dump.rdb')).toBe('old');
    expect(await text(disk, 'temp.rdb')).toBe('new');
  });

  it('keeps a rename once the directory is fsynced', async () => {
    const { disk, cache } = setup();
    await cache.write('temp.rdb', 0, bytes('new'));
    await cache.flush('temp.rdb');
    await cache.rename('temp.rdb', 'dump.rdb');
    await cache.flushDir('');
    await cache.powerLoss();
    expect(await text(disk, 'dump.rdb')).toBe('new');
    expect(await disk.size('temp.rdb')).toBeNull();
  });

  it('brings back a deleted file until the deletion is committed', async () => {
    const { disk, cache, advance } = setup();
    await cache.write('d/old.aof', 0, bytes('history'));
    await cache.flush('d/old.aof');
    await cache.delete('d/old.aof');
    await cache.powerLoss();
    expect(await text(disk, 'd/old.aof')).toBe('history');
    await cache.delete('d/old.aof');
    advance(5_000);
    await cache.writeback();
    await cache.powerLoss();
    expect(await disk.size('d/old.aof')).toBeNull();
  });

  it('a new file survives as an empty file once its directory entry is committed', async () => {
    const { disk, cache } = setup();
    await cache.append('d/new.aof', bytes('unsynced'));
    await cache.append('d/gone.aof', bytes('unsynced'));
    await cache.flushDir('d');
    await cache.append('d/late.aof', bytes('x'));
    await cache.powerLoss();
    expect(await text(disk, 'd/new.aof')).toBe('');
    expect(await text(disk, 'd/gone.aof')).toBe('');
    expect(await disk.size('d/late.aof')).toBeNull();
  });
});
