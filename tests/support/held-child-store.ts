// A MemoryStore that holds a fork child still: its temp-file writes wait, from the `holdAt`-th
// on, until `release()` (and again after `hold()`), so a test can act on the parent while the child is mid-file.
import { MemoryStore } from '../../src/storage/memory-store.js';

/** What a fork child writes (not the temp manifest, which the parent writes). */
const CHILD_TEMP_FILE = /(^|\/)temp-(rewriteaof-bg-)?\d+\.(rdb|aof)$/;
/** A foreground SAVE's temp file, which the parent writes itself. */
const PARENT_TEMP_FILE = /(^|\/)temp-1\.rdb$/;

export class HeldChildStore extends MemoryStore {
  private writes = 0;
  private opened: () => void = () => {};
  private gate = new Promise<void>((resolve) => (this.opened = resolve));

  constructor(private readonly holdAt: number) {
    super();
  }

  override async write(path: string, offset: number, data: Uint8Array): Promise<void> {
    if (CHILD_TEMP_FILE.test(path) && !PARENT_TEMP_FILE.test(path) && this.writes++ >= this.holdAt) await this.gate;
    return super.write(path, offset, data);
  }

  release(): void {
    this.opened();
  }

  /** Holds the next child again, from its `holdAt`-th write. */
  hold(): void {
    this.writes = 0;
    this.gate = new Promise<void>((resolve) => (this.opened = resolve));
  }
}
