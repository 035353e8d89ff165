// The SCAN family's shared parts: argument parsing with Redis's errors, and Redis's cursor: a
// bucket index of a power-of-two table, advanced in reversed-bit order (dictScan), over a stable
// hash of the bytes. That keeps SCAN's guarantee (an element present for the whole iteration is
// returned at least once) while the collection grows or shrinks, and any cursor a client makes up
// means what it means to redis (all ones: the last bucket, then 0).
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

/**
 * parseScanCursorOrReply: strtoul over the whole argument, no leading blank, no overflow (a sign
 * wraps around). Only the low 32 bits are kept: no table mask is wider.
 */
export function parseCursor(arg: Bin): number {
  if (arg === '') return 0;
  const m = /^([+-]?)([0-9]+)$/.exec(arg);
  if (!m) fail(ERR.invalidCursor);
  const magnitude = BigInt(m[2]!);
  if (magnitude > UNSIGNED_LONG_MAX) fail(ERR.invalidCursor);
  const value = m[1] === '-' && magnitude !== 0n ? UNSIGNED_LONG_MAX + 1n - magnitude : magnitude;
  return Number(value & 0xffffffffn);
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

/** A 32-bit FNV-1a of the bytes: the lab's stand-in for redis's seeded siphash. */
export function scanHash(s: Bin): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** The size redis's dict has for `n` entries when it only grew: 4 at least, then powers of two. */
function tableSize(n: number): number {
  let size = 4;
  while (size < n) size *= 2;
  return size;
}

function reverseBits(v: number): number {
  v = ((v >>> 1) & 0x55555555) | ((v & 0x55555555) << 1);
  v = ((v >>> 2) & 0x33333333) | ((v & 0x33333333) << 2);
  v = ((v >>> 4) & 0x0f0f0f0f) | ((v & 0x0f0f0f0f) << 4);
  v = ((v >>> 8) & 0x00ff00ff) | ((v & 0x00ff00ff) << 8);
  return ((v >>> 16) | (v << 16)) >>> 0;
}

/** dictScan's step: the next bucket in reversed-bit order, 0 after the last. */
function nextCursor(cursor: number, mask: number): number {
  return reverseBits((reverseBits((cursor | ~mask) >>> 0) + 1) >>> 0);
}

/**
 * One page of a scan (scanGenericCommand over dictScan): buckets from `cursor` on until `count`
 * elements are collected (whole buckets), at most count * 10 more buckets are visited, or the
 * table is done; and the cursor to continue from (0 when done). `count` Infinity: everything at
 * once, as for Redis's compact encodings.
 */
export function scanItems<T>(items: Iterable<T>, keyOf: (item: T) => Bin, cursor: number, count: number): { next: number; page: T[] } {
  const all = [...items];
  if (count === Infinity) return { next: 0, page: all };
  const mask = tableSize(all.length) - 1;
  const buckets = new Map<number, T[]>();
  for (const item of all) {
    const bucket = scanHash(keyOf(item)) & mask;
    const list = buckets.get(bucket);
    if (list) list.push(item);
    else buckets.set(bucket, [item]);
  }
  const page: T[] = [];
  let next = cursor >>> 0;
  let iterations = count * 10;
  do {
    page.push(...(buckets.get(next & mask) ?? []));
    next = nextCursor(next, mask);
  } while (next !== 0 && iterations-- > 0 && page.length < count);
  return { next, page };
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
