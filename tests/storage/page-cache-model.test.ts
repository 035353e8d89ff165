// The page-cache model against a reference written the plain way: whole contents per inode
// (what the process sees, what is durable) and a journal of name bindings. Random operations
// (writes, appends, truncations, renames, deletes, fsyncs, directory fsyncs, time and writeback)
// on a synced checkpoint; then a process crash must leave exactly what the process saw, and a
// power loss exactly the durable state — or, torn, the durable state plus a prefix of each
// file's unsynced tail.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parentDir } from '../../src/storage/file-store.js';
import { MemoryStore } from '../../src/storage/memory-store.js';
import { PageCacheStore } from '../../src/storage/page-cache.js';

const DIRTY_EXPIRE_MS = 30_000;
const JOURNAL_COMMIT_MS = 5_000;
const PATHS = ['a', 'b', 'dir/c', 'dir/d'] as const;
const DIRS = ['', 'dir'] as const;

interface RefInode {
  current: Uint8Array;
  durable: Uint8Array;
  dirtySince: number | null;
}

/** The rules, stated independently of the implementation. */
class Reference {
  current = new Map<string, RefInode>();
  durable = new Map<string, RefInode>();
  journal: { at: number; paths: string[]; binds: [string, RefInode | null][] }[] = [];
  now = 0;

  checkpoint(files: Record<string, Uint8Array>): void {
    for (const [path, bytes] of Object.entries(files)) {
      const inode = { current: bytes.slice(), durable: bytes.slice(), dirtySince: null };
      this.current.set(path, inode);
      this.durable.set(path, inode);
    }
  }

  private inodeForWrite(path: string): RefInode {
    let inode = this.current.get(path);
    if (!inode) {
      inode = { current: new Uint8Array(0), durable: new Uint8Array(0), dirtySince: null };
      this.current.set(path, inode);
      this.journal.push({ at: this.now, paths: [path], binds: [[path, inode]] });
    }
    inode.dirtySince ??= this.now;
    return inode;
  }

  write(path: string, offset: number, data: Uint8Array): void {
    const inode = this.inodeForWrite(path);
    if (data.length === 0) return;
    const next = new Uint8Array(Math.max(inode.current.length, offset + data.length));
    next.set(inode.current);
    next.set(data, offset);
    inode.current = next;
  }

  append(path: string, data: Uint8Array): void {
    this.write(path, this.current.get(path)?.current.length ?? 0, data);
  }

  truncate(path: string, size: number): boolean {
    const inode = this.current.get(path);
    if (!inode) return false;
    const next = new Uint8Array(size);
    next.set(inode.current.subarray(0, size));
    inode.current = next;
    inode.dirtySince ??= this.now;
    return true;
  }

  flush(path: string): boolean {
    const inode = this.current.get(path);
    if (!inode) return false;
    inode.durable = inode.current.slice();
    inode.dirtySince = null;
    // ext4: an fsync also commits the new file's directory entry, and the journal before it.
    const created = this.journal.findIndex((entry) => entry.binds.some(([, bound]) => bound === inode));
    if (created >= 0) this.commit(created + 1);
    return true;
  }

  rename(from: string, to: string): boolean {
    const inode = this.current.get(from);
    if (!inode) return false;
    if (from === to) return true;
    this.current.delete(from);
    this.current.set(to, inode);
    this.journal.push({ at: this.now, paths: [from, to], binds: [[from, null], [to, inode]] });
    return true;
  }

  delete(path: string): void {
    if (!this.current.delete(path)) return;
    this.journal.push({ at: this.now, paths: [path], binds: [[path, null]] });
  }

  flushDir(dir: string): void {
    let last = -1;
    this.journal.forEach((entry, i) => {
      if (entry.paths.some((p) => parentDir(p) === dir)) last = i;
    });
    this.commit(last + 1);
  }

  writeback(): void {
    for (const inode of this.current.values()) {
      if (inode.dirtySince !== null && this.now - inode.dirtySince >= DIRTY_EXPIRE_MS) {
        inode.durable = inode.current.slice();
        inode.dirtySince = null;
      }
    }
    let due = 0;
    while (due < this.journal.length && this.now - this.journal[due]!.at >= JOURNAL_COMMIT_MS) due++;
    this.commit(due);
  }

  private commit(count: number): void {
    for (const entry of this.journal.splice(0, count)) {
      for (const [name, inode] of entry.binds) {
        if (inode) this.durable.set(name, inode);
        else this.durable.delete(name);
      }
    }
  }

  /** What a process crash leaves: what the process saw. */
  seen(): Record<string, string> {
    return Object.fromEntries([...this.current].map(([path, inode]) => [path, hex(inode.current)]));
  }

  /** Each surviving path with its durable bytes and the unsynced tail a torn write may keep a prefix of. */
  afterPowerLoss(): Map<string, { durable: Uint8Array; tail: Uint8Array }> {
    const out = new Map<string, { durable: Uint8Array; tail: Uint8Array }>();
    for (const [path, inode] of this.durable) {
      const tail = inode.current.length > inode.durable.length ? inode.current.subarray(inode.durable.length) : new Uint8Array(0);
      out.set(path, { durable: inode.durable, tail });
    }
    return out;
  }
}

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

async function snapshot(store: MemoryStore): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const dir of DIRS) {
    for (const name of await store.list(dir)) {
      const path = dir ? `${dir}/${name}` : name;
      out[path] = hex(await store.read(path, 0, (await store.size(path)) ?? 0));
    }
  }
  return out;
}

type Op =
  | { op: 'write'; path: string; offset: number; data: number[] }
  | { op: 'append'; path: string; data: number[] }
  | { op: 'truncate'; path: string; size: number }
  | { op: 'flush'; path: string }
  | { op: 'rename'; from: string; to: string }
  | { op: 'delete'; path: string }
  | { op: 'flushDir'; dir: string }
  | { op: 'wait'; ms: number };

const pathArb = fc.constantFrom(...PATHS);
const dataArb = fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 1, maxLength: 6 });
const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constant('write' as const), path: pathArb, offset: fc.integer({ min: 0, max: 12 }), data: dataArb }),
  fc.record({ op: fc.constant('append' as const), path: pathArb, data: dataArb }),
  fc.record({ op: fc.constant('truncate' as const), path: pathArb, size: fc.integer({ min: 0, max: 12 }) }),
  fc.record({ op: fc.constant('flush' as const), path: pathArb }),
  { arbitrary: fc.record({ op: fc.constant('rename' as const), from: pathArb, to: pathArb }), weight: 3 },
  fc.record({ op: fc.constant('delete' as const), path: pathArb }),
  fc.record({ op: fc.constant('flushDir' as const), dir: fc.constantFrom(...DIRS) }),
  fc.record({ op: fc.constant('wait' as const), ms: fc.constantFrom(1_000, 4_000, 6_000, 31_000) }),
);
const checkpointArb = fc.dictionary(pathArb, dataArb.map((d) => new Uint8Array(d)), { maxKeys: 4 });

async function play(checkpoint: Record<string, Uint8Array>, ops: readonly Op[]) {
  const disk = new MemoryStore();
  for (const [path, bytes] of Object.entries(checkpoint)) await disk.write(path, 0, bytes);
  const reference = new Reference();
  reference.checkpoint(checkpoint);
  const cache = new PageCacheStore(disk, { now: () => reference.now, dirtyExpireMs: DIRTY_EXPIRE_MS, metadataCommitMs: JOURNAL_COMMIT_MS });
  for (const op of ops) {
    const data = 'data' in op ? new Uint8Array(op.data) : new Uint8Array(0);
    switch (op.op) {
      case 'write':
        await cache.write(op.path, op.offset, data);
        reference.write(op.path, op.offset, data);
        break;
      case 'append':
        await cache.append(op.path, data);
        reference.append(op.path, data);
        break;
      case 'truncate':
        if (reference.truncate(op.path, op.size)) await cache.truncate(op.path, op.size);
        break;
      case 'flush':
        if (reference.flush(op.path)) await cache.flush(op.path);
        break;
      case 'rename':
        if (reference.rename(op.from, op.to)) await cache.rename(op.from, op.to);
        break;
      case 'delete':
        await cache.delete(op.path);
        reference.delete(op.path);
        break;
      case 'flushDir':
        await cache.flushDir(op.dir);
        reference.flushDir(op.dir);
        break;
      case 'wait':
        reference.now += op.ms;
        await cache.writeback();
        reference.writeback();
        break;
    }
  }
  return { disk, cache, reference };
}

describe('PageCacheStore against the reference rules', () => {
  it('a process crash keeps exactly what the process saw, after any operations', async () => {
    await fc.assert(
      fc.asyncProperty(checkpointArb, fc.array(opArb, { maxLength: 40 }), async (checkpoint, ops) => {
        const { disk, reference } = await play(checkpoint, ops);
        expect(await snapshot(disk)).toEqual(reference.seen());
      }),
      { numRuns: 500 },
    );
  });

  it('a power loss leaves exactly the durable state', async () => {
    await fc.assert(
      fc.asyncProperty(checkpointArb, fc.array(opArb, { maxLength: 40 }), async (checkpoint, ops) => {
        const { disk, cache, reference } = await play(checkpoint, ops);
        await cache.powerLoss();
        const expected = Object.fromEntries([...reference.afterPowerLoss()].map(([path, { durable }]) => [path, hex(durable)]));
        expect(await snapshot(disk)).toEqual(expected);
      }),
      { numRuns: 1000 },
    );
  });

  it('a torn power loss leaves the durable state plus a prefix of each unsynced tail', async () => {
    await fc.assert(
      fc.asyncProperty(checkpointArb, fc.array(opArb, { maxLength: 40 }), fc.infiniteStream(fc.nat()), async (checkpoint, ops, picks) => {
        const { disk, cache, reference } = await play(checkpoint, ops);
        const pick = picks[Symbol.iterator]();
        await cache.powerLoss({ torn: true, random: (bound) => pick.next().value! % bound });
        const actual = await snapshot(disk);
        const allowed = reference.afterPowerLoss();
        expect(Object.keys(actual).sort()).toEqual([...allowed.keys()].sort());
        for (const [path, { durable, tail }] of allowed) {
          const bytes = Buffer.from(actual[path]!, 'hex');
          expect(hex(bytes.subarray(0, durable.length))).toBe(hex(durable));
          expect(bytes.length - durable.length).toBeGreaterThanOrEqual(0);
          expect(hex(bytes.subarray(durable.length))).toBe(hex(tail.subarray(0, bytes.length - durable.length)));
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('after every file and directory is synced, a power loss changes nothing', async () => {
    await fc.assert(
      fc.asyncProperty(checkpointArb, fc.array(opArb, { maxLength: 40 }), async (checkpoint, ops) => {
        const { disk, cache, reference } = await play(checkpoint, ops);
        for (const path of reference.current.keys()) await cache.flush(path);
        for (const dir of DIRS) await cache.flushDir(dir);
        expect((await cache.state()).unsyncedBytes).toBe(0);
        const before = await snapshot(disk);
        await cache.powerLoss();
        expect(await snapshot(disk)).toEqual(before);
      }),
      { numRuns: 300 },
    );
  });

  it('the case a random sequence found: a durable file renamed, a new one made under its old name, power loss', async () => {
    const { disk, cache } = await play({ a: new Uint8Array([1, 2, 3]) }, [
      { op: 'rename', from: 'a', to: 'b' },
      { op: 'append', path: 'a', data: [9] },
    ]);
    await cache.powerLoss();
    expect(await snapshot(disk)).toEqual({ a: '010203' });
  });
});
