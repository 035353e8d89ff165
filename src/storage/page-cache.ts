// The kernel's page cache between a process and its disk. Writes go straight to the backend, so
// a process crash (the worker terminated) keeps them, as the kernel would write them back; the
// model remembers what is not durable yet — per file the size and bytes at the last durable
// point, and directory operations not yet committed — so a power loss can put the disk back the
// way it was, optionally leaving a seeded torn prefix of the unsynced tail. Data becomes durable
// on flush (fsync) or by writeback after dirtyExpireMs; renames, creates and deletes on
// flushDir or after the journal commit interval.
import type { FileStore } from './file-store.js';
import { parentDir } from './file-store.js';

export interface PageCacheOptions {
  /** The time the model runs on (the simulator's virtual clock). */
  now: () => number;
  /** vm.dirty_expire_centisecs: dirty data older than this is written back (30 s). */
  dirtyExpireMs?: number;
  /** The file system journal commit interval for directory operations (ext4: 5 s). */
  metadataCommitMs?: number;
}

interface DirtyFile {
  /** Whether the file existed durably when it first became dirty. */
  existed: boolean;
  /** Its size then. */
  durableSize: number;
  /** Durable bytes overwritten or cut since, oldest first. */
  undo: { offset: number; bytes: Uint8Array }[];
  /** When it first became dirty. */
  since: number;
  /** For a file created since: whether its directory entry is committed (flushDir, journal). */
  entryCommitted: boolean;
}

type MetadataOp =
  | { kind: 'rename'; from: string; to: string; replaced: Uint8Array | null; at: number }
  | { kind: 'delete'; path: string; content: Uint8Array; at: number };

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

export class PageCacheStore implements FileStore {
  readonly kind: string;
  /** What the process asked of the kernel: write() bytes and fsync() calls. */
  readonly stats = { bytesWritten: 0, fsyncs: 0 };
  private readonly dirty = new Map<string, DirtyFile>();
  private readonly metadata: MetadataOp[] = [];
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

  async write(path: string, offset: number, data: Uint8Array): Promise<void> {
    const state = await this.track(path);
    if (offset < state.durableSize && state.existed) {
      const end = Math.min(offset + data.length, state.durableSize);
      state.undo.push({ offset, bytes: await this.backend.read(path, offset, end - offset) });
    }
    await this.backend.write(path, offset, data);
    this.stats.bytesWritten += data.length;
  }

  async append(path: string, data: Uint8Array): Promise<number> {
    await this.track(path);
    this.stats.bytesWritten += data.length;
    return this.backend.append(path, data);
  }

  async truncate(path: string, size: number): Promise<void> {
    const state = await this.track(path);
    if (size < state.durableSize && state.existed) state.undo.push({ offset: size, bytes: await this.backend.read(path, size, state.durableSize - size) });
    await this.backend.truncate(path, size);
  }

  async flush(path: string): Promise<void> {
    this.stats.fsyncs++;
    await this.makeDurable(path);
  }

  private async makeDurable(path: string): Promise<void> {
    await this.backend.flush(path);
    this.dirty.delete(path);
  }

  async rename(from: string, to: string): Promise<void> {
    const replaced = (await this.backend.size(to)) === null ? null : await this.durableContent(to);
    await this.backend.rename(from, to);
    this.metadata.push({ kind: 'rename', from, to, replaced, at: this.options.now() });
    const moved = this.dirty.get(from);
    this.dirty.delete(from);
    this.dirty.delete(to);
    if (moved) this.dirty.set(to, moved);
  }

  async delete(path: string): Promise<void> {
    if ((await this.backend.size(path)) === null) return;
    const content = await this.durableContent(path);
    await this.backend.delete(path);
    this.dirty.delete(path);
    if (content) this.metadata.push({ kind: 'delete', path, content, at: this.options.now() });
  }

  async flushDir(dir: string): Promise<void> {
    await this.backend.flushDir(dir);
    const inDir = (path: string) => parentDir(path) === dir;
    for (const [path, state] of this.dirty) if (inDir(path)) state.entryCommitted = true;
    for (let i = this.metadata.length - 1; i >= 0; i--) {
      const op = this.metadata[i]!;
      if (op.kind === 'rename' ? inDir(op.to) || inDir(op.from) : inDir(op.path)) this.metadata.splice(i, 1);
    }
  }

  /** The kernel's flusher: writes back data older than dirty_expire and commits the journal. */
  async writeback(): Promise<void> {
    const now = this.options.now();
    for (const [path, state] of [...this.dirty]) {
      if (now - state.since >= this.dirtyExpireMs) await this.makeDurable(path);
    }
    while (this.metadata.length > 0 && now - this.metadata[0]!.at >= this.metadataCommitMs) this.metadata.shift();
    for (const state of this.dirty.values()) if (now - state.since >= this.metadataCommitMs) state.entryCommitted = true;
  }

  /** Everything becomes durable (a clean shutdown of the machine, or a restart after a crash). */
  async syncAll(): Promise<void> {
    for (const path of [...this.dirty.keys()]) await this.makeDurable(path);
    this.metadata.length = 0;
  }

  async state(): Promise<DurabilityState> {
    let unsyncedBytes = 0;
    for (const [path, state] of this.dirty) {
      const size = (await this.backend.size(path)) ?? 0;
      unsyncedBytes += Math.max(0, size - (state.existed ? state.durableSize : 0)) + state.undo.reduce((sum, u) => sum + u.bytes.length, 0);
    }
    return { unsyncedBytes, dirtyFiles: this.dirty.size, pendingDirectoryOps: this.metadata.length };
  }

  /**
   * Power loss: directory operations not committed are undone (newest first), then every dirty
   * file goes back to its durable bytes — keeping, with `torn`, a random prefix of its tail.
   */
  async powerLoss(options: PowerLossOptions = {}): Promise<{ files: { path: string; keptUnsynced: number; lostBytes: number }[] }> {
    for (const op of this.metadata.splice(0).reverse()) {
      if (op.kind === 'rename') {
        await this.backend.rename(op.to, op.from);
        const moved = this.dirty.get(op.to);
        this.dirty.delete(op.to);
        if (moved) this.dirty.set(op.from, moved);
        if (op.replaced) await this.restore(op.to, op.replaced);
      } else {
        await this.restore(op.path, op.content);
      }
    }
    const files: { path: string; keptUnsynced: number; lostBytes: number }[] = [];
    for (const [path, state] of this.dirty) {
      const size = (await this.backend.size(path)) ?? 0;
      if (!state.existed) {
        // A new file survives only if its directory entry was committed; its data only if synced.
        const kept = state.entryCommitted && options.torn && options.random ? options.random(size + 1) : 0;
        if (state.entryCommitted) {
          await this.backend.truncate(path, kept);
          await this.backend.flush(path);
        } else await this.backend.delete(path);
        files.push({ path, keptUnsynced: kept, lostBytes: size - kept });
        continue;
      }
      for (const undo of [...state.undo].reverse()) await this.backend.write(path, undo.offset, undo.bytes);
      const tail = Math.max(0, size - state.durableSize);
      const kept = options.torn && options.random ? options.random(tail + 1) : 0;
      await this.backend.truncate(path, state.durableSize + kept);
      await this.backend.flush(path);
      files.push({ path, keptUnsynced: kept, lostBytes: tail - kept });
    }
    this.dirty.clear();
    return { files };
  }

  private async track(path: string): Promise<DirtyFile> {
    let state = this.dirty.get(path);
    if (!state) {
      const size = await this.backend.size(path);
      state = { existed: size !== null, durableSize: size ?? 0, undo: [], since: this.options.now(), entryCommitted: size !== null };
      this.dirty.set(path, state);
    }
    return state;
  }

  /** What a power loss now would leave of `path`, or null if nothing. */
  private async durableContent(path: string): Promise<Uint8Array | null> {
    const size = (await this.backend.size(path)) ?? 0;
    const current = await this.backend.read(path, 0, size);
    const state = this.dirty.get(path);
    if (!state) return current;
    if (!state.existed) return null;
    const out = new Uint8Array(state.durableSize);
    out.set(current.subarray(0, Math.min(size, state.durableSize)));
    for (const undo of [...state.undo].reverse()) out.set(undo.bytes.subarray(0, Math.max(0, state.durableSize - undo.offset)), undo.offset);
    return out;
  }

  private async restore(path: string, content: Uint8Array): Promise<void> {
    await this.backend.delete(path);
    await this.backend.write(path, 0, content);
    await this.backend.flush(path);
    this.dirty.delete(path);
  }
}
