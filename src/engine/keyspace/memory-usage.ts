// MEMORY USAGE as redis 7.0 computes it (object.c objectComputeSize + the key's sds + its
// dictEntry) on a 64-bit build with jemalloc, from the lab's value of a key. Where redis samples
// elements and extrapolates, this takes the expectation over all of them (MEMORY USAGE … SAMPLES 0).
import type { Bin } from '../bytes.js';
import { ListpackBuilder } from '../rdb/listpack.js';
import type { StreamValue } from './stream.js';
import { objectEncoding, RawString, SetValue, type RedisValue } from './values.js';
import { parseInt64, scoreText } from '../util/numbers.js';

// Struct sizes of redis 7.0 on x86-64.
const ROBJ = 16;
const DICT_ENTRY = 24;
const DICT = 56;
const QUICKLIST = 40;
const QUICKLIST_NODE = 40;
const ZSET = 16;
const ZSKIPLIST = 32;
/** A skiplist node without its levels (ele, score, backward), and one level (forward, span). */
const ZSKIPLIST_NODE = 24;
const ZSKIPLIST_LEVEL = 16;
const ZSKIPLIST_MAXLEVEL = 32;
const STREAM = 80;
const STREAM_ID = 16;
const STREAM_CG = 40;
const STREAM_NACK = 24;
const STREAM_CONSUMER = 24;
const RAX_NODE = 4;
/** Listpack header (total bytes, count) and end byte. */
const LISTPACK_EMPTY = 7;

/** jemalloc's size class for an allocation of `size` bytes (what zmalloc_size reports). */
export function allocSize(size: number): number {
  if (size <= 8) return 8;
  if (size <= 128) return (size + 15) & ~15;
  // Four classes per doubling: 160, 192, 224, 256, 320, 384 …
  const group = 2 ** Math.floor(Math.log2(size - 1));
  const step = group / 4;
  return Math.ceil(size / step) * step;
}

/** sdsZmallocSize of an sds made by sdsnewlen (header by length, bytes, NUL). */
export function sdsAllocSize(length: number): number {
  const header = length < 32 ? 1 : length < 256 ? 3 : length < 65536 ? 5 : 9;
  return allocSize(header + length + 1);
}

/** dictSlots after loading or growing to `size` entries: the next power of two, at least 4. */
function dictSlots(size: number): number {
  let slots = 4;
  while (slots < size) slots *= 2;
  return slots;
}


function listpackBytes(elements: Iterable<Bin>): number {
  let bytes = LISTPACK_EMPTY;
  for (const element of elements) bytes += ListpackBuilder.entrySize(element);
  return bytes;
}

/** Expected zmalloc_size of a skiplist node, its level drawn as zslRandomLevel draws it (p = 1/4). */
const SKIPLIST_NODE_BYTES = (() => {
  let expected = 0;
  let p = 0.75;
  for (let level = 1; level <= ZSKIPLIST_MAXLEVEL; level++, p /= 4) expected += p * allocSize(ZSKIPLIST_NODE + level * ZSKIPLIST_LEVEL);
  return expected;
})();

/**
 * streamRadixTreeMemoryUsage. Redis counts the rax's nodes, which a file does not record: a
 * rax of n 128-bit IDs has about 2n of them (one per key and one per branch), at least one.
 */
function raxBytes(elements: number): number {
  const nodes = Math.max(1, elements * 2);
  return elements * STREAM_ID + nodes * RAX_NODE + nodes * 8 * 30;
}

function streamBytes(stream: StreamValue): number {
  let bytes = ROBJ + STREAM + raxBytes(stream.nodes.length);
  for (const node of stream.nodes) bytes += allocSize(node.bytes);
  for (const group of stream.groups.values()) {
    bytes += STREAM_CG + raxBytes(group.pel.size) + STREAM_NACK * group.pel.size;
    for (const consumer of group.consumers.values()) bytes += STREAM_CONSUMER + sdsAllocSize(consumer.name.length) + raxBytes(consumer.pel.size);
  }
  return bytes;
}

/** objectComputeSize: the value's own memory. */
export function valueMemory(value: RedisValue): number {
  if (typeof value === 'string' || value instanceof RawString) {
    const encoding = objectEncoding(value);
    const length = value.length;
    if (encoding === 'int') return ROBJ;
    if (encoding === 'embstr') return allocSize(ROBJ + 3 + length + 1);
    return ROBJ + sdsAllocSize(length);
  }
  switch (value.type) {
    case 'list': {
      let bytes = ROBJ + QUICKLIST;
      for (const node of value.items.nodeList()) bytes += QUICKLIST_NODE + allocSize(node.sz);
      return bytes;
    }
    case 'hash': {
      if (value.encoding === 'listpack') {
        let bytes = LISTPACK_EMPTY;
        for (const [field, v] of value.fields) bytes += ListpackBuilder.entrySize(field) + ListpackBuilder.entrySize(v);
        return ROBJ + allocSize(bytes);
      }
      let bytes = ROBJ + DICT + 8 * dictSlots(value.fields.size);
      for (const [field, v] of value.fields) bytes += sdsAllocSize(field.length) + sdsAllocSize(v.length) + DICT_ENTRY;
      return bytes;
    }
    case 'set': {
      if (value.encoding === 'intset') {
        let width = 2;
        for (const member of value.members) {
          const n = parseInt64(member)!;
          if (n < -2147483648n || n > 2147483647n) width = 8;
          else if (width < 4 && (n < -32768n || n > 32767n)) width = 4;
        }
        return ROBJ + allocSize(8 + width * value.members.size);
      }
      let bytes = ROBJ + DICT + 8 * dictSlots(value.members.size);
      for (const member of value.members) bytes += sdsAllocSize(member.length) + DICT_ENTRY;
      return bytes;
    }
    case 'zset': {
      if (value.encoding === 'listpack') {
        const elements: Bin[] = [];
        for (const { member, score } of value.ordered()) elements.push(member, scoreText(score));
        return ROBJ + allocSize(listpackBytes(elements));
      }
      let bytes = ROBJ + ZSET + ZSKIPLIST + DICT + 8 * dictSlots(value.size) + allocSize(ZSKIPLIST_NODE + ZSKIPLIST_MAXLEVEL * ZSKIPLIST_LEVEL);
      for (const { member } of value.ordered()) bytes += sdsAllocSize(member.length) + DICT_ENTRY + SKIPLIST_NODE_BYTES;
      return Math.round(bytes);
    }
    case 'stream':
      return streamBytes(value);
  }
}

/**
 * A set redis 7.2+ keeps as a listpack (a file's RDB_TYPE_SET_LISTPACK): 7.2 object.c counts the
 * robj and zmalloc_size of the listpack, the members stored as lpAppend stores them.
 */
export function listpackSetMemory(members: Iterable<Bin>): number {
  return ROBJ + allocSize(listpackBytes(members));
}

/**
 * MEMORY USAGE key: the value, the key's sds and its dictEntry. `fileEncoding` 'listpack' sizes a
 * set as the listpack a 7.2 file says it is (the lab's own sets are intsets or hashtables).
 */
export function memoryUsage(key: Bin, value: RedisValue, fileEncoding?: 'listpack'): number {
  const own = fileEncoding === 'listpack' && value instanceof SetValue ? listpackSetMemory(value.members) : valueMemory(value);
  return own + sdsAllocSize(key.length) + DICT_ENTRY;
}

/**
 * What a key costs the allocator (its share of used_memory): MEMORY USAGE counts the dictEntry
 * as sizeof (24 B), jemalloc hands out 32.
 */
export function keyAllocated(key: Bin, value: RedisValue): number {
  return memoryUsage(key, value) + allocSize(DICT_ENTRY) - DICT_ENTRY;
}

/** A keyspace dict's bucket array (main or expires) for `size` entries; empty dicts have none. */
export function dictTableBytes(size: number): number {
  return size === 0 ? 0 : allocSize(8 * dictSlots(size));
}

/** An expires entry: a dictEntry pointing at the key's sds (shared with the main dict). */
export const EXPIRE_ENTRY_ALLOCATED = allocSize(DICT_ENTRY);

/** memoryStats' overhead.hashtable.main: entries, their robj headers and the bucket array. */
export function mainDictOverhead(size: number): number {
  return size * (DICT_ENTRY + ROBJ) + 8 * (size === 0 ? 0 : dictSlots(size));
}

/** memoryStats' overhead.hashtable.expires. */
export function expiresDictOverhead(size: number): number {
  return size * DICT_ENTRY + 8 * (size === 0 ? 0 : dictSlots(size));
}

/** How many elements a value holds (a string's length in bytes). */
export function elementCount(value: RedisValue): number {
  if (typeof value === 'string' || value instanceof RawString) return value.length;
  switch (value.type) {
    case 'list':
      return value.items.length;
    case 'hash':
      return value.fields.size;
    case 'set':
      return value.members.size;
    case 'zset':
      return value.size;
    case 'stream':
      return value.length;
  }
}


