// The file inspector: a Redis file (RDB, AOF, or an AOF with an RDB preamble) as a list of
// records — byte offset, length, the first bytes in hex and what they mean — so a person can
// read a real file side by side with its bytes.
import { AofCommandReader } from './aof/command-reader.js';
import { quoteRepr } from './resp/repr.js';
import { Engine } from './engine.js';
import type { Clock } from './clock.js';
import { LoadError } from './load-error.js';
import { loadRdb } from './rdb/reader.js';

export interface InspectedRecord {
  offset: number;
  length: number;
  /** Up to 24 bytes, as hex pairs. */
  hex: string;
  what: string;
}

export interface Inspection {
  format: 'rdb' | 'aof' | 'rdb+aof' | 'manifest' | 'empty';
  records: InspectedRecord[];
  /** Records beyond the limit that were not listed. */
  more: number;
  /** Where and why the file stops making sense, if it does. */
  problem: string | null;
}

const HEX_BYTES = 24;

function hexOf(bytes: Uint8Array, start: number, end: number): string {
  const out: string[] = [];
  for (let i = start; i < Math.min(end, start + HEX_BYTES); i++) out.push(bytes[i]!.toString(16).padStart(2, '0'));
  return out.join(' ') + (end - start > HEX_BYTES ? ' …' : '');
}

/**
 * The file's records from record number `from` (0-based), at most `limit` of them; `more` counts
 * those after the page. A page is found by reading from the start, so any page of any file can
 * be asked for.
 */
export async function inspectFile(bytes: Uint8Array, clock: Clock, limit = 500, from = 0): Promise<Inspection> {
  const records: InspectedRecord[] = [];
  let more = 0;
  let seen = 0;
  const add = (start: number, end: number, what: string) => {
    if (seen++ < from) return;
    if (records.length < limit) records.push({ offset: start, length: end - start, hex: hexOf(bytes, start, end), what });
    else more++;
  };
  if (bytes.length === 0) return { format: 'empty', records, more, problem: null };
  if (isManifest(bytes)) {
    // An AOF manifest is text: one line per file, with its name, sequence and type.
    let start = 0;
    while (start < bytes.length) {
      let end = bytes.indexOf(0x0a, start);
      end = end < 0 ? bytes.length : end + 1;
      const line = String.fromCharCode(...bytes.subarray(start, end)).replace(/\r?\n$/, '');
      add(start, end, manifestLine(line));
      start = end;
    }
    return { format: 'manifest', records, more, problem: null };
  }
  let respStart = 0;
  let format: Inspection['format'] = 'aof';
  if (String.fromCharCode(...bytes.subarray(0, 5)) === 'REDIS') {
    format = 'rdb';
    try {
      async function* all() {
        yield bytes;
      }
      const report = await loadRdb(new Engine({ clock }), all(), { file: 'inspected', keepExpired: true, onRecord: add });
      respStart = report.bytes;
    } catch (e) {
      if (e instanceof LoadError) return { format, records, more, problem: `byte ${e.offset}: ${e.reason}` };
      throw e;
    }
    if (respStart >= bytes.length) return { format, records, more, problem: null };
    format = 'rdb+aof';
  }
  const reader = new AofCommandReader(respStart);
  reader.push(bytes.subarray(respStart));
  reader.finish();
  for (;;) {
    const result = reader.next();
    if (result.kind === 'command') {
      const shown = result.argv.slice(0, 6).map((a) => quoteRepr(a.length > 40 ? `${a.slice(0, 40)}…` : a));
      add(result.start, result.end, `${shown.join(' ')}${result.argv.length > 6 ? ` … (${result.argv.length} arguments)` : ''}`);
    } else if (result.kind === 'truncated') {
      add(result.offset, bytes.length, 'a command cut short (a torn tail: loading truncates it here)');
      return { format, records, more, problem: `byte ${result.offset}: the file ends in the middle of a command` };
    } else if (result.kind === 'format-error') {
      return { format, records, more, problem: `byte ${result.offset}: ${result.reason}` };
    } else return { format, records, more, problem: null };
  }
}

/** A manifest starts with "file " (redis 7.0 writes nothing else in it). */
function isManifest(bytes: Uint8Array): boolean {
  return String.fromCharCode(...bytes.subarray(0, 5)) === 'file ';
}

const FILE_TYPES: Record<string, string> = { b: 'the base', i: 'an incr file', h: 'history (to be deleted)' };

/** "file appendonly.aof.1.base.rdb seq 1 type b" → what it says. */
function manifestLine(line: string): string {
  const fields = new Map<string, string>();
  const words = line.split(' ');
  for (let i = 0; i + 1 < words.length; i += 2) fields.set(words[i]!, words[i + 1]!);
  const name = fields.get('file');
  if (!name) return quoteRepr(line);
  return `${quoteRepr(line)}: ${FILE_TYPES[fields.get('type') ?? ''] ?? 'a file'} ${name}, sequence ${fields.get('seq') ?? '?'}`;
}
