// The one storage interface every backend implements (memory, Node fs, OPFS, IndexedDB) and the
// page-cache model wraps. Paths are relative and '/'-separated ("appendonlydir/x.aof");
// directories exist implicitly. Nothing here knows about Redis.

export interface FileStore {
  /** A short name for reports: "memory", "node-fs", "opfs", "indexeddb". */
  readonly kind: string;
  /** Names of the files directly inside `dir` ('' is the root), sorted. */
  list(dir: string): Promise<string[]>;
  /** Size in bytes, or null when the file does not exist. */
  size(path: string): Promise<number | null>;
  /** Up to `length` bytes from `offset` (fewer at the end of the file). Missing file: error. */
  read(path: string, offset: number, length: number): Promise<Uint8Array>;
  /**
   * Writes at `offset`, creating the file if needed; a gap is filled with zeros. Once the call
   * settles the store holds no reference to `data`: the caller may reuse it (aof_buf does).
   */
  write(path: string, offset: number, data: Uint8Array): Promise<void>;
  /** Appends at the end, creating the file if needed; returns the new size. `data` as write's. */
  append(path: string, data: Uint8Array): Promise<number>;
  /** fsync: everything written to `path` so far survives a power loss. */
  flush(path: string): Promise<void>;
  /**
   * An fsync begun when the file had `size` bytes, returning now: those bytes survive a power
   * loss, what was appended since need not (Linux tags the dirty pages as fdatasync starts). Only
   * a store that models durability needs it; without it callers flush, which keeps more.
   */
  flushUpTo?(path: string, size: number): Promise<void>;
  /** Cuts or zero-extends the file to `size` bytes. */
  truncate(path: string, size: number): Promise<void>;
  /** Atomically replaces `to` (if any) with `from`. */
  rename(from: string, to: string): Promise<void>;
  /** Removes the file; removing a missing file is not an error. */
  delete(path: string): Promise<void>;
  /** fsync of a directory: renames and deletes inside it survive a power loss. */
  flushDir(dir: string): Promise<void>;
}

/** A storage failure with the path and the operation, e.g. a quota error from the browser. */
export class StorageError extends Error {
  constructor(
    readonly operation: string,
    readonly path: string,
    readonly reason: string,
    readonly code: 'ENOENT' | 'EQUOTA' | 'EIO' | 'ELOCKED' = 'EIO',
  ) {
    super(`${operation} ${path}: ${reason}`);
  }
}

export function parentDir(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? '' : path.slice(0, slash);
}

export function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** Reads a whole file. */
/** Every file directly inside each of `dirs` ('' is the root), with its size. */
export async function listFilesIn(store: FileStore, dirs: readonly string[]): Promise<{ path: string; bytes: number }[]> {
  const out: { path: string; bytes: number }[] = [];
  for (const dir of dirs) {
    for (const name of await store.list(dir)) {
      const path = dir ? `${dir}/${name}` : name;
      const bytes = await store.size(path);
      if (bytes !== null) out.push({ path, bytes });
    }
  }
  return out;
}

export async function readAll(store: FileStore, path: string): Promise<Uint8Array> {
  const size = await store.size(path);
  if (size === null) throw new StorageError('read', path, 'no such file', 'ENOENT');
  return store.read(path, 0, size);
}

/** Writes a whole file the safe way: temp file, flush, rename, flush the directory. */
export async function writeFileAtomically(store: FileStore, path: string, data: Uint8Array, tempPath: string): Promise<void> {
  await store.delete(tempPath);
  await store.write(tempPath, 0, data);
  await store.flush(tempPath);
  await store.rename(tempPath, path);
  await store.flushDir(parentDir(path));
}
