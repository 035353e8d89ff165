// The SCAN family's shared parts: argument parsing with Redis's errors, and a cursor that keeps
// SCAN's guarantee (an element present for the whole iteration is returned at least once) while
// the collection changes, by walking elements in the order of a stable hash of their bytes.
import type { Bin } from '../bytes.js';
import { ERR } from '../errors.js';
import { array, bulk, bulkArray, type Reply } from '../resp/reply.js';
import { parseIntArg } from '../util/numbers.js';
import { fail } from './types.js';

export interface ScanOptions {
  cursor: number;
  count: number;
  match: Bin | null;
  type: Bin | null;
}

const UNSIGNED_LONG_MAX = 2n ** 64n - 1n;

/** strtoul over the whole argument, as parseScanCursorOrReply accepts it (sign wraps around). */
export function parseCursor(arg: Bin): number {
  const m = /^[ \t\n\v\f\r]*([+-]?)([0-9]+)$/.exec(arg);
  if (arg === '') return 0;
  if (!m) fail(ERR.invalidCursor);
  const magnitude = BigInt(m[2]!);
  if (magnitude > UNSIGNED_LONG_MAX) fail(ERR.invalidCursor);
  const value = m[1] === '-' && magnitude !== 0n ? UNSIGNED_LONG_MAX + 1n - magnitude : magnitude;
  return Number(value);
}

/** Parses `cursor [MATCH pattern] [COUNT n] [TYPE t]` starting at argv[cursorIndex]. */
export function parseScan(argv: readonly Bin[], cursorIndex: number, options: { allowType: boolean }): ScanOptions {
  return parseScanOptions(argv, cursorIndex, parseCursor(argv[cursorIndex]!), options);
}

/**
 * The options after the cursor. HSCAN, SSCAN and ZSCAN parse them only once the key is known
 * to exist with the right type, so a missing key answers an empty scan whatever follows.
 */
export function parseScanOptions(argv: readonly Bin[], cursorIndex: number, cursor: number, options: { allowType: boolean }): ScanOptions {
  const result: ScanOptions = { cursor, count: 10, match: null, type: null };
  for (let i = cursorIndex + 1; i < argv.length; i += 2) {
    const option = argv[i]!.toLowerCase();
    const value = argv[i + 1];
    if (value === undefined) fail(ERR.syntax);
    if (option === 'count') {
      const count = parseIntArg(value);
      if (count === null) fail(ERR.notInteger);
      if (count < 1) fail(ERR.syntax);
      result.count = count;
    } else if (option === 'match') {
      // A lone '*' matches everything, so Redis skips matching (even the empty key).
      result.match = value === '*' ? null : value;
    } else if (option === 'type' && options.allowType) {
      result.type = value;
    } else {
      fail(ERR.syntax);
    }
  }
  return result;
}

/** A 31-bit FNV-1a of the bytes, plus one so that cursor 0 always means "from the start". */
export function scanHash(s: Bin): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 1) + 1;
}

/**
 * One page of a hash-ordered walk: the `count` elements (more on hash ties) whose hash is at
 * least `cursor`, and the cursor to continue from (0 when the walk is complete).
 */
export function scanItems<T>(items: Iterable<T>, keyOf: (item: T) => Bin, cursor: number, count: number): { next: number; page: T[] } {
  const candidates: { hash: number; item: T }[] = [];
  for (const item of items) {
    const hash = scanHash(keyOf(item));
    if (hash >= cursor) candidates.push({ hash, item });
  }
  if (candidates.length <= count) return { next: 0, page: candidates.map((c) => c.item) };
  candidates.sort((a, b) => a.hash - b.hash);
  let end = count;
  const lastHash = candidates[end - 1]!.hash;
  while (end < candidates.length && candidates[end]!.hash === lastHash) end++;
  return { next: end < candidates.length ? lastHash + 1 : 0, page: candidates.slice(0, end).map((c) => c.item) };
}

/** The element scan of one key: cursor, then the key and its type, then the options. */
export function collectionScan<T>(
  argv: readonly Bin[],
  lookup: () => T | undefined,
  scan: (value: T, options: ScanOptions) => Reply,
): Reply {
  const cursor = parseCursor(argv[2]!);
  const value = lookup();
  if (value === undefined) return scanReply(0, []);
  return scan(value, parseScanOptions(argv, 2, cursor, { allowType: false }));
}

export function scanReply(next: number, elements: readonly Bin[]): Reply {
  return array([bulk(String(next)), bulkArray(elements)]);
}
