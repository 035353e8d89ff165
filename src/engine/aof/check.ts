// What redis-check-aof reports for one AOF file, and its --fix: the offset up to which the file
// holds complete commands outside an unfinished MULTI, and why the rest is not valid. A leading
// RDB preamble must load completely; the commands after it are checked the same way.
import type { Engine } from '../engine.js';
import { LoadError } from '../load-error.js';
import { type Disk, readChunks } from '../persistence/disk.js';
import { loadRdb } from '../rdb/reader.js';

export interface AofCheck {
  size: number;
  /** Bytes of complete commands (redis-check-aof's ok_up_to). */
  okUpTo: number;
  commands: number;
  /** Null when the whole file is valid. */
  problem: { offset: number; reason: string } | null;
  /** Where a preamble ends, or 0. */
  rdbBytes: number;
  /** False when the preamble itself is broken: cutting the file would not repair it. */
  fixable: boolean;
}

/** Checks `path` without changing it. `scratch` receives the preamble's keys, if any. */
export async function checkAofFile(disk: Disk, path: string, scratch: () => Engine): Promise<AofCheck> {
  const size = (await disk.size(path)) ?? 0;
  const head = size >= 5 ? await disk.read(path, 0, 5) : new Uint8Array(0);
  let rdbBytes = 0;
  if (String.fromCharCode(...head) === 'REDIS') {
    try {
      rdbBytes = (await loadRdb(scratch(), readChunks(disk, path), { file: path, keepExpired: true })).bytes;
    } catch (e) {
      if (!(e instanceof LoadError)) throw e;
      return { size, okUpTo: 0, commands: 0, problem: { offset: e.offset, reason: `RDB preamble is not valid: ${e.reason}` }, rdbBytes: 0, fixable: false };
    }
  }
  let buf = new Uint8Array(0);
  let base = rdbBytes;
  let at = 0;
  let eof = false;
  let okUpTo = rdbBytes;
  let multi = 0;
  let commands = 0;
  let problem: AofCheck['problem'] = null;
  const chunks = readChunks(disk, path, rdbBytes)[Symbol.asyncIterator]();
  for (;;) {
    const step = scanStep(buf, at, eof);
    if (step.kind === 'more') {
      const next = await chunks.next();
      if (next.done) eof = true;
      else {
        const kept = buf.subarray(at);
        buf = new Uint8Array(kept.length + next.value.length);
        buf.set(kept);
        buf.set(next.value, kept.length);
        base += at;
        at = 0;
      }
      continue;
    }
    if (step.kind === 'end') break;
    if (step.kind === 'error') {
      problem = { offset: base + at, reason: step.reason };
      break;
    }
    if (step.kind === 'command') {
      if (step.name === 'multi' && multi++ > 0) {
        problem = { offset: base + at, reason: 'Unexpected MULTI' };
        break;
      }
      if (step.name === 'exec' && --multi !== 0) {
        problem = { offset: base + at, reason: 'Unexpected EXEC' };
        break;
      }
      commands++;
    }
    at = step.end;
    if (multi === 0) okUpTo = base + at;
  }
  if (multi > 0 && problem === null) problem = { offset: base + at, reason: 'Reached EOF before reading EXEC for MULTI' };
  return { size, okUpTo, commands, problem, rdbBytes, fixable: true };
}

type ScanStep = { kind: 'command'; name: string; end: number } | { kind: 'annotation'; end: number } | { kind: 'more' } | { kind: 'end' } | { kind: 'error'; reason: string };

/**
 * One command or annotation as redis-check-aof reads it, stricter than the loader: every length
 * line and every argument must end in CRLF.
 */
function scanStep(buf: Uint8Array, at: number, eof: boolean): ScanStep {
  if (at >= buf.length) return eof ? { kind: 'end' } : { kind: 'more' };
  if (buf[at] === 0x23) {
    const newline = buf.indexOf(0x0a, at);
    if (newline >= 0) return { kind: 'annotation', end: newline + 1 };
    return eof ? { kind: 'annotation', end: buf.length } : { kind: 'more' };
  }
  if (buf[at] !== 0x2a) return { kind: 'error', reason: 'AOF format error' };
  const argc = readLong(buf, at, 0x2a, eof);
  if (argc.kind !== 'ok') return argc;
  let cursor = argc.end;
  let name = '';
  for (let i = 0; i < argc.value; i++) {
    const len = readLong(buf, cursor, 0x24, eof);
    if (len.kind !== 'ok') return len;
    if (len.value < 0) return { kind: 'error', reason: `Expected to read string of ${len.value} bytes, which is not in the suitable range` };
    const dataEnd = len.end + len.value;
    if (dataEnd + 2 > buf.length) return eof ? { kind: 'error', reason: `Expected to read ${len.value + 2} bytes, got ${buf.length - len.end}` } : { kind: 'more' };
    if (buf[dataEnd] !== 0x0d || buf[dataEnd + 1] !== 0x0a) return { kind: 'error', reason: 'Expected \\r\\n after an argument' };
    // Only MULTI and EXEC matter to the check.
    if (i === 0 && len.value <= 5) name = String.fromCharCode(...buf.subarray(len.end, dataEnd)).toLowerCase();
    cursor = dataEnd + 2;
  }
  return { kind: 'command', name, end: cursor };
}

/** readLong: fgets, the prefix, strtol, then CRLF right after the digits. */
function readLong(buf: Uint8Array, at: number, prefix: number, eof: boolean): { kind: 'ok'; value: number; end: number } | { kind: 'more' } | { kind: 'error'; reason: string } {
  const limit = Math.min(buf.length, at + 127);
  let newline = -1;
  for (let i = at; i < limit; i++) {
    if (buf[i] === 0x0a) {
      newline = i;
      break;
    }
  }
  if (newline < 0 && limit === buf.length && !eof) return { kind: 'more' };
  if (at >= buf.length) return { kind: 'error', reason: 'Unexpected end of file' };
  if (buf[at] !== prefix) return { kind: 'error', reason: `Expected prefix '${String.fromCharCode(prefix)}', got: '${String.fromCharCode(buf[at]!)}'` };
  const lineEnd = newline < 0 ? limit : newline + 1;
  const text = String.fromCharCode(...buf.subarray(at + 1, lineEnd));
  const match = /^[ \t\n\v\f\r]*([+-]?[0-9]+)/.exec(text);
  const digitsEnd = match ? match[0].length : 0;
  if (text.slice(digitsEnd, digitsEnd + 2) !== '\r\n') return { kind: 'error', reason: 'Expected \\r\\n after a length' };
  return { kind: 'ok', value: match ? Number(match[1]) : 0, end: at + 1 + digitsEnd + 2 };
}

/** redis-check-aof --fix: cuts the file back to its valid part; returns the check it acted on. */
export async function fixAofFile(disk: Disk, path: string, scratch: () => Engine): Promise<AofCheck> {
  const check = await checkAofFile(disk, path, scratch);
  if (check.problem && check.fixable && check.okUpTo < check.size) {
    await disk.truncate(path, check.okUpTo);
    await disk.flush(path);
  }
  return check;
}
