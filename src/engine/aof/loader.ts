// Loads a multi-part AOF as redis-server 7.0 does at startup: the manifest names a base and incr
// files; each file is sniffed (an RDB, possibly followed by RESP, or RESP alone) and replayed in
// order. Only the last file may end torn, and only with aof-load-truncated yes; it is then cut
// back to its last complete command on disk, exactly as Redis truncates it.
import { bytesToBin } from '../bytes.js';
import type { Engine } from '../engine.js';
import { type Disk, joinPath, readChunks } from '../persistence/disk.js';
import { type AofFileInfo, type AofManifest, aofNames, ManifestError, parseManifest } from './manifest.js';
import { LoadError, type Cancellation } from '../load-error.js';
import { packCollections } from '../keyspace/pack-collections.js';
import { replayAof } from './replay.js';

/** Reads an RDB from the start of `chunks` into the engine; returns the bytes it consumed. */
export type RdbLoader = (engine: Engine, file: string, chunks: AsyncIterable<Uint8Array>, options: { signal?: Cancellation; onProgress?: (bytes: number) => void; keepExpired?: boolean; allowDuplicates?: boolean }) => Promise<number>;

export interface AofLoadOptions {
  dir: string;
  appendFilename: string;
  loadTruncated: boolean;
  /** Cut a torn tail off the file on disk, as redis-server does (false to leave files untouched). */
  truncateOnDisk?: boolean;
  rdb: RdbLoader;
  signal?: Cancellation;
  /** Bytes done over all files, and the total. */
  onProgress?: (done: number, total: number) => void;
  log?: (line: string) => void;
}

export interface LoadedAofFile {
  name: string;
  type: 'base' | 'incr';
  bytes: number;
  format: 'rdb' | 'resp' | 'rdb+resp' | 'empty';
  commands: number;
}

export interface AofLoadReport {
  manifest: AofManifest;
  files: LoadedAofFile[];
  totalBytes: number;
  /** The torn tail that was cut from the last file, if any. */
  truncation: { file: string; truncatedTo: number; droppedBytes: number; reason: string; /** The cut bytes, kept for a person to see (the first 64 KiB). */ dropped?: Uint8Array } | null;
}

const RDB_MAGIC = 'REDIS';

/** Reads the manifest; null when there is none (Redis then treats the AOF as absent). */
export async function readManifest(disk: Disk, dir: string, appendFilename: string): Promise<AofManifest | null> {
  const path = joinPath(dir, aofNames.manifest(appendFilename));
  const size = await disk.size(path);
  if (size === null) return null;
  const text = bytesToBin(await disk.read(path, 0, size));
  try {
    return parseManifest(text);
  } catch (e) {
    if (e instanceof ManifestError) throw new LoadError(aofNames.manifest(appendFilename), 0, e.message);
    throw e;
  }
}

/** Loads one file that may start with an RDB and continue (or consist only of) RESP commands. */
export async function loadAofFile(disk: Disk, engine: Engine, path: string, name: string, options: { loadTruncated: boolean; isLastFile: boolean; rdb: RdbLoader; signal?: Cancellation; onProgress?: (bytes: number) => void }): Promise<{ format: LoadedAofFile['format']; commands: number; truncation: AofLoadReport['truncation'] }> {
  const size = (await disk.size(path)) ?? 0;
  if (size === 0) return { format: 'empty', commands: 0, truncation: null };
  const head = bytesToBin(await disk.read(path, 0, Math.min(size, RDB_MAGIC.length)));
  let respStart = 0;
  let format: LoadedAofFile['format'] = 'resp';
  const signal = options.signal ? { signal: options.signal } : {};
  if (head === RDB_MAGIC) {
    // An AOF base keeps keys whose time has passed; the DELs that follow in the AOF decide.
    respStart = await options.rdb(engine, name, readChunks(disk, path), { ...signal, ...(options.onProgress ? { onProgress: options.onProgress } : {}), keepExpired: true });
    format = respStart < size ? 'rdb+resp' : 'rdb';
  }
  if (respStart >= size) return { format, commands: 0, truncation: null };
  const result = await replayAof(engine, name, readChunks(disk, path, respStart), {
    isLastFile: options.isLastFile,
    loadTruncated: options.loadTruncated,
    startOffset: respStart,
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    ...signal,
  });
  const truncation =
    result.truncatedTo === null ? null : { file: name, truncatedTo: result.truncatedTo, droppedBytes: result.droppedBytes, reason: result.truncationReason ?? 'short read' };
  return { format, commands: result.commands, truncation };
}

export async function loadAof(disk: Disk, engine: Engine, manifest: AofManifest, options: AofLoadOptions): Promise<AofLoadReport> {
  const listed: { info: AofFileInfo; type: 'base' | 'incr' }[] = [
    ...(manifest.base ? [{ info: manifest.base, type: 'base' as const }] : []),
    ...manifest.incrs.map((info) => ({ info, type: 'incr' as const })),
  ];
  const sizes: number[] = [];
  for (const { info } of listed) {
    const size = await disk.size(joinPath(options.dir, info.name));
    if (size === null) throw new LoadError(info.name, 0, `Unable to obtain the AOF file ${info.name} length. stat: No such file or directory`);
    sizes.push(size);
  }
  const totalBytes = sizes.reduce((a, b) => a + b, 0);
  const report: AofLoadReport = { manifest, files: [], totalBytes, truncation: null };
  let doneBefore = 0;
  for (let i = 0; i < listed.length; i++) {
    const { info, type } = listed[i]!;
    const path = joinPath(options.dir, info.name);
    const size = sizes[i]!;
    const progress = (bytes: number) => options.onProgress?.(doneBefore + bytes, totalBytes);
    const result = await loadAofFile(disk, engine, path, info.name, {
      loadTruncated: options.loadTruncated,
      isLastFile: i === listed.length - 1,
      rdb: options.rdb,
      onProgress: progress,
      ...(options.signal ? { signal: options.signal } : {}),
    });
    const loaded: LoadedAofFile = { name: info.name, type, bytes: size, format: result.format, commands: result.commands };
    if (result.truncation) {
      options.log?.(`!!! Warning: short read while loading the AOF file ${info.name}!!!`);
      options.log?.(`!!! Truncating the AOF ${info.name} at offset ${result.truncation.truncatedTo} !!!`);
      const kept = Math.min(result.truncation.droppedBytes, 65_536);
      result.truncation.dropped = await disk.read(path, result.truncation.truncatedTo, kept);
      if (options.truncateOnDisk ?? true) {
        await disk.truncate(path, result.truncation.truncatedTo);
        await disk.flush(path);
      }
      options.log?.(`AOF ${info.name} loaded anyway because aof-load-truncated is enabled`);
      report.truncation = result.truncation;
    }
    options.log?.(`DB loaded from ${type} file ${info.name}`);
    report.files.push(loaded);
    doneBefore += size;
    progress(0);
  }
  packCollections(engine.dbs);
  return report;
}
