// Streaming RESP2 parsers. `RequestParser` reads what a client sends, multibulk or inline, with
// redis-server's limits and protocol errors (networking.c processMultibulkBuffer /
// processInlineBuffer); `ReplyParser` reads what a server sends. Both take bytes in any chunking,
// never allocate from an untrusted length, and after an error stay failed, as Redis then closes
// the connection.
import type { Bin } from '../bytes.js';
import { ERR } from '../errors.js';
import { parseInt64 } from '../util/numbers.js';
import { splitCommandLine } from './inline.js';
import type { Reply } from './reply.js';

/** PROTO_INLINE_MAX_SIZE: the longest line Redis buffers while waiting for its end. */
export const INLINE_MAX_SIZE = 64 * 1024;
/** proto-max-bulk-len's default. */
export const MAX_BULK_LENGTH = 512 * 1024 * 1024;
const INT_MAX = 2 ** 31 - 1;

export type ParseResult<T> = { kind: 'value'; value: T } | { kind: 'incomplete' } | { kind: 'error'; message: string };

const INCOMPLETE = { kind: 'incomplete' } as const;

/** Thrown internally to unwind to `next()` when a frame is cut short. */
class Incomplete {}
const incomplete = new Incomplete();

abstract class BufferedParser<T> {
  protected buffer: Bin = '';
  protected pos = 0;
  private failure: string | null = null;

  push(chunk: Bin): void {
    this.buffer = this.buffer.slice(this.pos) + chunk;
    this.pos = 0;
  }

  /** Bytes received but not yet consumed by a complete frame. */
  get pending(): number {
    return this.buffer.length - this.pos;
  }

  next(): ParseResult<T> {
    if (this.failure !== null) return { kind: 'error', message: this.failure };
    const start = this.pos;
    try {
      for (;;) {
        if (this.pos >= this.buffer.length) return INCOMPLETE;
        const value = this.parseFrame();
        if (value !== undefined) return { kind: 'value', value };
      }
    } catch (e) {
      if (e === incomplete) {
        this.pos = start;
        return INCOMPLETE;
      }
      if (e instanceof ProtocolError) {
        this.failure = e.message;
        return { kind: 'error', message: e.message };
      }
      throw e;
    }
  }

  /** One frame; undefined for a frame that carries nothing (an empty line or "*0"). */
  protected abstract parseFrame(): T | undefined;

  /** The text up to the next CRLF (exclusive), failing with `tooLong` past the inline limit. */
  protected line(tooLong: string): Bin {
    const cr = this.buffer.indexOf('\r', this.pos);
    if (cr < 0 || cr + 1 >= this.buffer.length) {
      if (this.buffer.length - this.pos > INLINE_MAX_SIZE) throw new ProtocolError(tooLong);
      throw incomplete;
    }
    const text = this.buffer.slice(this.pos, cr);
    this.pos = cr + 2;
    return text;
  }

  /** Like `line`, but only advances past it: the index of its CR. */
  protected lineEnd(tooLong: string): number {
    const cr = this.buffer.indexOf('\r', this.pos);
    if (cr < 0 || cr + 1 >= this.buffer.length) {
      if (this.buffer.length - this.pos > INLINE_MAX_SIZE) throw new ProtocolError(tooLong);
      throw incomplete;
    }
    this.pos = cr + 2;
    return cr;
  }

  protected bytes(length: number): Bin {
    if (this.buffer.length - this.pos < length + 2) throw incomplete;
    const data = this.buffer.slice(this.pos, this.pos + length);
    this.pos += length + 2;
    return length < SLICE_MIN ? data : unslice(data);
  }
}

class ProtocolError extends Error {}

/**
 * V8 makes a substring of 13 chars or more a view of its parent, which the parent then lives as
 * long as: a key or value kept from a 64 KiB read would keep all 64 KiB. Such arguments are copied
 * (a concatenation, flattened by the slice) so that what a keyspace stores holds only itself.
 */
const SLICE_MIN = 13;

function unslice(s: Bin): Bin {
  return (' ' + s).slice(1);
}

/** string2ll over s[start, end): a canonical base-10 integer, or null. */
function intBetween(s: Bin, start: number, end: number): number | null {
  const length = end - start;
  if (length <= 0) return null;
  if (length > 15) {
    const big = parseInt64(s.slice(start, end));
    return big === null ? null : Number(big);
  }
  let i = start;
  const negative = s.charCodeAt(i) === 45;
  if (negative && ++i === end) return null;
  // No leading zeros, no "-0".
  if (s.charCodeAt(i) === 48) return i + 1 === end && !negative ? 0 : null;
  let value = 0;
  for (; i < end; i++) {
    const digit = s.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return null;
    value = value * 10 + digit;
  }
  return negative ? -value : value;
}

function protocolError(detail: string): ProtocolError {
  return new ProtocolError(ERR.protocol(detail));
}

export class RequestParser extends BufferedParser<Bin[]> {
  protected parseFrame(): Bin[] | undefined {
    return this.buffer[this.pos] === '*' ? this.multibulk() : this.inline();
  }

  private multibulk(): Bin[] | undefined {
    // Numbers are read in place: this is the path every pipelined command takes.
    const start = this.pos;
    const end = this.lineEnd(ERR.protocol('too big mbulk count string'));
    const count = intBetween(this.buffer, start + 1, end);
    if (count === null || count > INT_MAX) throw protocolError('invalid multibulk length');
    if (count <= 0) return undefined;
    const argv: Bin[] = [];
    for (let i = 0; i < count; i++) {
      if (this.pos >= this.buffer.length) throw incomplete;
      const at = this.pos;
      const lengthEnd = this.lineEnd(ERR.protocol('too big bulk count string'));
      const type = this.buffer[at]!;
      // addReplyErrorFormat turns CR and LF into spaces (an empty line shows as ' ').
      if (type !== '$') throw protocolError(`expected '$', got '${type === '\r' || type === '\n' ? ' ' : type}'`);
      const length = intBetween(this.buffer, at + 1, lengthEnd);
      if (length === null || length < 0 || length > MAX_BULK_LENGTH) throw protocolError('invalid bulk length');
      argv.push(this.bytes(length));
    }
    return argv;
  }

  private inline(): Bin[] | undefined {
    const newline = this.buffer.indexOf('\n', this.pos);
    if (newline < 0) {
      if (this.buffer.length - this.pos > INLINE_MAX_SIZE) throw protocolError('too big inline request');
      throw incomplete;
    }
    let end = newline;
    if (end > this.pos && this.buffer[end - 1] === '\r') end--;
    const text = this.buffer.slice(this.pos, end);
    this.pos = newline + 1;
    const split = splitCommandLine(text);
    if (!split.ok) throw new ProtocolError(split.error);
    return split.argv.length > 0 ? split.argv : undefined;
  }
}

export class ReplyParser extends BufferedParser<Reply> {
  protected parseFrame(): Reply {
    return this.reply(0);
  }

  private reply(depth: number): Reply {
    if (depth > 1000) throw protocolError('reply nested too deeply');
    if (this.pos >= this.buffer.length) throw incomplete;
    const header = this.line(ERR.protocol('too big reply header'));
    const body = header.slice(1);
    switch (header[0]) {
      case '+':
        return { kind: 'status', value: body };
      case '-':
        return { kind: 'error', value: body };
      case ':': {
        const n = parseInt64(body);
        if (n === null) throw protocolError(`invalid integer reply '${body}'`);
        return { kind: 'int', value: Number.isSafeInteger(Number(n)) ? Number(n) : n };
      }
      case '$': {
        const length = parseInt64(body);
        if (length === -1n) return { kind: 'bulk', value: null };
        if (length === null || length < 0 || length > MAX_BULK_LENGTH) throw protocolError('invalid bulk length');
        return { kind: 'bulk', value: this.bytes(Number(length)) };
      }
      case '*': {
        const count = parseInt64(body);
        if (count === -1n) return { kind: 'array', value: null };
        if (count === null || count < 0 || count > INT_MAX) throw protocolError('invalid multibulk length');
        const items: Reply[] = [];
        for (let i = 0; i < count; i++) items.push(this.reply(depth + 1));
        return { kind: 'array', value: items };
      }
      default:
        throw protocolError(`invalid reply type byte '${header[0] ?? ''}'`);
    }
  }
}
