// Redis's feedAppendOnlyFile: turns the engine's propagated writes into AOF bytes (aof_buf),
// inserting a SELECT whenever the target database changes. The persistence layer decides when
// the buffer is written and fsynced.
import type { Bin } from '../bytes.js';
import type { Engine, PropagatedCommand } from '../engine.js';
import { encodeCommand } from '../resp/encoder.js';

export class AofFeed {
  private selectedDb = -1;
  private parts: Bin[] = [];
  private bufferedBytes = 0;
  /** Commands appended since creation (SELECTs not counted). */
  commandsFed = 0;
  /** Commands appended since the last takeCounts(), by name: what a rewrite will collapse. */
  private counts = new Map<string, number>();
  private readonly unsubscribe: () => void;

  constructor(engine: Engine) {
    this.unsubscribe = engine.onPropagate((unit) => this.feed(unit));
  }

  /** Bytes waiting in aof_buf. */
  get length(): number {
    return this.bufferedBytes;
  }

  feed(unit: readonly PropagatedCommand[]): void {
    for (const { db, argv } of unit) {
      if (db !== -1 && db !== this.selectedDb) {
        this.push(encodeCommand(['SELECT', String(db)]));
        this.selectedDb = db;
      }
      this.push(encodeCommand(argv));
      this.commandsFed++;
      const name = argv[0]!.toUpperCase();
      this.counts.set(name, (this.counts.get(name) ?? 0) + 1);
    }
  }

  /** The per-command counts so far, starting a new count. */
  takeCounts(): Record<string, number> {
    const out = Object.fromEntries(this.counts);
    this.counts = new Map();
    return out;
  }

  /** The next command will be preceded by a SELECT (a new incr file after a rewrite). */
  forceSelect(): void {
    this.selectedDb = -1;
  }

  /** Empties aof_buf and returns its bytes. */
  take(): Bin {
    const bytes = this.parts.length === 1 ? this.parts[0]! : this.parts.join('');
    this.parts = [];
    this.bufferedBytes = 0;
    return bytes;
  }

  /** Puts bytes that could not be written back at the front of aof_buf, to retry. */
  restore(bytes: Bin): void {
    if (bytes.length === 0) return;
    this.parts.unshift(bytes);
    this.bufferedBytes += bytes.length;
  }

  close(): void {
    this.unsubscribe();
  }

  private push(bytes: Bin): void {
    this.parts.push(bytes);
    this.bufferedBytes += bytes.length;
  }
}
