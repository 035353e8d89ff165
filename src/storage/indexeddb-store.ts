// IndexedDB backend (through idb-keyval's request helpers, with a store of our own because
// idb-keyval's default store sets no durability): files are 64 KiB chunks plus a size record.
// Every operation is one transaction, so it is atomic; write/append commit with 'relaxed'
// durability (survives the worker, like the page cache survives a process crash) and flush
// commits with 'strict' (the browser flushes to disk before it resolves), which is the fsync.
import { promisifyRequest } from 'idb-keyval';
import { baseName, parentDir, StorageError, type FileStore } from './file-store.js';

const CHUNK = 64 * 1024;
const STORE = 'files';

type Durability = 'strict' | 'relaxed';

const metaKey = (path: string) => `m:${path}`;
const chunkKey = (path: string, index: number) => `c:${path}:${index}`;

function idbError(operation: string, path: string, e: unknown): StorageError {
  const name = (e as DOMException)?.name;
  return new StorageError(operation, path, (e as Error)?.message ?? String(e), name === 'QuotaExceededError' ? 'EQUOTA' : 'EIO');
}

export class IndexedDbStore implements FileStore {
  readonly kind = 'indexeddb';
  private readonly sizes = new Map<string, number>();

  private constructor(private readonly db: IDBDatabase) {}

  /** Opens (creating) the IndexedDB database `name` as a store. */
  static async open(name: string): Promise<IndexedDbStore> {
    const request = indexedDB.open(name, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE);
    const db = await promisifyRequest(request);
    const store = new IndexedDbStore(db);
    await store.loadSizes();
    return store;
  }

  async list(dir: string): Promise<string[]> {
    return [...this.sizes.keys()].filter((p) => parentDir(p) === dir).map(baseName).sort();
  }

  async size(path: string): Promise<number | null> {
    return this.sizes.get(path) ?? null;
  }

  async read(path: string, offset: number, length: number): Promise<Uint8Array> {
    const size = this.requireSize('read', path);
    const end = Math.min(size, offset + length);
    const out = new Uint8Array(Math.max(0, end - offset));
    if (out.length === 0) return out;
    await this.transaction('readonly', 'relaxed', 'read', path, async (store) => {
      for (let index = Math.floor(offset / CHUNK); index * CHUNK < end; index++) {
        const chunk = ((await promisifyRequest(store.get(chunkKey(path, index)))) as Uint8Array | undefined) ?? new Uint8Array(CHUNK);
        const chunkStart = index * CHUNK;
        const from = Math.max(offset, chunkStart);
        const to = Math.min(end, chunkStart + CHUNK);
        out.set(chunk.subarray(from - chunkStart, to - chunkStart), from - offset);
      }
    });
    return out;
  }

  async write(path: string, offset: number, data: Uint8Array): Promise<void> {
    const oldSize = this.sizes.get(path) ?? 0;
    const newSize = data.length === 0 ? oldSize : Math.max(oldSize, offset + data.length);
    await this.transaction('readwrite', 'relaxed', 'write', path, async (store) => {
      const start = data.length === 0 ? offset : Math.min(offset, oldSize);
      const end = offset + data.length;
      for (let index = Math.floor(start / CHUNK); index * CHUNK < end; index++) {
        const chunkStart = index * CHUNK;
        const chunk = new Uint8Array(CHUNK);
        const existing = (await promisifyRequest(store.get(chunkKey(path, index)))) as Uint8Array | undefined;
        if (existing) chunk.set(existing);
        // Bytes between the old end and `offset` must read as zeros.
        const gapFrom = Math.max(oldSize, chunkStart) - chunkStart;
        const gapTo = Math.min(offset, chunkStart + CHUNK) - chunkStart;
        if (gapTo > gapFrom) chunk.fill(0, gapFrom, gapTo);
        const from = Math.max(offset, chunkStart);
        const to = Math.min(end, chunkStart + CHUNK);
        if (to > from) chunk.set(data.subarray(from - offset, to - offset), from - chunkStart);
        store.put(chunk, chunkKey(path, index));
      }
      store.put({ size: newSize }, metaKey(path));
    });
    this.sizes.set(path, newSize);
  }

  async append(path: string, data: Uint8Array): Promise<number> {
    const size = this.sizes.get(path) ?? 0;
    await this.write(path, size, data);
    return size + data.length;
  }

  async flush(path: string): Promise<void> {
    const size = this.requireSize('flush', path);
    await this.transaction('readwrite', 'strict', 'flush', path, async (store) => {
      store.put({ size }, metaKey(path));
    });
  }

  async truncate(path: string, size: number): Promise<void> {
    const oldSize = this.requireSize('truncate', path);
    if (size > oldSize) {
      await this.write(path, size - 1, new Uint8Array(1));
      return;
    }
    await this.transaction('readwrite', 'relaxed', 'truncate', path, async (store) => {
      const lastKept = Math.ceil(size / CHUNK);
      for (let index = lastKept; index * CHUNK < oldSize; index++) store.delete(chunkKey(path, index));
      if (size % CHUNK !== 0) {
        const index = Math.floor(size / CHUNK);
        const chunk = (await promisifyRequest(store.get(chunkKey(path, index)))) as Uint8Array | undefined;
        if (chunk) {
          chunk.fill(0, size % CHUNK);
          store.put(chunk, chunkKey(path, index));
        }
      }
      store.put({ size }, metaKey(path));
    });
    this.sizes.set(path, size);
  }

  async rename(from: string, to: string): Promise<void> {
    const size = this.requireSize('rename', from);
    const oldTargetSize = this.sizes.get(to);
    await this.transaction('readwrite', 'strict', 'rename', from, async (store) => {
      if (oldTargetSize !== undefined) this.deleteIn(store, to, oldTargetSize);
      for (let index = 0; index * CHUNK < size; index++) {
        const chunk = await promisifyRequest(store.get(chunkKey(from, index)));
        if (chunk) store.put(chunk, chunkKey(to, index));
      }
      store.put({ size }, metaKey(to));
      this.deleteIn(store, from, size);
    });
    this.sizes.delete(from);
    this.sizes.set(to, size);
  }

  async delete(path: string): Promise<void> {
    const size = this.sizes.get(path);
    if (size === undefined) return;
    await this.transaction('readwrite', 'relaxed', 'delete', path, async (store) => this.deleteIn(store, path, size));
    this.sizes.delete(path);
  }

  /** Renames and deletes commit with their own transaction; a strict no-op orders them. */
  async flushDir(dir: string): Promise<void> {
    await this.transaction('readwrite', 'strict', 'flushDir', dir, async (store) => {
      store.put({ at: dir }, 'dir-sync');
    });
  }

  close(): void {
    this.db.close();
  }

  private deleteIn(store: IDBObjectStore, path: string, size: number): void {
    for (let index = 0; index * CHUNK < Math.max(size, 1); index++) store.delete(chunkKey(path, index));
    store.delete(metaKey(path));
  }

  private requireSize(operation: string, path: string): number {
    const size = this.sizes.get(path);
    if (size === undefined) throw new StorageError(operation, path, 'no such file', 'ENOENT');
    return size;
  }

  private async loadSizes(): Promise<void> {
    await this.transaction('readonly', 'relaxed', 'open', '', async (store) => {
      const keys = (await promisifyRequest(store.getAllKeys())) as string[];
      for (const key of keys) {
        if (!key.startsWith('m:')) continue;
        const meta = (await promisifyRequest(store.get(key))) as { size: number };
        this.sizes.set(key.slice(2), meta.size);
      }
    });
  }

  /** Runs `body` in one transaction and resolves when it has committed. */
  private async transaction(mode: IDBTransactionMode, durability: Durability, operation: string, path: string, body: (store: IDBObjectStore) => Promise<void>): Promise<void> {
    let tx: IDBTransaction;
    try {
      tx = this.db.transaction(STORE, mode, { durability });
    } catch (e) {
      throw idbError(operation, path, e);
    }
    const done = promisifyRequest(tx as unknown as IDBRequest).catch((e: unknown) => {
      throw idbError(operation, path, tx.error ?? e);
    });
    await body(tx.objectStore(STORE));
    await done;
  }
}
