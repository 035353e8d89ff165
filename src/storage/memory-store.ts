// The in-memory reference backend: the behaviour every other backend must match in the contract
// suite, and the store tests and simulations use when no real storage is wanted.
import { parentDir, StorageError, type FileStore } from './file-store.js';

class GrowableFile {
  bytes = new Uint8Array(0);
  length = 0;

  ensureCapacity(size: number): void {
    if (size <= this.bytes.length) return;
    const next = new Uint8Array(Math.max(size, this.bytes.length * 2, 64));
    next.set(this.bytes.subarray(0, this.length));
    this.bytes = next;
  }

  writeAt(offset: number, data: Uint8Array): void {
    // As pwrite(2): writing nothing does not extend the file.
    if (data.length === 0) return;
    const end = offset + data.length;
    this.ensureCapacity(end);
    if (offset > this.length) this.bytes.fill(0, this.length, offset);
    this.bytes.set(data, offset);
    this.length = Math.max(this.length, end);
  }

  resize(size: number): void {
    this.ensureCapacity(size);
    if (size > this.length) this.bytes.fill(0, this.length, size);
    this.length = size;
  }
}

export class MemoryStore implements FileStore {
  readonly kind = 'memory';
  private readonly files = new Map<string, GrowableFile>();

  async list(dir: string): Promise<string[]> {
    const names: string[] = [];
    for (const path of this.files.keys()) if (parentDir(path) === dir) names.push(path.slice(dir ? dir.length + 1 : 0));
    return names.sort();
  }

  async size(path: string): Promise<number | null> {
    return this.files.get(path)?.length ?? null;
  }

  async read(path: string, offset: number, length: number): Promise<Uint8Array> {
    const file = this.get('read', path);
    const start = Math.min(offset, file.length);
    return file.bytes.slice(start, Math.min(file.length, start + length));
  }

  async write(path: string, offset: number, data: Uint8Array): Promise<void> {
    this.getOrCreate(path).writeAt(offset, data);
  }

  async append(path: string, data: Uint8Array): Promise<number> {
    const file = this.getOrCreate(path);
    file.writeAt(file.length, data);
    return file.length;
  }

  async flush(path: string): Promise<void> {
    this.get('flush', path);
  }

  async truncate(path: string, size: number): Promise<void> {
    this.get('truncate', path).resize(size);
  }

  async rename(from: string, to: string): Promise<void> {
    const file = this.get('rename', from);
    this.files.delete(from);
    this.files.set(to, file);
  }

  async delete(path: string): Promise<void> {
    this.files.delete(path);
  }

  async flushDir(): Promise<void> {}

  private get(operation: string, path: string): GrowableFile {
    const file = this.files.get(path);
    if (!file) throw new StorageError(operation, path, 'no such file', 'ENOENT');
    return file;
  }

  private getOrCreate(path: string): GrowableFile {
    let file = this.files.get(path);
    if (!file) {
      file = new GrowableFile();
      this.files.set(path, file);
    }
    return file;
  }
}
