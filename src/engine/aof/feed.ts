// Redis's feedAppendOnlyFile: turns the engine's propagated writes into AOF bytes (aof_buf),
// inserting a SELECT whenever the target database changes. The persistence layer decides when
// the buffer is written and fsynced.
import type { Bin } from '../bytes.js';
import type { Engine, PropagatedCommand } from '../engine.js';
import { decimalDigits, writeDecimal } from '../util/numbers.js';

const CR = 13;
const LF = 10;

export class AofFeed {
  private selectedDb = -1;
  // aof_buf as bytes, as redis keeps it: each command is encoded once, straight into the buffer
  // the write(2) takes (strings joined and converted per turn cost the event loop a third of
  // its time in the throughput benchmark).
  private buf = new Uint8Array(64 * 1024);
  private used = 0;
  /** Commands appended since creation (SELECTs not counted). */
  commandsFed = 0;
  /** Commands appended since the last takeCounts(), by the name as the client spelled it. */
  private counts = new Map<string, number>();
  private readonly unsubscribe: () => void;

  constructor(engine: Engine) {
    this.unsubscribe = engine.onPropagate((unit) => this.feed(unit));
  }

  /** Bytes waiting in aof_buf. */
  get length(): number {
    return this.used;
  }

  feed(unit: readonly PropagatedCommand[]): void {
    for (const { db, argv } of unit) {
      if (db !== -1 && db !== this.selectedDb) {
        this.append(['SELECT', String(db)]);
        this.selectedDb = db;
      }
      this.append(argv);
      this.commandsFed++;
      const name = argv[0]!;
      this.counts.set(name, (this.counts.get(name) ?? 0) + 1);
    }
  }

  /** The per-command counts so far (command names upper-cased), starting a new count. */
  takeCounts(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [spelled, n] of this.counts) {
      const name = spelled.toUpperCase();
      out[name] = (out[name] ?? 0) + n;
    }
    this.counts = new Map();
    return out;
  }

  /** The next command will be preceded by a SELECT (a new incr file after a rewrite). */
  forceSelect(): void {
    this.selectedDb = -1;
  }

  /** Empties aof_buf and returns its bytes (a copy the caller owns while it writes them). */
  take(): Uint8Array {
    const bytes = this.buf.slice(0, this.used);
    this.used = 0;
    return bytes;
  }

  /** Puts bytes that could not be written back at the front of aof_buf, to retry. */
  restore(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    const waiting = this.buf.slice(0, this.used);
    this.used = 0;
    this.reserve(bytes.length + waiting.length);
    this.buf.set(bytes, 0);
    this.buf.set(waiting, bytes.length);
    this.used = bytes.length + waiting.length;
  }

  close(): void {
    this.unsubscribe();
  }

  /** The command in RESP (`*N\r\n` then `$len\r\narg\r\n` per argument), appended to aof_buf. */
  private append(argv: readonly Bin[]): void {
    const count = argv.length;
    let size = 3 + decimalDigits(count);
    for (let k = 0; k < count; k++) size += 5 + decimalDigits(argv[k]!.length) + argv[k]!.length;
    if (this.used + size > this.buf.length) this.reserve(this.used + size);
    const buf = this.buf;
    let at = this.used;
    buf[at++] = 0x2a; // '*'
    at = writeDecimal(buf, at, count);
    buf[at++] = CR;
    buf[at++] = LF;
    for (let k = 0; k < count; k++) {
      const arg = argv[k]!;
      const length = arg.length;
      buf[at++] = 0x24; // '$'
      at = writeDecimal(buf, at, length);
      buf[at++] = CR;
      buf[at++] = LF;
      for (let i = 0; i < length; i++) buf[at + i] = arg.charCodeAt(i);
      at += length;
      buf[at++] = CR;
      buf[at++] = LF;
    }
    this.used = at;
  }

  private reserve(capacity: number): void {
    if (capacity <= this.buf.length) return;
    const grown = new Uint8Array(Math.max(capacity, this.buf.length * 2));
    grown.set(this.buf.subarray(0, this.used));
    this.buf = grown;
  }
}
