// Offline keyspace analysis (for a live dataset or an uploaded production RDB): keys and memory
// (each key's MEMORY USAGE, as redis computes it) per type and per prefix, the biggest keys, and a
// page of keys matching a prefix.
import { binToText, type Bin } from '../bytes.js';
import type { Database } from './database.js';
import { memoryUsage } from './memory-usage.js';
import { objectEncoding, typeOf, type TypeName } from './values.js';

export interface KeyInfo {
  db: number;
  /** As text when it is UTF-8, else escaped like redis-cli. */
  key: string;
  type: TypeName;
  encoding: string;
  bytes: number;
}

export interface KeyspaceSummary {
  /** Keys of the person's data, over every database. */
  keys: number;
  /** The host's own bookkeeping keys (not in any other count). */
  own: number;
  /** Keys per database, for those that have any (DBSIZE of each). */
  byDb: { db: number; keys: number }[];
  byType: Record<TypeName, { keys: number; bytes: number }>;
  /** The part before the first ':' (or the whole key), by memory, the largest first. */
  byPrefix: { prefix: string; keys: number; bytes: number }[];
  biggest: KeyInfo[];
  /** Keys starting with the filter, at most `limit`. */
  matching: KeyInfo[];
  matchingTotal: number;
}

function show(key: Bin): string {
  return binToText(key) ?? JSON.stringify(key).slice(1, -1);
}

/**
 * `own`: keys that are the host's bookkeeping, not the person's data (the lab's workload
 * counter): counted apart, left out of everything else.
 */
export function summarizeKeyspace(dbs: readonly Database[], options: { prefix?: string; limit?: number; top?: number; own?: readonly Bin[] } = {}): KeyspaceSummary {
  const limit = options.limit ?? 100;
  const top = options.top ?? 20;
  const filter = options.prefix ?? '';
  const byType = { string: { keys: 0, bytes: 0 }, list: { keys: 0, bytes: 0 }, hash: { keys: 0, bytes: 0 }, set: { keys: 0, bytes: 0 }, zset: { keys: 0, bytes: 0 }, stream: { keys: 0, bytes: 0 } };
  const prefixes = new Map<string, { keys: number; bytes: number }>();
  const biggest: KeyInfo[] = [];
  const matching: KeyInfo[] = [];
  let matchingTotal = 0;
  let keys = 0;
  let own = 0;
  const byDb: { db: number; keys: number }[] = [];
  for (const db of dbs) {
    if (db.size > 0) byDb.push({ db: db.id, keys: db.size });
    for (const [key, value] of db.dict) {
      if (db.id === 0 && options.own?.includes(key)) {
        own++;
        continue;
      }
      keys++;
      const bytes = memoryUsage(key, value);
      const type = typeOf(value);
      byType[type].keys++;
      byType[type].bytes += bytes;
      const cut = key.indexOf(':');
      const prefix = show(cut < 0 ? key : key.slice(0, cut));
      const entry = prefixes.get(prefix) ?? { keys: 0, bytes: 0 };
      entry.keys++;
      entry.bytes += bytes;
      prefixes.set(prefix, entry);
      const info = (): KeyInfo => ({ db: db.id, key: show(key), type, encoding: objectEncoding(value), bytes });
      if (biggest.length < top || bytes > biggest[biggest.length - 1]!.bytes) {
        biggest.push(info());
        biggest.sort((a, b) => b.bytes - a.bytes);
        if (biggest.length > top) biggest.pop();
      }
      if (key.startsWith(filter)) {
        matchingTotal++;
        if (matching.length < limit) matching.push(info());
      }
    }
  }
  const byPrefix = [...prefixes].map(([prefix, v]) => ({ prefix, ...v })).sort((a, b) => b.bytes - a.bytes).slice(0, top);
  return { keys, own, byDb, byType, byPrefix, biggest, matching, matchingTotal };
}
