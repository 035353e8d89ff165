// The live server's files: listed, read, inspected record by record, downloaded as one tar that
// redis-server starts from, and uploads (a dump.rdb, or redis-server's AOF directory) loaded into
// a scratch engine first — a bad file or a Cancel leaves the live data as it was — then put in
// place and persisted the way the policy would. An RDB can also be analysed without loading it:
// the File's stream goes through the engine's analysis chunk by chunk, in constant memory.
import { analysisCsv, analysisJson, analyzeRdb, Engine, inspectFile, loadAof, loadRdb, newerRdbLoad, readManifest, systemClock, type AnalysisReport, type AnalyzeOptions, type Inspection, type PersistentServer } from '../../engine/index.js';
import { listFilesIn, readAll } from '../../storage/file-store.js';
import { MemoryStore } from '../../storage/memory-store.js';
import { tarArchive } from '../../storage/tar.js';
import type { CallContext } from '../protocol.js';
import type { LiveService } from './live.js';
import { yieldToEvents } from '../yield.js';

const UPLOAD_CHUNK = 1 << 20;

export interface UploadedFile {
  name: string;
  bytes: Uint8Array;
}

export class FileService {
  constructor(private readonly live: LiveService) {}

  readonly api = {
    /** Every file the server's storage holds, with its size. */
    list: async (): Promise<{ path: string; bytes: number }[]> => this.list(),
    read: async (path: string): Promise<Uint8Array> => this.read(path),
    /** `limit` records from record number `from`: a page of the file's records. */
    inspect: async (path: string, from: number, limit: number): Promise<Inspection> => inspectFile(await this.read(path), systemClock, limit, from),
    /** Every file as one tar archive (a directory redis-server can start from). */
    archive: async (): Promise<Uint8Array> => {
      const files = [];
      for (const { path } of await this.list()) files.push({ path, bytes: await this.read(path), mtimeMs: systemClock.now() });
      return tarArchive(files);
    },
    /**
     * A dump.rdb replaces the dataset; one from redis 7.2/7.4 (RDB 11, 12) is read too. A File is
     * read here, in the worker, as a stream: the page never holds or copies its bytes.
     */
    uploadRdb: async (file: UploadedFile | File, call: CallContext): Promise<{ keys: number; notes: string[] }> => this.loadRdb(file, call, { newerFormats: true }),
    /** redis-server's AOF directory (the manifest and the files it names) replaces the dataset. */
    uploadAof: async (files: UploadedFile[], call: CallContext): Promise<{ keys: number; notes: string[] }> => this.loadAofDirectory(files, call),
    /**
     * What an RDB holds (keys and memory per type, encoding, database, prefix …), read from the
     * File chunk by chunk without building a dataset: a file larger than the heap can be analysed.
     */
    analyze: async (file: Blob, options: Omit<AnalyzeOptions, 'now'>, call: CallContext): Promise<AnalysisReport> => analyzeBlob(file, options, call),
    /** An analysis as the CLI's --json or --csv writes it, for a download. */
    exportAnalysis: async (report: AnalysisReport, format: 'json' | 'csv'): Promise<string> => (format === 'json' ? analysisJson(report) : analysisCsv(report)),
    /** The machine's disks are gone: every file the server wrote is deleted. */
    wipe: async (): Promise<void> => {
      const store = this.live.cache?.backend;
      const server = this.live.server;
      if (!store || !server) return;
      this.live.workload?.end();
      for (const { path } of await listFilesIn(store, ['', server.config.get('appenddirname')])) await store.delete(path);
      this.live.server = null;
    },
  };

  async list(): Promise<{ path: string; bytes: number }[]> {
    const { cache, server } = this.live;
    if (!cache || !server) return [];
    return listFilesIn(cache, ['', server.config.get('appenddirname')]);
  }

  async read(path: string): Promise<Uint8Array> {
    if (!this.live.cache) throw new Error('The engine has not started.');
    return readAll(this.live.cache, path);
  }

  /**
   * Loads an RDB file beside the live dataset, then replaces it. A bad file changes nothing.
   * `newerFormats` for files brought from newer servers (uploads), not the lab's own backups.
   */
  async loadRdb(file: UploadedFile | File, call: CallContext, { newerFormats = false } = {}): Promise<{ keys: number; notes: string[] }> {
    const server = this.live.require();
    const scratch = scratchFor(server);
    const size = file instanceof Blob ? file.size : file.bytes.length;
    const report = await unlessCancelled(
      loadRdb(scratch, fileChunks(file), { file: file.name, newerFormats, signal: call.signal, onProgress: (done) => call.progress(done, size), breathe: yieldToEvents }),
      call.signal,
    );
    await replaceDataset(server, scratch);
    return { keys: report.keys, notes: report.notes };
  }

  private async loadAofDirectory(files: UploadedFile[], call: CallContext): Promise<{ keys: number; notes: string[] }> {
    const server = this.live.require();
    const manifestFile = files.find((f) => f.name.endsWith('.manifest'));
    if (!manifestFile) throw new Error('no *.manifest among the files: choose the whole appendonlydir');
    const appendFilename = manifestFile.name.replace(/\.manifest$/, '');
    const store = new BreathingStore();
    for (const f of files) await store.write(f.name, 0, f.bytes);
    const manifest = await readManifest(store, '', appendFilename);
    if (!manifest) throw new Error(`${manifestFile.name} could not be read`);
    const scratch = scratchFor(server);
    const total = files.reduce((sum, f) => sum + f.bytes.length, 0);
    // What redis-server would log about these files (a cut tail above all) travels back as notes.
    const notes: string[] = [];
    const log = (line: string) => {
      if (line.startsWith('!!!') || line.includes('loaded anyway')) notes.push(line);
    };
    await unlessCancelled(
      loadAof(store, scratch, manifest, { dir: '', appendFilename, loadTruncated: true, truncateOnDisk: false, rdb: newerRdbLoad, log, signal: call.signal, onProgress: (done) => call.progress(done, total) }),
      call.signal,
    );
    return { ...(await replaceDataset(server, scratch)), notes };
  }
}

/** A Blob's bytes through the streaming analysis, with its progress in bytes and a Cancel between chunks. */
export async function analyzeBlob(file: Blob, options: Omit<AnalyzeOptions, 'now'>, call: CallContext): Promise<AnalysisReport> {
  try {
    return await analyzeRdb(fileChunks(file), {
      ...options,
      now: systemClock.now(),
      file: file instanceof File ? file.name : 'the file',
      signal: call.signal,
      onProgress: (done) => call.progress(done, file.size),
      breathe: () => new Promise((r) => setTimeout(r, 0)),
    });
  } catch (e) {
    if (call.signal.aborted) throw new Error('The analysis was cancelled.');
    throw e;
  }
}

/** A file's bytes chunk by chunk: a Blob (a File the person chose) is streamed, never held whole. */
async function* fileChunks(file: UploadedFile | Blob): AsyncGenerator<Uint8Array> {
  if (!(file instanceof Blob)) {
    for (let at = 0; at < file.bytes.length; at += UPLOAD_CHUNK) yield file.bytes.subarray(at, at + UPLOAD_CHUNK);
    return;
  }
  const reader = file.stream().getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    // A cancelled or failed read stops reading the file.
    await reader.cancel().catch(() => undefined);
  }
}

function scratchFor(server: PersistentServer): Engine {
  return new Engine({ clock: systemClock, limits: server.engine.limits, databases: server.engine.dbs.length });
}

/** The loaded dataset replaces the live one, and is persisted the way the policy would. */
export async function replaceDataset(server: PersistentServer, scratch: Engine): Promise<{ keys: number }> {
  const client = server.engine.createClient();
  await server.execute(client, ['FLUSHALL']);
  const keys = server.engine.adoptDataset(scratch);
  if (server.aof) await server.execute(client, ['BGREWRITEAOF']);
  else if (server.savePoints().length > 0) await server.execute(client, ['SAVE']);
  return { keys };
}

/** An uploaded AOF directory in memory, whose reads let messages in (a Cancel) between chunks. */
class BreathingStore extends MemoryStore {
  override async read(path: string, offset: number, length: number): Promise<Uint8Array> {
    await yieldToEvents();
    return super.read(path, offset, length);
  }
}

/** A cancelled load says so plainly: nothing was replaced. */
export async function unlessCancelled<T>(loading: Promise<T>, signal: AbortSignal): Promise<T> {
  try {
    return await loading;
  } catch (e) {
    if (signal.aborted) throw new Error('Loading was cancelled; the live data is unchanged.');
    throw e;
  }
}
