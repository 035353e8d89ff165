// The kernel's page cache between a process and its disk. Writes go straight to the backend, so
// a process crash (the worker terminated) keeps them, as the kernel would write them back. The
// model remembers what a power loss would undo, the way a journalling file system (ext4,
// data=ordered) keeps it: file contents per inode (durable on fsync, or by writeback after
// dirtyExpireMs) and the directory operations in journal order (durable on a directory fsync,
// or at the journal commit after metadataCommitMs). A power loss puts the disk back to that
// durable state, optionally keeping a seeded torn prefix of each file's unsynced tail.
import type { FileStore } from './file-store.js';
import { parentDir } from './file-store.js';

export interface PageCacheOptions {
  /** The time the model runs on (the simulator's virtual clock). */
  now: () => number;
  /** vm.dirty_expire_centisecs: dirty data older than this is written back (30 s). */
  dirtyExpireMs?: number;
  /** The file system journal commit interval for directory operations (ext4: 5 s). */
  metadataCommitMs?: number;
  /** Told of every call the process makes, as it makes it: a storage trace (strace, in effect). */
  trace?: (call: StorageCall) => void;
}

/** One call of the process to the kernel. */
export interface StorageCall {
  op: 'write' | 'append' | 'truncate' | 'flush' | 'rename' | 'delete' | 'flushDir';
  path: string;
  /** A rename's new name. */
  to?: string;
  /** Bytes written (write, append); the new size (truncate); 0 otherwise. */
  bytes: number;
  /** The model's time when the call was made. */
  at: number;
}

export interface PowerLossOptions {
  /** Keep a prefix of each file's unsynced appended bytes, as a torn write would. */
  torn?: boolean;
  /** Picks the torn length: an integer in [0, bound). */
  random?: (bound: number) => number;
}

export interface DurabilityState {
  /** Bytes written and not yet durable, over all files. */
  unsyncedBytes: number;
  dirtyFiles: number;
  pendingDirectoryOps: number;
}

/** A file's contents, whatever names it has had: what of it is durable. */
class Inode {
  /** Durable bytes overwritten or cut since the last durable point, oldest first. */
  undo: { offset: number; bytes: Uint8Array }[] = [];
  /** When its data first became dirty; null while it is clean. */
  dirtySince: number | null = null;
  constructor(public durableSize: number) {}
}

/** A directory operation in the journal; committed, it changes the durable namespace. */
interface JournalEntry {
  at: number;
  /** Paths whose directories it changes. */
  paths: readonly string[];
  /** The durable bindings it sets when committed (null: no file there). */
  binds: readonly [string, Inode | null][];
}

export class PageCacheStore implements FileStore {
  readonly kind: string;
  /** What the process asked of the kernel: write() bytes and fsync() calls. */
  readonly stats = { bytesWritten: 0, fsyncs: 0 };
  /** Names the model has seen, as the process sees them now. */
  private readonly current = new Map<string, Inode>();
  /** The same names as a power loss would leave them (null: no file). */
  private readonly durable = new Map<string, Inode | null>();
  private readonly journal: JournalEntry[] = [];
  /** Durable contents of inodes no current name shows, that the durable namespace may still need. */
  private readonly orphans = new Map<Inode, Uint8Array>();
  private readonly dirtyExpireMs: number;
  private readonly metadataCommitMs: number;

  constructor(
    readonly backend: FileStore,
    private readonly options: PageCacheOptions,
  ) {
    this.kind = backend.kind;
    this.dirtyExpireMs = options.dirtyExpireMs ?? 30_000;
    this.metadataCommitMs = options.metadataCommitMs ?? 5_000;
  }

  list(dir: string): Promise<string[]> {
    return this.backend.list(dir);
  }

  size(path: string): Promise<number | null> {
    return this.backend.size(path);
  }

  read(path: string, offset: number, length: number): Promise<Uint8Array> {
    return this.backend.read(path, offset, length);
  }

  private traced(op: StorageCall['op'], path: string, bytes = 0, to?: string): void {
    this.options.trace?.({ op, path, bytes, at: this.options.now(), ...(to === undefined ? {} : { to }) });
  }

  async write(path: string, offset: number, data: Uint8Array): Promise<void> {
    this.traced('write', path, data.length);
    const inode = await this.inodeForWrite(path);
    if (offset < inode.durableSize && data.length > 0) await this.saveDurableBytes(path, inode, offset, Math.min(offset + data.length, inode.durableSize));
    await this.backend.write(path, offset, data);
    this.stats.bytesWritten += data.length;
  }

  async append(path: string, data: Uint8Array): Promise<number> {
    this.traced('append', path, data.length);
    const inode = await this.inodeForWrite(path);
    const size = (await this.backend.size(path)) ?? 0;
    // After a truncation below the durable size, an append overwrites durable bytes.
    if (size < inode.durableSize && data.length > 0) await this.saveDurableBytes(path, inode, size, Math.min(size + data.length, inode.durableSize));
    this.stats.bytesWritten += data.length;
    return this.backend.append(path, data);
  }

  async truncate(path: string, size: number): Promise<void> {
    this.traced('truncate', path, size);
    const inode = await this.lookup(path);
    if (inode && size < inode.durableSize) await this.saveDurableBytes(path, inode, size, inode.durableSize);
    await this.backend.truncate(path, size);
    if (inode) inode.dirtySince ??= this.options.now();
  }

  /** fsync: the file's data is durable; on ext4 so is the directory entry of a new file. */
  flush(path: string): Promise<void> {
    return this.flushUpTo(path, Infinity);
  }

  /**
   * An fsync begun when the file had `size` bytes: those are durable, an append since is not.
   * A file overwritten or cut since its last durable point is made durable whole (the model keeps
   * no order of those changes against the fsync's start).
   */
  async flushUpTo(path: string, size: number): Promise<void> {
    this.traced('flush', path);
    this.stats.fsyncs++;
    const inode = await this.lookup(path);
    await this.backend.flush(path);
    if (!inode) return;
    if (size === Infinity || inode.undo.length > 0 || size >= ((await this.backend.size(path)) ?? 0)) await this.makeDurable(path, inode);
    // The appended tail stays dirty, as old as the oldest dirty data was (writeback may already
    // have made more than `size` durable).
    else inode.durableSize = Math.max(inode.durableSize, size);
    const created = this.journal.findIndex((entry) => entry.binds.some(([, bound]) => bound === inode));
    if (created >= 0) this.commit(created + 1);
  }

  async rename(from: string, to: string): Promise<void> {
    this.traced('rename', from, 0, to);
    const moving = await this.lookup(from);
    const replaced = from === to ? null : await this.lookup(to);
    if (replaced) await this.keepIfStillNeeded(to, replaced);
    await this.backend.rename(from, to);
    if (!moving || from === to) return;
    this.current.delete(from);
    this.current.set(to, moving);
    this.journal.push({ at: this.options.now(), paths: [from, to], binds: [[from, null], [to, moving]] });
  }

  async delete(path: string): Promise<void> {
    this.traced('delete', path);
    const inode = await this.lookup(path);
    if (!inode) return;
    await this.keepIfStillNeeded(path, inode);
    await this.backend.delete(path);
    this.current.delete(path);
    this.journal.push({ at: this.options.now(), paths: [path], binds: [[path, null]] });
  }

  /** fsync of a directory: the journal commits up to the last operation inside it. */
  async flushDir(dir: string): Promise<void> {
    this.traced('flushDir', dir);
    await this.backend.flushDir(dir);
    let last = -1;
    this.journal.forEach((entry, i) => {
      if (entry.paths.some((path) => parentDir(path) === dir)) last = i;
    });
    this.commit(last + 1);
  }

  /** The kernel's flusher: writes back data older than dirty_expire and commits the journal. */
  async writeback(): Promise<void> {
    const now = this.options.now();
    for (const [path, inode] of [...this.current]) {
      if (inode.dirtySince !== null && now - inode.dirtySince >= this.dirtyExpireMs) {
        await this.backend.flush(path);
        await this.makeDurable(path, inode);
      }
    }
    let due = 0;
    while (due < this.journal.length && now - this.journal[due]!.at >= this.metadataCommitMs) due++;
    this.commit(due);
  }

  async state(): Promise<DurabilityState> {
    let unsyncedBytes = 0;
    let dirtyFiles = 0;
    for (const [path, inode] of this.current) {
      if (inode.dirtySince === null) continue;
      dirtyFiles++;
      const size = (await this.backend.size(path)) ?? 0;
      unsyncedBytes += Math.max(0, size - inode.durableSize) + inode.undo.reduce((sum, u) => sum + u.bytes.length, 0);
    }
    return { unsyncedBytes, dirtyFiles, pendingDirectoryOps: this.journal.length };
  }

  /**
   * Power loss: the journal's uncommitted operations are gone and every file goes back to its
   * durable bytes — keeping, with `torn`, a random prefix of what was written past them.
   */
  async powerLoss(options: PowerLossOptions = {}): Promise<{ files: { path: string; keptUnsynced: number; lostBytes: number }[] }> {
    this.journal.length = 0;
    const names = new Set([...this.current.keys(), ...this.durable.keys()]);
    const files: { path: string; keptUnsynced: number; lostBytes: number }[] = [];
    const where = new Map<Inode, string>();
    for (const [path, inode] of this.current) where.set(inode, path);
    const rebuilt: { path: string; content: Uint8Array | null }[] = [];
    // Every surviving file is read before any is changed: names may swap places.
    for (const path of [...names].sort()) {
      const wanted = this.durable.get(path) ?? null;
      const now = this.current.get(path) ?? null;
      const at = wanted ? where.get(wanted) : undefined;
      const size = now ? ((await this.backend.size(path)) ?? 0) : 0;
      if (wanted && wanted === now) {
        if (wanted.dirtySince === null && wanted.undo.length === 0 && size === wanted.durableSize) continue;
        const tail = Math.max(0, size - wanted.durableSize);
        const kept = options.torn && options.random ? options.random(tail + 1) : 0;
        for (const undo of [...wanted.undo].reverse()) await this.backend.write(path, undo.offset, undo.bytes);
        await this.backend.truncate(path, wanted.durableSize + kept);
        await this.backend.flush(path);
        if (wanted.dirtySince !== null) files.push({ path, keptUnsynced: kept, lostBytes: tail - kept });
        continue;
      }
      const content = !wanted ? null : at === undefined ? (this.orphans.get(wanted) ?? new Uint8Array(0)) : await this.durableContent(at, wanted);
      rebuilt.push({ path, content });
      if (now) files.push({ path, keptUnsynced: 0, lostBytes: size });
    }
    for (const { path } of rebuilt) await this.backend.delete(path);
    for (const { path, content } of rebuilt) {
      if (!content) continue;
      await this.backend.write(path, 0, content);
      await this.backend.flush(path);
    }
    this.current.clear();
    this.durable.clear();
    this.orphans.clear();
    return { files };
  }

  /** The inode at `path`, or null: a name seen for the first time is taken as it is on the disk. */
  private async lookup(path: string): Promise<Inode | null> {
    const known = this.current.get(path);
    if (known) return known;
    if (this.durable.has(path)) return null;
    const size = await this.backend.size(path);
    const inode = size === null ? null : new Inode(size);
    this.durable.set(path, inode);
    if (inode) this.current.set(path, inode);
    return inode;
  }

  /** The inode a write goes to: a new file gets one, its directory entry not yet committed. */
  private async inodeForWrite(path: string): Promise<Inode> {
    let inode = await this.lookup(path);
    if (!inode) {
      inode = new Inode(0);
      this.current.set(path, inode);
      this.journal.push({ at: this.options.now(), paths: [path], binds: [[path, inode]] });
    }
    inode.dirtySince ??= this.options.now();
    return inode;
  }

  private async saveDurableBytes(path: string, inode: Inode, from: number, to: number): Promise<void> {
    if (to > from) inode.undo.push({ offset: from, bytes: await this.backend.read(path, from, to - from) });
  }

  private async makeDurable(path: string, inode: Inode): Promise<void> {
    inode.durableSize = (await this.backend.size(path)) ?? 0;
    inode.undo = [];
    inode.dirtySince = null;
  }

  /** Commits the first `count` journal entries, in order. */
  private commit(count: number): void {
    for (const entry of this.journal.splice(0, count)) for (const [name, inode] of entry.binds) this.durable.set(name, inode);
    for (const inode of [...this.orphans.keys()]) if (!this.stillNeeded(inode)) this.orphans.delete(inode);
  }

  /** Whether a power loss could still bring `inode` back under some name. */
  private stillNeeded(inode: Inode): boolean {
    for (const bound of this.durable.values()) if (bound === inode) return true;
    return this.journal.some((entry) => entry.binds.some(([, bound]) => bound === inode));
  }

  /** `inode` is losing its name `path`: its durable bytes are kept if a power loss could need them. */
  private async keepIfStillNeeded(path: string, inode: Inode): Promise<void> {
    for (const [name, bound] of this.current) if (bound === inode && name !== path) return;
    if (this.stillNeeded(inode)) this.orphans.set(inode, await this.durableContent(path, inode));
  }

  /** What a power loss now would leave of `inode`, read through its current name `path`. */
  private async durableContent(path: string, inode: Inode): Promise<Uint8Array> {
    const size = (await this.backend.size(path)) ?? 0;
    const current = await this.backend.read(path, 0, Math.min(size, inode.durableSize));
    const out = new Uint8Array(inode.durableSize);
    out.set(current);
    for (const undo of [...inode.undo].reverse()) out.set(undo.bytes.subarray(0, Math.max(0, inode.durableSize - undo.offset)), undo.offset);
    return out;
  }
}
