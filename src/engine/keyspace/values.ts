// The value types of a key and the in-memory encoding Redis 7.0 would report for each.
// Encodings only ever convert one way (listpack → hashtable/skiplist, intset → hashtable),
// so each collection remembers its encoding instead of deriving it from its size.
import type { Bin } from '../bytes.js';
import { parseInt64 } from '../util/numbers.js';
import { DEFAULT_QUICKLIST_OPTIONS, Quicklist, type QuicklistOptions } from './quicklist.js';
import type { EncodingLimits } from './limits.js';
import { BinMap, BinSet, forEachPackedScored, hasDuplicate, PACKED_MAX_ENTRIES, packScored } from './packed.js';
import { RawString } from './raw-string.js';
import { StreamValue } from './stream.js';

export { StreamValue };

export { RawString };

/** A list is its quicklist: one object per key, not a wrapper and a list. */
export class ListValue extends Quicklist {
  // On the prototype, not in each of a million values.
  get type(): 'list' {
    return 'list';
  }

  /** The list itself, as the elements' container. */
  get items(): Quicklist {
    return this;
  }

  /**
   * A list of `items` with node sizes from `options` (a new list takes the configuration's
   * list-max-listpack-size and list-compress-depth; SORT … STORE takes the defaults).
   */
  constructor(items?: Iterable<Bin>, options: QuicklistOptions = DEFAULT_QUICKLIST_OPTIONS) {
    super(options, items);
  }

  override clone(): ListValue {
    return this.copyInto(new ListValue(undefined, { fill: this.fill, compress: this.compress }));
  }
}

/** The options redis gives a list it creates now (quicklistSetOptions from the configuration). */
export function listOptions(limits: EncodingLimits): QuicklistOptions {
  return { fill: limits.listMaxListpackSize, compress: limits.listCompressDepth };
}

/** A hash is its field map (packed while small): one object per key, not a wrapper and a map. */
export class HashValue extends BinMap {
  // On the prototype, not in each of a million values.
  get type(): 'hash' {
    return 'hash';
  }
  encoding: 'listpack' | 'hashtable' = 'listpack';

  /** The hash itself, as its fields and values. */
  get fields(): BinMap {
    return this;
  }

  /** Converts when an entry or the size passes the listpack limits. */
  fit(limits: EncodingLimits, values: readonly Bin[] = []): void {
    if (this.encoding === 'hashtable') return;
    if (this.fields.size > limits.hashMaxListpackEntries) this.encoding = 'hashtable';
    for (let i = 0; i < values.length; i++) if (values[i]!.length > limits.hashMaxListpackValue) this.encoding = 'hashtable';
  }
}

/** A set is its member set (packed while small): one object per key, not a wrapper and a set. */
export class SetValue extends BinSet {
  // On the prototype, not in each of a million values.
  get type(): 'set' {
    return 'set';
  }
  encoding: 'intset' | 'hashtable';

  /**
   * A new set is an intset when its first member is an integer, as setTypeCreate decides
   * (loaders set the encoding themselves).
   */
  constructor(firstMember?: Bin) {
    super();
    this.encoding = firstMember === undefined || parseInt64(firstMember) !== null ? 'intset' : 'hashtable';
  }

  /** The set itself, as its members. */
  get members(): BinSet {
    return this;
  }

  /** Adds and converts as setTypeAdd does. Returns whether the member was new. */
  addMember(member: Bin, limits: EncodingLimits): boolean {
    if (this.members.has(member)) return false;
    this.members.add(member);
    if (this.encoding === 'intset') {
      if (parseInt64(member) === null || this.members.size > limits.setMaxIntsetEntries) {
        this.encoding = 'hashtable';
      }
    }
    return true;
  }
}

export interface ZEntry {
  readonly member: Bin;
  score: number;
}

/** Order of a sorted set: by score, then by member bytes. */
export function compareZEntry(aScore: number, aMember: Bin, bScore: number, bMember: Bin): number {
  if (aScore !== bScore) return aScore < bScore ? -1 : 1;
  return aMember < bMember ? -1 : aMember > bMember ? 1 : 0;
}

export class ZSetValue {
  // On the prototype, not in each of a million values.
  get type(): 'zset' {
    return 'zset';
  }
  private table: { readonly scores: Map<Bin, number>; readonly sorted: ZEntry[] } | null;
  encoding: 'listpack' | 'skiplist' = 'listpack';

  /**
   * An empty set; fromPacked gives it `packed`, a sorted set loaded from a file, which stays one
   * packed string until a command touches it (no table is made for it meanwhile).
   */
  constructor(
    private packed: Bin | null = null,
    private packedCount = 0,
  ) {
    this.table = packed === null ? { scores: new Map(), sorted: [] } : null;
  }

  /**
   * A sorted set built in one pass (loading a file), with the encoding already decided; it
   * takes over the entry objects. A member given twice makes the set smaller than `entries`
   * (callers compare sizes to detect it; what it then holds is unspecified).
   */
  static fromEntries(entries: ZEntry[], encoding: 'listpack' | 'skiplist'): ZSetValue {
    const zset = new ZSetValue();
    zset.encoding = encoding;
    if (encoding === 'listpack' && zset.takePacked(entries)) return zset;
    let sorted = true;
    let descending = true;
    const scores = zset.scores;
    const inOrder = zset.sorted;
    for (let i = 0; i < entries.length; i++) {
      const entry = entries[i]!;
      // A listpack stores integral scores as integers, so -0 comes back as 0.
      if (encoding === 'listpack' && entry.score === 0) entry.score = 0;
      const before = scores.size;
      scores.set(entry.member, entry.score);
      if (scores.size === before) continue;
      const previous = inOrder[inOrder.length - 1];
      if (previous) {
        const order = compareZEntry(previous.score, previous.member, entry.score, entry.member);
        if (order > 0) sorted = false;
        else descending = false;
      }
      inOrder.push(entry);
    }
    // Redis writes listpack zsets in order and skiplist zsets (ZSET_2) in reverse order.
    if (sorted) return zset;
    if (descending) inOrder.reverse();
    else inOrder.sort((a, b) => compareZEntry(a.score, a.member, b.score, b.member));
    return zset;
  }

  /**
   * A sorted set loaded from a file over a string of `entries` (member, score) pairs as
   * packScored lays them out, already in order and without a repeated member: small ones are
   * kept so, big ones (a skiplist in redis) until a command touches them.
   */
  static fromPacked(packed: Bin, entries: number, encoding: 'listpack' | 'skiplist' = 'listpack'): ZSetValue {
    const zset = new ZSetValue(packed, entries);
    zset.encoding = encoding;
    return zset;
  }

  /** Holds `entries` packed when they are few and distinct; false leaves the set as it was. */
  private takePacked(entries: ZEntry[]): boolean {
    if (entries.length > PACKED_MAX_ENTRIES || hasDuplicate(entries.map((e) => e.member), 1)) return false;
    let inOrder = true;
    for (let i = 0; i < entries.length; i++) {
      const entry = entries[i]!;
      if (entry.score === 0) entry.score = 0;
      const previous = entries[i - 1];
      if (previous && compareZEntry(previous.score, previous.member, entry.score, entry.member) > 0) inOrder = false;
    }
    const ordered = inOrder ? entries : [...entries].sort((a, b) => compareZEntry(a.score, a.member, b.score, b.member));
    const packed = packScored(ordered);
    if (packed === null) return false;
    this.packed = packed;
    this.packedCount = entries.length;
    this.table = null;
    return true;
  }

  /** Whether the set is one packed string now (not yet touched by a command). */
  get isPacked(): boolean {
    return this.table === null;
  }

  /**
   * Packs a small set commands built into the string a loaded one is kept as (until a command
   * touches it again); a skiplist, or a set past the packed form's limits, stays as it is.
   */
  pack(): void {
    const table = this.table;
    if (table === null || this.encoding !== 'listpack') return;
    const packed = packScored(table.sorted);
    if (packed === null) return;
    this.packed = packed;
    this.packedCount = table.sorted.length;
    this.table = null;
  }

  /** Members to scores (unpacks a packed set: commands may change it). */
  get scores(): Map<Bin, number> {
    return (this.table ??= this.unpack()).scores;
  }

  /** Entries in (score, member) order; rank = index (unpacks a packed set). */
  get sorted(): ZEntry[] {
    return (this.table ??= this.unpack()).sorted;
  }

  /** The entries in order for a read-only walk (digest, save, rewrite): a packed set stays packed. */
  ordered(): readonly ZEntry[] {
    if (this.table) return this.table.sorted;
    const out: ZEntry[] = [];
    forEachPackedScored(this.packed!, (member, score) => out.push({ member, score }));
    return out;
  }

  get size(): number {
    return this.table ? this.table.sorted.length : this.packedCount;
  }

  private unpack(): { scores: Map<Bin, number>; sorted: ZEntry[] } {
    const sorted = this.ordered() as ZEntry[];
    const scores = new Map<Bin, number>();
    for (const { member, score } of sorted) scores.set(member, score);
    this.packed = null;
    return { scores, sorted };
  }

  /** Index of the first entry not less than (score, member). */
  lowerBound(score: number, member: Bin): number {
    let lo = 0;
    let hi = this.sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const e = this.sorted[mid]!;
      if (compareZEntry(e.score, e.member, score, member) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  rank(member: Bin): number | null {
    const score = this.scores.get(member);
    if (score === undefined) return null;
    return this.lowerBound(score, member);
  }

  /** Inserts or moves `member` to `score`; returns true if it was new. */
  set(member: Bin, score: number, limits: EncodingLimits): boolean {
    const old = this.scores.get(member);
    if (
      this.encoding === 'listpack' &&
      old === undefined &&
      (this.sorted.length + 1 > limits.zsetMaxListpackEntries || member.length > limits.zsetMaxListpackValue)
    ) {
      this.encoding = 'skiplist';
    }
    // A listpack stores scores as text with integral values as integers, so -0 comes back as 0.
    if (this.encoding === 'listpack' && score === 0) score = 0;
    if (old !== undefined) {
      if (Object.is(old, score)) return false;
      this.sorted.splice(this.lowerBound(old, member), 1);
    }
    this.scores.set(member, score);
    this.sorted.splice(this.lowerBound(score, member), 0, { member, score });
    return old === undefined;
  }

  delete(member: Bin): boolean {
    const score = this.scores.get(member);
    if (score === undefined) return false;
    this.sorted.splice(this.lowerBound(score, member), 1);
    this.scores.delete(member);
    return true;
  }
}

export type RedisValue = Bin | RawString | ListValue | HashValue | SetValue | ZSetValue | StreamValue;
/** A string value: both kinds have `length`, `charCodeAt` and `slice`, so readers need not care. */
export type StringValue = Bin | RawString;
export type TypeName = 'string' | 'list' | 'hash' | 'set' | 'zset' | 'stream';

export function typeOf(value: RedisValue): TypeName {
  return typeof value === 'string' || value instanceof RawString ? 'string' : value.type;
}

/** The bytes of a string value, or null when the value is not a string. */
export function stringBytes(value: RedisValue): Bin | null {
  if (typeof value === 'string') return value;
  if (value instanceof RawString) return value.value;
  return null;
}

/** OBJECT ENCODING as Redis 7.0 reports it under the value's current state. */
export function objectEncoding(value: RedisValue): string {
  if (value instanceof RawString) return value.encoding;
  if (typeof value === 'string') {
    if (value.length <= 20 && parseInt64(value) !== null) return 'int';
    return value.length <= 44 ? 'embstr' : 'raw';
  }
  if (value.type === 'list') return 'quicklist';
  if (value.type === 'stream') return 'stream';
  return value.encoding;
}

/** An estimate of the memory a value takes, for INFO and copy-on-write accounting. */
export function valueBytes(value: RedisValue): number {
  if (typeof value === 'string' || value instanceof RawString) return value.length;
  let bytes = 64;
  switch (value.type) {
    case 'list':
      for (const item of value.items) bytes += item.length + 11;
      break;
    case 'hash':
      for (const [f, v] of value.fields) bytes += f.length + v.length + (value.encoding === 'listpack' ? 4 : 40);
      break;
    case 'set':
      for (const m of value.members) bytes += m.length + (value.encoding === 'intset' ? 0 : 40);
      break;
    case 'zset':
      for (const { member } of value.ordered()) bytes += member.length + (value.encoding === 'listpack' ? 12 : 64);
      break;
    case 'stream':
      for (const node of value.nodes) bytes += node.bytes + 32;
      for (const group of value.groups.values()) bytes += 64 + group.pel.size * 48 + group.consumers.size * 64;
      break;
  }
  return bytes;
}
