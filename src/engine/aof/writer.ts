// The AOF on disk while the server runs (Redis 7.0 multi-part): appends aof_buf to the current
// incr file, fsyncs it on request, and performs the rewrite's file choreography — open a new incr
// at the start, install the new base at the end, turn old files into history, delete them —
// persisting the manifest (temp file, fsync, rename) at each step as aof.c does.
import { binToBytes } from '../bytes.js';
import { type Disk, joinPath, replaceFile } from '../persistence/disk.js';
import type { AofFeed } from './feed.js';
import { type AofFileInfo, type AofManifest, aofNames, nextSeq, serializeManifest } from './manifest.js';

export interface AofLocation {
  /** The server's `dir` inside the disk ('' for its root). */
  dir: string;
  /** appenddirname. */
  dirName: string;
  /** appendfilename. */
  filename: string;
}

export function aofDirPath(location: AofLocation): string {
  return joinPath(location.dir, location.dirName);
}

export class AofWriter {
  private manifestState: AofManifest;
  /** Bytes in the base file and all incr files, as aof_current_size. */
  currentSize: number;
  /** aof_base_size: the size right after the last rewrite (or at startup). */
  baseSize: number;
  /** Bytes appended to the current incr and not yet fsynced. */
  unsyncedBytes = 0;
  lastFsyncAt = 0;

  constructor(
    private readonly disk: Disk,
    readonly location: AofLocation,
    manifest: AofManifest,
    private readonly feed: AofFeed | null,
    sizes: { current: number; base: number },
  ) {
    this.manifestState = manifest;
    this.currentSize = sizes.current;
    this.baseSize = sizes.base;
  }

  get manifest(): AofManifest {
    return this.manifestState;
  }

  get incrPath(): string {
    const incr = this.manifestState.incrs.at(-1);
    if (!incr) throw new Error('the AOF manifest has no incr file');
    return joinPath(aofDirPath(this.location), incr.name);
  }

  /** Bytes waiting in aof_buf. */
  get pendingBytes(): number {
    return this.feed?.length ?? 0;
  }

  /** write(2) of aof_buf to the incr file; returns the bytes written. */
  async write(): Promise<number> {
    if (!this.feed || this.feed.length === 0) return 0;
    const feed = this.feed;
    const bytes = feed.take();
    try {
      return await this.appendToIncr(bytes);
    } catch (e) {
      // Nothing is dropped: the bytes wait in aof_buf for the next attempt.
      feed.restore(bytes);
      throw e;
    } finally {
      // A store is done with the bytes once the call settled (the FileStore contract).
      feed.recycle(bytes);
    }
  }

  private async appendToIncr(bytes: Uint8Array): Promise<number> {
    await this.disk.append(this.incrPath, bytes);
    this.currentSize += bytes.length;
    this.unsyncedBytes += bytes.length;
    return bytes.length;
  }

  /** fsync(2) of the incr file. */
  async fsync(now: number): Promise<void> {
    await this.disk.flush(this.incrPath);
    this.unsyncedBytes = 0;
    this.lastFsyncAt = now;
  }

  /** Where an fsync that starts now begins: the incr file, and how many of its bytes are unsynced. */
  fsyncStart(): { path: string; unsynced: number } {
    return { path: this.incrPath, unsynced: this.unsyncedBytes };
  }

  /**
   * A background fsync that began at `start` returns: it covers what the incr file held then, not
   * what was appended while it ran (a write that waited out its 2 s behind it).
   */
  async fsyncFrom(start: { path: string; unsynced: number }, startedAt: number): Promise<void> {
    // A rewrite opened a new incr meanwhile, fsyncing this one as it did: nothing is left to cover.
    if (start.path !== this.incrPath) return;
    const appendedSince = this.unsyncedBytes - start.unsynced;
    if (appendedSince <= 0 || !this.disk.flushUpTo) return this.fsync(startedAt);
    const size = (await this.disk.size(start.path)) ?? 0;
    await this.disk.flushUpTo(start.path, size - appendedSince);
    this.unsyncedBytes = appendedSince;
    this.lastFsyncAt = startedAt;
  }

  async persistManifest(manifest: AofManifest): Promise<void> {
    await replaceFile(
      this.disk,
      aofDirPath(this.location),
      aofNames.manifest(this.location.filename),
      aofNames.tempManifest(this.location.filename),
      binToBytes(serializeManifest(manifest)),
    );
    this.manifestState = manifest;
  }

  /**
   * A fresh AOF (appendonly yes and no manifest): base seq 1 written synchronously from the
   * current dataset, an empty incr seq 1, then the manifest.
   */
  static async create(disk: Disk, location: AofLocation, feed: AofFeed, base: { bytes: Uint8Array; rdbPreamble: boolean }): Promise<AofWriter> {
    const dir = aofDirPath(location);
    const baseInfo: AofFileInfo = { name: aofNames.base(location.filename, 1, base.rdbPreamble), seq: 1, type: 'b' };
    const incrInfo: AofFileInfo = { name: aofNames.incr(location.filename, 1), seq: 1, type: 'i' };
    await replaceFile(disk, dir, baseInfo.name, `temp-${baseInfo.name}`, base.bytes);
    await disk.delete(joinPath(dir, incrInfo.name));
    await disk.write(joinPath(dir, incrInfo.name), 0, new Uint8Array(0));
    await disk.flush(joinPath(dir, incrInfo.name));
    feed.forceSelect();
    const writer = new AofWriter(disk, location, { base: null, history: [], incrs: [] }, feed, { current: base.bytes.length, base: base.bytes.length });
    await writer.persistManifest({ base: baseInfo, history: [], incrs: [incrInfo] });
    return writer;
  }

  /**
   * Opens the next incr file for a starting rewrite, after writing and fsyncing `beforeFork`
   * (aof_buf as it was at the fork) to the current one. Returns the new incr's name.
   */
  async openNewIncr(beforeFork: Uint8Array): Promise<string> {
    if (this.manifestState.incrs.length > 0) {
      if (beforeFork.length > 0) await this.appendToIncr(beforeFork);
      await this.disk.flush(this.incrPath);
    }
    const seq = nextSeq(this.manifestState, 'i');
    const info: AofFileInfo = { name: aofNames.incr(this.location.filename, seq), seq, type: 'i' };
    const path = joinPath(aofDirPath(this.location), info.name);
    await this.disk.delete(path);
    await this.disk.write(path, 0, new Uint8Array(0));
    await this.persistManifest({ ...this.manifestState, incrs: [...this.manifestState.incrs, info] });
    this.unsyncedBytes = 0;
    return info.name;
  }

  /**
   * Installs a finished rewrite: the temp file (in `dir`) becomes the next base, the old base and
   * every incr before `keepIncr` become history, then history is deleted.
   */
  async installRewrite(tempPath: string, keepIncr: string, rdbPreamble: boolean): Promise<{ deleted: string[] }> {
    const dir = aofDirPath(this.location);
    const seq = nextSeq(this.manifestState, 'b');
    const base: AofFileInfo = { name: aofNames.base(this.location.filename, seq, rdbPreamble), seq, type: 'b' };
    await this.disk.rename(tempPath, joinPath(dir, base.name));
    await this.disk.flushDir(dir);
    const old = this.manifestState;
    const keepIndex = old.incrs.findIndex((i) => i.name === keepIncr);
    const retired = [...(old.base ? [old.base] : []), ...old.incrs.slice(0, Math.max(0, keepIndex))];
    const history = [...old.history, ...retired.map((f) => ({ ...f, type: 'h' as const }))];
    await this.persistManifest({ base, history, incrs: old.incrs.slice(Math.max(0, keepIndex)) });
    for (const file of history) await this.disk.delete(joinPath(dir, file.name));
    await this.persistManifest({ ...this.manifestState, history: [] });
    const baseSize = (await this.disk.size(joinPath(dir, base.name))) ?? 0;
    let incrSize = 0;
    for (const incr of this.manifestState.incrs) incrSize += (await this.disk.size(joinPath(dir, incr.name))) ?? 0;
    this.baseSize = baseSize + incrSize;
    this.currentSize = baseSize + incrSize;
    return { deleted: history.map((f) => f.name) };
  }
}

