// What persistence needs from a file system. It has the shape of the storage layer's FileStore,
// so any backend (memory, Node fs, OPFS, IndexedDB, the page-cache model) plugs in as is, while
// the engine stays free of storage imports.
export interface Disk {
  list(dir: string): Promise<string[]>;
  size(path: string): Promise<number | null>;
  read(path: string, offset: number, length: number): Promise<Uint8Array>;
  write(path: string, offset: number, data: Uint8Array): Promise<void>;
  append(path: string, data: Uint8Array): Promise<number>;
  flush(path: string): Promise<void>;
  /** FileStore's: an fsync that covers only the first `size` bytes (optional: flush keeps more). */
  flushUpTo?(path: string, size: number): Promise<void>;
  truncate(path: string, size: number): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  delete(path: string): Promise<void>;
  flushDir(dir: string): Promise<void>;
}

export const READ_CHUNK = 1 << 20;

/** The file from `offset` to its end, one chunk at a time. */
export async function* readChunks(disk: Disk, path: string, offset = 0, chunkSize = READ_CHUNK): AsyncGenerator<Uint8Array> {
  const size = (await disk.size(path)) ?? 0;
  for (let at = offset; at < size; at += chunkSize) {
    const chunk = await disk.read(path, at, Math.min(chunkSize, size - at));
    if (chunk.length === 0) return;
    yield chunk;
  }
}

export function joinPath(dir: string, name: string): string {
  return dir === '' ? name : `${dir}/${name}`;
}

/** Writes a whole file the crash-safe way: temp file, fsync, rename, fsync the directory. */
export async function replaceFile(disk: Disk, dir: string, name: string, tempName: string, data: Uint8Array): Promise<void> {
  const temp = joinPath(dir, tempName);
  await disk.delete(temp);
  await disk.write(temp, 0, data);
  await disk.flush(temp);
  await disk.rename(temp, joinPath(dir, name));
  await disk.flushDir(dir);
}
