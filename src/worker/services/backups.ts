// Backups of the live dataset kept in storage that stands for somewhere else (their own
// IndexedDB database, which survives losing the machine's files): taken now or on a schedule,
// listed, read for download, and restored beside the live data before they replace it.
import { systemClock } from '../../engine/index.js';
import { BackupVault, type BackupEntry } from '../backups.js';
import type { CallContext } from '../protocol.js';
import type { FileService } from './files.js';
import type { LiveService } from './live.js';

export class BackupService {
  private vault: BackupVault | null = null;
  private vaultName: string | null = null;
  private timer: ReturnType<typeof setInterval> | null = null;
  /** The list as last read, and whether the page has seen it (telemetry sends it when it changed). */
  private entries: BackupEntry[] | null = null;
  private changed = true;
  /** Counts backups taken: a list read while one was taken is not kept as the list. */
  private generation = 0;

  constructor(
    private readonly live: LiveService,
    private readonly files: FileService,
  ) {}

  readonly api = {
    take: async (): Promise<BackupEntry> => this.take(),
    list: async (): Promise<BackupEntry[]> => this.list(),
    read: async (name: string): Promise<Uint8Array> => (await this.open()).read(name),
    /** The backup loads beside the live dataset, which keeps serving, then replaces it. */
    restore: async (name: string, call: CallContext): Promise<{ keys: number; notes: string[] }> => this.files.loadRdb({ name, bytes: await (await this.open()).read(name) }, call),
    /** A backup every `seconds` (null: none). */
    schedule: async (seconds: number | null): Promise<void> => {
      if (this.timer) clearInterval(this.timer);
      this.timer = seconds ? setInterval(() => void this.take().catch(() => undefined), seconds * 1000) : null;
    },
  };

  /** The list, when it changed since the last call (for telemetry), else undefined. */
  async changedList(): Promise<BackupEntry[] | undefined> {
    if (!this.changed) return undefined;
    // Cleared before the list is read: a backup finished while it is read marks it changed again
    // (cleared after, that backup never reached the page).
    this.changed = false;
    try {
      return await this.list();
    } catch (e) {
      this.changed = true;
      throw e;
    }
  }

  /**
   * The vault of the database the live server runs on: telemetry may ask before the server has
   * started (the default database then), so a vault opened for another database is not kept.
   */
  private async open(): Promise<BackupVault> {
    const name = `${this.live.database}-backups`;
    if (this.vault === null || this.vaultName !== name) {
      this.vault = await BackupVault.open(name);
      this.vaultName = name;
      this.entries = null;
      this.changed = true;
    }
    return this.vault;
  }

  private async take(): Promise<BackupEntry> {
    const entry = await (await this.open()).take(this.live.require().engine, systemClock.now());
    this.generation++;
    this.entries = null;
    this.changed = true;
    return entry;
  }

  private async list(): Promise<BackupEntry[]> {
    if (this.entries) return this.entries;
    const generation = this.generation;
    const entries = await (await this.open()).list();
    if (generation === this.generation) this.entries = entries;
    return entries;
  }
}
