// Tallies a keyspace one key at a time, keeping only totals, a bounded prefix tree and the top
// keys, so that what it holds does not grow with the number of keys it has seen: the CLI's
// `analyze` and the page's Analyze mode feed it from a file being read in chunks.
import type { Bin } from '../bytes.js';
import { objectEncoding, typeOf, type RedisValue, type TypeName } from '../keyspace/values.js';
import { elementCount, memoryUsage } from '../keyspace/memory-usage.js';
import type { NewerKeyInfo } from '../rdb/reader.js';

export interface AnalyzeOptions {
  /** Splits keys into prefix segments (default ':'). */
  separator?: Bin;
  /** Prefix levels kept (default 3). */
  depth?: number;
  /** Distinct prefixes kept; keys under newer ones are counted as `prefixOverflow` (default 10,000). */
  maxPrefixes?: number;
  /** How many of the biggest keys to list (default 20). */
  top?: number;
  /** Only keys starting with this. */
  prefix?: Bin;
  type?: TypeName;
  db?: number;
  /** Unix ms that TTLs are measured from. */
  now: number;
}

export interface Tally {
  keys: number;
  /** Bytes as MEMORY USAGE counts them. */
  bytes: number;
}

export interface BigKey {
  db: number;
  key: Bin;
  type: TypeName;
  encoding: string;
  bytes: number;
  elements: number;
  /** Milliseconds left (negative: already past), or null without an expiry. */
  ttlMs: number | null;
}

export interface Bucket extends Tally {
  /** What the bucket holds, e.g. '<= 1 h' or '<= 100'. */
  label: string;
}

export interface AnalysisReport {
  /** Keys and bytes that passed the filters. */
  total: Tally;
  /** Keys the filters left out. */
  skipped: number;
  separator: Bin;
  byType: Record<string, Tally>;
  /** Keyed 'type/encoding' (listpack is both a hash's and a sorted set's). */
  byEncoding: Record<string, Tally>;
  byDb: Record<string, Tally & { withExpiry: number }>;
  /** Prefixes ending in the separator, biggest first. */
  prefixes: (Tally & { prefix: Bin; depth: number })[];
  /** Keys whose prefix came after the prefix limit was reached, and keys without a separator. */
  prefixOverflow: Tally;
  noPrefix: Tally;
  biggest: BigKey[];
  /** TTL-less keys, then keys by time left. */
  expiry: { none: Tally; buckets: Bucket[] };
  /** Per type: keys by element count (a string's by its length in bytes). */
  elements: Record<string, Bucket[]>;
  /**
   * Hashes whose fields have TTLs (Redis 7.4 hash field expiration, RDB 12): their fields are
   * counted and sized as a plain hash's; the TTLs themselves are not analysed.
   */
  fieldTtls: { keys: number; fields: number };
}

const TTL_BUCKETS: [number, string][] = [
  [0, 'expired'],
  [60_000, '<= 1 min'],
  [3_600_000, '<= 1 h'],
  [86_400_000, '<= 1 day'],
  [7 * 86_400_000, '<= 7 days'],
  [30 * 86_400_000, '<= 30 days'],
  [Infinity, '> 30 days'],
];

const COUNT_BUCKETS: [number, string][] = [
  [1, '1'],
  [10, '<= 10'],
  [100, '<= 100'],
  [1_000, '<= 1,000'],
  [10_000, '<= 10,000'],
  [100_000, '<= 100,000'],
  [Infinity, '> 100,000'],
];

function bucketIndex(value: number, buckets: [number, string][]): number {
  let i = 0;
  while (value > buckets[i]![0]) i++;
  return i;
}

function newBuckets(buckets: [number, string][]): Bucket[] {
  return buckets.map(([, label]) => ({ label, keys: 0, bytes: 0 }));
}

function add(tally: Tally, bytes: number): void {
  tally.keys++;
  tally.bytes += bytes;
}

export class KeyspaceAnalyzer {
  private readonly separator: Bin;
  private readonly depth: number;
  private readonly maxPrefixes: number;
  private readonly top: number;
  private readonly total: Tally = { keys: 0, bytes: 0 };
  private skipped = 0;
  private readonly byType = new Map<string, Tally>();
  /** Per type, per encoding (nested: a 'type/encoding' string per key would cost more than the tally). */
  private readonly byEncoding = new Map<string, Map<string, Tally>>();
  private readonly byDb = new Map<number, Tally & { withExpiry: number }>();
  private readonly prefixes = new Map<Bin, Tally & { depth: number }>();
  private readonly prefixOverflow: Tally = { keys: 0, bytes: 0 };
  private readonly noPrefix: Tally = { keys: 0, bytes: 0 };
  /** The biggest keys so far, and the index of the smallest of them once the list is full. */
  private readonly biggest: BigKey[] = [];
  private smallest = -1;
  private readonly noExpiry: Tally = { keys: 0, bytes: 0 };
  private readonly ttl = newBuckets(TTL_BUCKETS);
  private readonly elements = new Map<string, Bucket[]>();
  private readonly fieldTtls = { keys: 0, fields: 0 };

  constructor(private readonly options: AnalyzeOptions) {
    this.separator = options.separator ?? ':';
    this.depth = options.depth ?? 3;
    this.maxPrefixes = options.maxPrefixes ?? 10_000;
    this.top = options.top ?? 20;
    if (this.separator.length === 0) throw new Error('the prefix separator cannot be empty');
  }

  /** `newer`: what a 7.2/7.4 file says beyond the value (a set's listpack encoding, field TTLs). */
  add(db: number, key: Bin, value: RedisValue, expire: number | bigint | null, newer?: NewerKeyInfo): void {
    const o = this.options;
    const type = typeOf(value);
    if ((o.db !== undefined && db !== o.db) || (o.type !== undefined && type !== o.type) || (o.prefix !== undefined && !key.startsWith(o.prefix))) {
      this.skipped++;
      return;
    }
    const bytes = memoryUsage(key, value, newer?.encoding);
    const encoding = newer?.encoding ?? objectEncoding(value);
    if (newer?.fieldTtls) {
      this.fieldTtls.keys++;
      this.fieldTtls.fields += newer.fieldTtls;
    }
    const elements = elementCount(value);
    add(this.total, bytes);
    add(tallyOf(this.byType, type), bytes);
    let encodings = this.byEncoding.get(type);
    if (!encodings) this.byEncoding.set(type, (encodings = new Map()));
    add(tallyOf(encodings, encoding), bytes);
    let perDb = this.byDb.get(db);
    if (!perDb) this.byDb.set(db, (perDb = { keys: 0, bytes: 0, withExpiry: 0 }));
    add(perDb, bytes);
    let ttlMs: number | null = null;
    if (expire === null) add(this.noExpiry, bytes);
    else {
      perDb.withExpiry++;
      ttlMs = Number(expire) - o.now;
      add(this.ttl[bucketIndex(ttlMs, TTL_BUCKETS)]!, bytes);
    }
    let counts = this.elements.get(type);
    if (!counts) this.elements.set(type, (counts = newBuckets(COUNT_BUCKETS)));
    add(counts[bucketIndex(elements, COUNT_BUCKETS)]!, bytes);
    this.addPrefixes(key, bytes);
    this.considerBiggest(db, key, type, encoding, bytes, elements, ttlMs);
  }

  private addPrefixes(key: Bin, bytes: number): void {
    const sep = this.separator;
    let end = key.indexOf(sep);
    if (end < 0) {
      add(this.noPrefix, bytes);
      return;
    }
    for (let depth = 1; depth <= this.depth && end >= 0; depth++) {
      const prefix = key.slice(0, end + sep.length);
      let tally = this.prefixes.get(prefix);
      if (!tally) {
        if (this.prefixes.size >= this.maxPrefixes) {
          add(this.prefixOverflow, bytes);
          return;
        }
        this.prefixes.set(prefix, (tally = { keys: 0, bytes: 0, depth }));
      }
      add(tally, bytes);
      end = key.indexOf(sep, end + sep.length);
    }
  }

  private considerBiggest(db: number, key: Bin, type: TypeName, encoding: string, bytes: number, elements: number, ttlMs: number | null): void {
    if (this.top === 0) return;
    const list = this.biggest;
    if (list.length === this.top) {
      if (bytes <= list[this.smallest]!.bytes) return;
      list[this.smallest] = { db, key, type, encoding, bytes, elements, ttlMs };
    } else {
      list.push({ db, key, type, encoding, bytes, elements, ttlMs });
      if (list.length < this.top) return;
    }
    this.smallest = 0;
    for (let i = 1; i < list.length; i++) if (list[i]!.bytes < list[this.smallest]!.bytes) this.smallest = i;
  }

  report(): AnalysisReport {
    const byBytes = (a: { bytes: number }, b: { bytes: number }) => b.bytes - a.bytes;
    return {
      total: { ...this.total },
      skipped: this.skipped,
      separator: this.separator,
      byType: Object.fromEntries([...this.byType].sort((a, b) => byBytes(a[1], b[1])).map(([k, t]) => [k, { ...t }])),
      byEncoding: Object.fromEntries(
        [...this.byEncoding]
          .flatMap(([type, encodings]) => [...encodings].map(([encoding, t]): [string, Tally] => [`${type}/${encoding}`, { ...t }]))
          .sort((a, b) => byBytes(a[1], b[1])),
      ),
      byDb: Object.fromEntries([...this.byDb].sort((a, b) => a[0] - b[0]).map(([k, t]) => [String(k), { ...t }])),
      prefixes: [...this.prefixes].map(([prefix, t]) => ({ prefix, ...t })).sort(byBytes),
      prefixOverflow: { ...this.prefixOverflow },
      noPrefix: { ...this.noPrefix },
      biggest: [...this.biggest].sort(byBytes),
      expiry: { none: { ...this.noExpiry }, buckets: this.ttl.map((b) => ({ ...b })) },
      elements: Object.fromEntries([...this.elements].map(([type, buckets]) => [type, buckets.map((b) => ({ ...b }))])),
      fieldTtls: { ...this.fieldTtls },
    };
  }
}

function tallyOf(map: Map<string, Tally>, name: string): Tally {
  let tally = map.get(name);
  if (!tally) map.set(name, (tally = { keys: 0, bytes: 0 }));
  return tally;
}
