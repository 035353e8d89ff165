// Redis's feedAppendOnlyFile: turns the engine's propagated writes into AOF bytes (aof_buf),
// inserting a SELECT whenever the target database changes. The persistence layer decides when
// the buffer is written and fsynced.
import type { Bin } from '../bytes.js';
import type { Engine, PropagatedCommand } from '../engine.js';
import { writeDecimal } from '../util/numbers.js';

const CR = 13;
const LF = 10;

export class AofFeed {
  private selectedDb = -1;
  // aof_buf as bytes, as redis keeps it: each command is encoded once, straight into the buffer
  // the write(2) takes (strings joined and converted per turn cost the event loop a third of
  // its time in the throughput benchmark).
  private buf = new Uint8Array(64 * 1024);
  private used = 0;
  /**
   * The buffer a finished write gave back (recycle): the next take() hands the full one out and
   * fills this one, so a turn's bytes are neither copied nor allocated for.
   */
  private spare: Uint8Array<ArrayBuffer> | null = null;
  /** Commands appended since creation (SELECTs not counted). */
  commandsFed = 0;
  /** Commands appended since the last takeCounts(), by the name as the client spelled it. */
  private counts = new Map<string, number>();
  // The run of one command name not yet added to `counts` (a turn is mostly one command).
  private runName = '';
  private runLength = 0;
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
      if (name === this.runName) this.runLength++;
      else {
        this.endRun();
        this.runName = name;
        this.runLength = 1;
      }
    }
  }

  private endRun(): void {
    if (this.runLength > 0) this.counts.set(this.runName, (this.counts.get(this.runName) ?? 0) + this.runLength);
    this.runName = '';
    this.runLength = 0;
  }

  /** The per-command counts so far (command names upper-cased), starting a new count. */
  takeCounts(): Record<string, number> {
    this.endRun();
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

  /**
   * Empties aof_buf and returns its bytes, which the caller owns until it gives them back with
   * recycle() (or for good, if it never does).
   */
  take(): Uint8Array {
    const bytes = this.buf.subarray(0, this.used);
    this.buf = this.spare ?? new Uint8Array(this.buf.length);
    this.spare = null;
    this.used = 0;
    return bytes;
  }

  /** What take() returned has been written (the store keeps no reference): its buffer is reused. */
  recycle(bytes: Uint8Array): void {
    const buffer = bytes.buffer;
    if (buffer instanceof ArrayBuffer && buffer !== this.buf.buffer && buffer.byteLength === this.buf.length) this.spare = new Uint8Array(buffer);
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
    // Room for the headers at their longest (a length of 16 digits), then the arguments' bytes.
    let size = 24 + count * 24;
    for (let k = 0; k < count; k++) size += argv[k]!.length;
    if (this.used + size > this.buf.length) this.reserve(this.used + size);
    const buf = this.buf;
    let at = writeHeader(buf, this.used, 0x2a /* '*' */, count);
    for (let k = 0; k < count; k++) {
      const arg = argv[k]!;
      const length = arg.length;
      at = writeHeader(buf, at, 0x24 /* '$' */, length);
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

/** `*N\r\n` or `$N\r\n` at `at`; returns the end. One and two digits, the common case, inline. */
function writeHeader(buf: Uint8Array, at: number, marker: number, n: number): number {
  buf[at++] = marker;
  if (n < 10) buf[at++] = 0x30 + n;
  else if (n < 100) {
    buf[at++] = 0x30 + ((n / 10) | 0);
    buf[at++] = 0x30 + (n % 10);
  } else at = writeDecimal(buf, at, n);
  buf[at++] = CR;
  buf[at++] = LF;
  return at;
}
