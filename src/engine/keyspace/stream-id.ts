// Stream IDs (<ms>-<seq>, two unsigned 64-bit numbers) and Redis's rules for reading them from
// arguments (streamGenericParseIDOrReply over string2ull, which falls back to strtoull).
import type { Bin } from '../bytes.js';
import { parseInt64 } from '../util/numbers.js';

export interface StreamId {
  readonly ms: bigint;
  readonly seq: bigint;
}

export const U64_MAX = 2n ** 64n - 1n;
export const MIN_ID: StreamId = Object.freeze({ ms: 0n, seq: 0n });
export const MAX_ID: StreamId = Object.freeze({ ms: U64_MAX, seq: U64_MAX });

export function compareIds(a: StreamId, b: StreamId): number {
  if (a.ms !== b.ms) return a.ms < b.ms ? -1 : 1;
  if (a.seq !== b.seq) return a.seq < b.seq ? -1 : 1;
  return 0;
}

export function isZeroId(id: StreamId): boolean {
  return id.ms === 0n && id.seq === 0n;
}

export function formatId(id: StreamId): Bin {
  return `${id.ms}-${id.seq}`;
}

/** streamIncrID: the next ID, or null when `id` is the last possible one. */
export function incrId(id: StreamId): StreamId | null {
  if (id.seq === U64_MAX) return id.ms === U64_MAX ? null : { ms: id.ms + 1n, seq: 0n };
  return { ms: id.ms, seq: id.seq + 1n };
}

/** streamDecrID: the previous ID, or null when `id` is 0-0. */
export function decrId(id: StreamId): StreamId | null {
  if (id.seq === 0n) return id.ms === 0n ? null : { ms: id.ms - 1n, seq: U64_MAX };
  return { ms: id.ms, seq: id.seq - 1n };
}

const SPACE = /^[ \t\n\v\f\r]*/;

/** string2ull: a canonical non-negative int64, else what strtoull accepts in full (sign wraps). */
export function parseUint64(text: Bin): bigint | null {
  const s = text.includes('\0') ? text.slice(0, text.indexOf('\0')) : text;
  const canonical = parseInt64(s);
  if (canonical !== null) return canonical < 0n ? null : canonical;
  const rest = s.slice(SPACE.exec(s)![0].length);
  const match = /^([+-]?)([0-9]+)$/.exec(rest);
  if (!match) return null;
  const value = BigInt(match[2]!);
  if (value > U64_MAX) return null;
  return match[1] === '-' ? BigInt.asUintN(64, -value) : value;
}

export interface ParsedId {
  id: StreamId;
  /** False for the "<ms>-*" form (only accepted when asked for). */
  seqGiven: boolean;
}

/**
 * streamGenericParseIDOrReply: "-" and "+" (unless strict), "<ms>" (seq = missingSeq),
 * "<ms>-<seq>", and "<ms>-*" when `allowAutoSeq`. Null when invalid.
 */
export function parseStreamId(arg: Bin, options: { missingSeq?: bigint; strict?: boolean; allowAutoSeq?: boolean } = {}): ParsedId | null {
  if (arg.length > 127) return null;
  const buf = arg.includes('\0') ? arg.slice(0, arg.indexOf('\0')) : arg;
  if (buf === '-' || buf === '+') {
    if (options.strict) return null;
    return { id: buf === '-' ? MIN_ID : MAX_ID, seqGiven: true };
  }
  const dash = buf.indexOf('-');
  const ms = parseUint64(dash < 0 ? buf : buf.slice(0, dash));
  if (ms === null) return null;
  if (dash < 0) return { id: { ms, seq: options.missingSeq ?? 0n }, seqGiven: true };
  const seqText = buf.slice(dash + 1);
  if (options.allowAutoSeq && seqText === '*') return { id: { ms, seq: 0n }, seqGiven: false };
  const seq = parseUint64(seqText);
  return seq === null ? null : { id: { ms, seq }, seqGiven: true };
}

/** A range bound: "(" makes it exclusive (and strict), as streamParseIntervalIDOrReply reads it. */
export function parseIntervalId(arg: Bin, missingSeq: bigint): { id: StreamId; exclusive: boolean } | null {
  const exclusive = arg.length > 1 && arg[0] === '(';
  const parsed = exclusive ? parseStreamId(arg.slice(1), { missingSeq, strict: true }) : parseStreamId(arg, { missingSeq });
  return parsed ? { id: parsed.id, exclusive } : null;
}

/** The 16-byte big-endian form used as rax keys, in RDB files and in DUMP payloads. */
export function idToBytes(id: StreamId, out: Uint8Array = new Uint8Array(16), at = 0): Uint8Array {
  const view = new DataView(out.buffer, out.byteOffset + at, 16);
  view.setBigUint64(0, id.ms, false);
  view.setBigUint64(8, id.seq, false);
  return out;
}

export function idFromBytes(bytes: Uint8Array, at = 0): StreamId {
  const view = new DataView(bytes.buffer, bytes.byteOffset + at, 16);
  return { ms: view.getBigUint64(0, false), seq: view.getBigUint64(8, false) };
}
