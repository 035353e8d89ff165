// Reads commands out of AOF bytes with the exact leniency of Redis 7.0's loadSingleAppendOnlyFile:
// lines of at most 1023 bytes, '#' annotation lines skipped, "*<argc>" then "$<len>" per
// argument, the 2 bytes after each argument read but not checked. It reports each complete
// command's end offset, so a loader can truncate a torn tail at the last complete command.
import { bytesToBin, type Bin } from '../bytes.js';

/** fgets buffer size in Redis's loader (AOF_ANNOTATION_LINE_MAX_LEN). */
const LINE_BUFFER = 1024;

export type AofReadResult =
  | { kind: 'command'; argv: Bin[]; start: number; end: number }
  /** The bytes end in the middle of a command (or the file is done: `atEof`). */
  | { kind: 'need-more' }
  | { kind: 'eof' }
  /** A torn tail: the file ends inside a command. `validUpTo` is the last complete end. */
  | { kind: 'truncated'; offset: number }
  | { kind: 'format-error'; offset: number; reason: string };

/**
 * Incremental reader: push() chunks, call next() until it asks for more, call finish() at the
 * end of the file. Offsets are absolute byte positions in the file.
 */
export class AofCommandReader {
  private buffer = new Uint8Array(0);
  private bufferStart = 0; // file offset of buffer[0]
  private position = 0; // index in buffer of the next unread byte
  private length = 0;
  private ended = false;

  constructor(startOffset = 0) {
    this.bufferStart = startOffset;
  }

  push(chunk: Uint8Array): void {
    const keep = this.length - this.position;
    if (this.position > 0 && keep + chunk.length <= this.buffer.length) {
      this.buffer.copyWithin(0, this.position, this.length);
    } else if (keep + chunk.length > this.buffer.length) {
      const next = new Uint8Array(Math.max(keep + chunk.length, this.buffer.length * 2, 64 * 1024));
      next.set(this.buffer.subarray(this.position, this.length));
      this.buffer = next;
    }
    this.bufferStart += this.position;
    this.length = keep;
    this.position = 0;
    this.buffer.set(chunk, this.length);
    this.length += chunk.length;
  }

  /** No more bytes will come: a partial command is now a truncation. */
  finish(): void {
    this.ended = true;
  }

  /** Offset of the first byte not yet consumed as part of a complete command. */
  get offset(): number {
    return this.bufferStart + this.position;
  }

  next(): AofReadResult {
    for (;;) {
      const start = this.position;
      const header = this.readLine(start);
      if (header === null) return this.incomplete(start);
      const first = this.buffer[start];
      if (first === 0x23) {
        this.position = header.next;
        continue;
      }
      if (first !== 0x2a) return this.formatError(start, `expected '*' at the start of a command, got ${JSON.stringify(this.text(start, header.next).slice(0, 20))}`);
      // A lone '*' at the very end is a short read in Redis (buf[1] == '\0'), not a format error.
      if (header.next === start + 1 && !header.complete) return this.incomplete(start);
      const argc = atoiAt(this.buffer, start + 1, header.next);
      if (argc < 1) return this.formatError(start, `invalid argument count ${JSON.stringify(this.text(start, header.next).trimEnd())}`);
      let cursor = header.next;
      const argv: Bin[] = [];
      for (let j = 0; j < argc; j++) {
        const lengthLine = this.readLine(cursor);
        if (lengthLine === null) return this.incomplete(start);
        if (this.buffer[cursor] !== 0x24) return this.formatError(cursor, `expected '$' before argument ${j + 1}, got ${JSON.stringify(this.text(cursor, lengthLine.next).slice(0, 20))}`);
        const length = atoiAt(this.buffer, cursor + 1, lengthLine.next);
        if (length < 0) return this.formatError(cursor, `invalid bulk length ${JSON.stringify(this.text(cursor, lengthLine.next).trimEnd())}`);
        cursor = lengthLine.next;
        // The argument, then two bytes (normally CRLF) that Redis reads without checking.
        if (cursor + length + 2 > this.length) return this.incomplete(start);
        argv.push(bytesToBin(this.buffer, cursor, cursor + length));
        cursor += length + 2;
      }
      this.position = cursor;
      return { kind: 'command', argv, start: this.bufferStart + start, end: this.bufferStart + cursor };
    }
  }

  private incomplete(start: number): AofReadResult {
    this.position = start;
    if (!this.ended) return { kind: 'need-more' };
    return start >= this.length ? { kind: 'eof' } : { kind: 'truncated', offset: this.bufferStart + start };
  }

  private formatError(at: number, reason: string): AofReadResult {
    return { kind: 'format-error', offset: this.bufferStart + at, reason };
  }

  /**
   * fgets: up to and including '\n', at most LINE_BUFFER - 1 bytes. Null when the buffer ends
   * before a newline (and more bytes may come, or nothing at all is left).
   */
  private readLine(from: number): { next: number; complete: boolean } | null {
    const limit = Math.min(this.length, from + LINE_BUFFER - 1);
    for (let i = from; i < limit; i++) {
      if (this.buffer[i] === 0x0a) return { next: i + 1, complete: true };
    }
    if (limit === from + LINE_BUFFER - 1) return { next: limit, complete: false };
    if (this.ended && limit > from) return { next: limit, complete: false };
    return null;
  }

  /** A line's text, made only for error messages. */
  private text(from: number, to: number): string {
    return bytesToBin(this.buffer, from, to);
  }
}

/** C's atoi/strtol over buffer[from, to): leading space, a sign, digits; the rest is ignored. */
function atoiAt(buffer: Uint8Array, from: number, to: number): number {
  let i = from;
  while (i < to && (buffer[i] === 0x20 || (buffer[i]! >= 0x09 && buffer[i]! <= 0x0d))) i++;
  let sign = 1;
  if (i < to && (buffer[i] === 0x2b || buffer[i] === 0x2d)) sign = buffer[i++] === 0x2d ? -1 : 1;
  let value = 0;
  while (i < to && buffer[i]! >= 0x30 && buffer[i]! <= 0x39) value = value * 10 + (buffer[i++]! - 0x30);
  return sign * value;
}
