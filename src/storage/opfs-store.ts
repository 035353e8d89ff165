// OPFS backend for the worker: one sync access handle per open file (createSyncAccessHandle is
// only available in dedicated workers), flush() is the fsync. Handles hold an exclusive lock on
// their file, so they are closed before a rename or delete, which run alone (ExclusiveGate), and
// one file's handle is opened once however many callers ask for it at the same time.
import { ExclusiveGate } from './exclusive-gate.js';
import { baseName, parentDir, StorageError, type FileStore } from './file-store.js';

/** FileSystemSyncAccessHandle, declared here because the DOM lib types omit worker-only APIs. */
interface SyncHandle {
  read(buffer: Uint8Array, options: { at: number }): number;
  write(buffer: Uint8Array, options: { at: number }): number;
  truncate(size: number): void;
  getSize(): number;
  flush(): void;
  close(): void;
}

interface SyncCapableFileHandle {
  createSyncAccessHandle(): Promise<SyncHandle>;
}

function quotaOrIo(operation: string, path: string, e: unknown): StorageError {
  const error = e as DOMException;
  const code = error?.name === 'QuotaExceededError' ? 'EQUOTA' : error?.name === 'NotFoundError' ? 'ENOENT' : error?.name === 'NoModificationAllowedError' ? 'ELOCKED' : 'EIO';
  return new StorageError(operation, path, error?.message ?? String(e), code);
}

export class OpfsStore implements FileStore {
  readonly kind = 'opfs';
  private readonly handles = new Map<string, SyncHandle>();
  private readonly opening = new Map<string, Promise<SyncHandle>>();
  private readonly gate = new ExclusiveGate();

  private constructor(private readonly root: FileSystemDirectoryHandle) {}

  /** Opens (creating) the directory `name` at the OPFS root as the store's root. */
  static async open(name: string): Promise<OpfsStore> {
    const top = await navigator.storage.getDirectory();
    return new OpfsStore(await top.getDirectoryHandle(name, { create: true }));
  }

  static isAvailable(): boolean {
    return typeof navigator !== 'undefined' && !!navigator.storage?.getDirectory && typeof FileSystemFileHandle !== 'undefined' && 'createSyncAccessHandle' in FileSystemFileHandle.prototype;
  }

  list(dir: string): Promise<string[]> {
    return this.gate.share(async () => {
      const handle = await this.directory(dir, false);
      if (!handle) return [];
      const names: string[] = [];
      for await (const [name, entry] of (handle as unknown as { entries(): AsyncIterable<[string, FileSystemHandle]> }).entries()) {
        if (entry.kind === 'file') names.push(name);
      }
      return names.sort();
    });
  }

  size(path: string): Promise<number | null> {
    return this.gate.share(async () => {
      const handle = await this.handle('size', path, false).catch((e: unknown) => {
        if (e instanceof StorageError && e.code === 'ENOENT') return null;
        throw e;
      });
      return handle ? handle.getSize() : null;
    });
  }

  read(path: string, offset: number, length: number): Promise<Uint8Array> {
    return this.gate.share(async () => {
      const handle = await this.handle('read', path, false);
      const size = handle.getSize();
      const out = new Uint8Array(Math.max(0, Math.min(length, size - offset)));
      const n = handle.read(out, { at: offset });
      return out.subarray(0, n);
    });
  }

  write(path: string, offset: number, data: Uint8Array): Promise<void> {
    return this.gate.share(async () => {
      const handle = await this.handle('write', path, true);
      if (data.length === 0) return;
      try {
        if (offset > handle.getSize()) handle.truncate(offset);
        handle.write(data, { at: offset });
      } catch (e) {
        throw quotaOrIo('write', path, e);
      }
    });
  }

  append(path: string, data: Uint8Array): Promise<number> {
    return this.gate.share(async () => {
      const handle = await this.handle('append', path, true);
      const size = handle.getSize();
      try {
        handle.write(data, { at: size });
      } catch (e) {
        throw quotaOrIo('append', path, e);
      }
      return size + data.length;
    });
  }

  flush(path: string): Promise<void> {
    return this.gate.share(async () => {
      const handle = await this.handle('flush', path, false);
      try {
        handle.flush();
      } catch (e) {
        throw quotaOrIo('flush', path, e);
      }
    });
  }

  truncate(path: string, size: number): Promise<void> {
    return this.gate.share(async () => {
      const handle = await this.handle('truncate', path, false);
      try {
        handle.truncate(size);
      } catch (e) {
        throw quotaOrIo('truncate', path, e);
      }
    });
  }

  rename(from: string, to: string): Promise<void> {
    return this.gate.alone(async () => {
      this.close(from);
      this.close(to);
      const source = await this.fileHandle('rename', from, false);
      const targetDir = await this.directory(parentDir(to), true);
      try {
        await (source as unknown as { move(dir: FileSystemDirectoryHandle, name: string): Promise<void> }).move(targetDir!, baseName(to));
      } catch (e) {
        throw quotaOrIo('rename', from, e);
      }
    });
  }

  delete(path: string): Promise<void> {
    return this.gate.alone(async () => {
      this.close(path);
      const dir = await this.directory(parentDir(path), false);
      if (!dir) return;
      await dir.removeEntry(baseName(path)).catch((e: unknown) => {
        if ((e as DOMException)?.name !== 'NotFoundError') throw quotaOrIo('delete', path, e);
      });
    });
  }

  /** OPFS has no directory fsync: a move is atomic and durable once it resolves. */
  async flushDir(): Promise<void> {}

  /** Releases every sync access handle (and with them the files' locks). */
  closeAll(): void {
    for (const path of [...this.handles.keys()]) this.close(path);
  }

  private close(path: string): void {
    const handle = this.handles.get(path);
    if (!handle) return;
    this.handles.delete(path);
    handle.close();
  }

  private async directory(dir: string, create: boolean): Promise<FileSystemDirectoryHandle | null> {
    let handle = this.root;
    for (const part of dir.split('/').filter(Boolean)) {
      try {
        handle = await handle.getDirectoryHandle(part, { create });
      } catch (e) {
        if ((e as DOMException)?.name === 'NotFoundError') return null;
        throw quotaOrIo('open directory', dir, e);
      }
    }
    return handle;
  }

  private async fileHandle(operation: string, path: string, create: boolean): Promise<FileSystemFileHandle> {
    const dir = await this.directory(parentDir(path), create);
    if (!dir) throw new StorageError(operation, path, 'no such file', 'ENOENT');
    try {
      return await dir.getFileHandle(baseName(path), { create });
    } catch (e) {
      throw quotaOrIo(operation, path, e);
    }
  }

  private async handle(operation: string, path: string, create: boolean): Promise<SyncHandle> {
    const cached = this.handles.get(path);
    if (cached) return cached;
    const pending = this.opening.get(path);
    if (pending) {
      // A lookup's open does not create: a writer that joined one which found no file creates it.
      if (!create) return pending;
      const joined = await pending.catch(() => null);
      if (joined) return joined;
      return this.handle(operation, path, create);
    }
    const opening = this.open(operation, path, create);
    this.opening.set(path, opening);
    try {
      return await opening;
    } finally {
      this.opening.delete(path);
    }
  }

  private async open(operation: string, path: string, create: boolean): Promise<SyncHandle> {
    const file = await this.fileHandle(operation, path, create);
    try {
      const handle = await (file as unknown as SyncCapableFileHandle).createSyncAccessHandle();
      this.handles.set(path, handle);
      return handle;
    } catch (e) {
      throw quotaOrIo(operation, path, e);
    }
  }
}
