// Backups are not snapshots: a backup copies a consistent RDB of the whole dataset to storage
// that stands for somewhere else (its own IndexedDB database, which survives losing the
// machine's files), with an index of when, how big and how many keys.
import { concatChunks, rdbCodec, type Engine } from '../engine/index.js';
import type { FileStore } from '../storage/file-store.js';
import { readAll, writeFileAtomically } from '../storage/file-store.js';
import { IndexedDbStore } from '../storage/indexeddb-store.js';

export interface BackupEntry {
  name: string;
  /** Unix ms when it was taken. */
  at: number;
  bytes: number;
  keys: number;
}

const INDEX = 'index.json';

export class BackupVault {
  private constructor(private readonly store: FileStore) {}

  static async open(name: string): Promise<BackupVault> {
    return new BackupVault(await IndexedDbStore.open(name));
  }

  async list(): Promise<BackupEntry[]> {
    if ((await this.store.size(INDEX)) === null) return [];
    try {
      return JSON.parse(new TextDecoder().decode(await readAll(this.store, INDEX))) as BackupEntry[];
    } catch {
      return [];
    }
  }

  /** Takes a backup of `engine` as it is now (the snapshot is taken before any await). */
  async take(engine: Engine, now: number): Promise<BackupEntry> {
    const bytes = concatChunks(rdbCodec.snapshot(engine, { aofBase: false, compression: true, checksum: true }));
    const keys = engine.dbs.reduce((sum, db) => sum + db.size, 0);
    const entry: BackupEntry = { name: `backup-${new Date(now).toISOString().replace(/[:.]/g, '-')}.rdb`, at: now, bytes: bytes.length, keys };
    await writeFileAtomically(this.store, `files/${entry.name}`, bytes, `files/${entry.name}.tmp`);
    const index = [...(await this.list()), entry];
    await writeFileAtomically(this.store, INDEX, new TextEncoder().encode(JSON.stringify(index)), `${INDEX}.tmp`);
    return entry;
  }

  async read(name: string): Promise<Uint8Array> {
    if (!(await this.list()).some((e) => e.name === name)) throw new Error(`no backup named ${name}`);
    return readAll(this.store, `files/${name}`);
  }
}
