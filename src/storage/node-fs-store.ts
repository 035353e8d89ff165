// The Node file-system backend, for the CLI, tests and benchmarks: real files under a root
// directory, real fsync for flush and flushDir. Open descriptors are cached per path so an AOF
// append is one write() call.
import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, readSync, renameSync, rmSync, statSync, ftruncateSync, writeSync, fstatSync } from 'node:fs';
import { join } from 'node:path';
import { parentDir, StorageError, type FileStore } from './file-store.js';

export class NodeFsStore implements FileStore {
  readonly kind = 'node-fs';
  private readonly descriptors = new Map<string, number>();
  /** Sizes of open files, kept in step with our own writes so an append costs one syscall. */
  private readonly openSizes = new Map<string, number>();

  constructor(readonly root: string) {
    mkdirSync(root, { recursive: true });
  }

  async list(dir: string): Promise<string[]> {
    try {
      return readdirSync(this.resolve(dir), { withFileTypes: true })
        .filter((e) => e.isFile())
        .map((e) => e.name)
        .sort();
    } catch {
      return [];
    }
  }

  async size(path: string): Promise<number | null> {
    try {
      return statSync(this.resolve(path)).size;
    } catch {
      return null;
    }
  }

  async read(path: string, offset: number, length: number): Promise<Uint8Array> {
    const fd = this.open('read', path, false);
    const size = fstatSync(fd).size;
    const out = new Uint8Array(Math.max(0, Math.min(length, size - offset)));
    let done = 0;
    while (done < out.length) {
      const n = readSync(fd, out, done, out.length - done, offset + done);
      if (n === 0) break;
      done += n;
    }
    return out.subarray(0, done);
  }

  async write(path: string, offset: number, data: Uint8Array): Promise<void> {
    const fd = this.open('write', path, true);
    this.guard('write', path, () => {
      let done = 0;
      while (done < data.length) done += writeSync(fd, data, done, data.length - done, offset + done);
    });
    if (data.length > 0) this.openSizes.set(path, Math.max(this.openSizes.get(path) ?? 0, offset + data.length));
  }

  async append(path: string, data: Uint8Array): Promise<number> {
    this.open('append', path, true);
    const size = this.openSizes.get(path)!;
    await this.write(path, size, data);
    return size + data.length;
  }

  async flush(path: string): Promise<void> {
    const fd = this.open('flush', path, false);
    this.guard('flush', path, () => fsyncSync(fd));
  }

  async truncate(path: string, size: number): Promise<void> {
    const fd = this.open('truncate', path, false);
    this.guard('truncate', path, () => ftruncateSync(fd, size));
    this.openSizes.set(path, size);
  }

  async rename(from: string, to: string): Promise<void> {
    this.close(from);
    this.close(to);
    mkdirSync(this.resolve(parentDir(to)), { recursive: true });
    this.guard('rename', from, () => renameSync(this.resolve(from), this.resolve(to)));
  }

  async delete(path: string): Promise<void> {
    this.close(path);
    rmSync(this.resolve(path), { force: true });
  }

  async flushDir(dir: string): Promise<void> {
    const fd = openSync(this.resolve(dir), 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }

  /** Closes every cached descriptor. */
  closeAll(): void {
    for (const path of [...this.descriptors.keys()]) this.close(path);
  }

  private resolve(path: string): string {
    if (path.split('/').some((part) => part === '..')) throw new StorageError('resolve', path, 'path escapes the store');
    return join(this.root, path);
  }

  private open(operation: string, path: string, create: boolean): number {
    const cached = this.descriptors.get(path);
    if (cached !== undefined) return cached;
    const full = this.resolve(path);
    try {
      if (create) mkdirSync(this.resolve(parentDir(path)), { recursive: true });
      const fd = openSync(full, create ? 'a+' : 'r+');
      // 'a+' forces appends at the end on Linux even for positioned writes; reopen r+.
      if (create) {
        closeSync(fd);
        const rw = openSync(full, 'r+');
        this.descriptors.set(path, rw);
        this.openSizes.set(path, fstatSync(rw).size);
        return rw;
      }
      this.descriptors.set(path, fd);
      this.openSizes.set(path, fstatSync(fd).size);
      return fd;
    } catch (e) {
      throw new StorageError(operation, path, (e as Error).message, (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'ENOENT' : 'EIO');
    }
  }

  private close(path: string): void {
    const fd = this.descriptors.get(path);
    if (fd === undefined) return;
    this.descriptors.delete(path);
    this.openSizes.delete(path);
    closeSync(fd);
  }

  private guard(operation: string, path: string, action: () => void): void {
    try {
      action();
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      const kind = code === 'ENOENT' ? 'ENOENT' : code === 'ENOSPC' || code === 'EDQUOT' ? 'EQUOTA' : 'EIO';
      throw new StorageError(operation, path, (e as Error).message, kind);
    }
  }
}
