// WATCH (multi.c): per database, the clients watching each key. A write that modifies a watched
// key (signalModifiedKey), a flush or SWAPDB (touchAllWatchedKeysInDb) marks its watchers dirty,
// so their next EXEC fails; a key already expired when watched counts as absent.
import type { Bin } from './bytes.js';
import type { CommandSpec } from './commands/types.js';
import type { Client } from './engine.js';
import type { Database } from './keyspace/database.js';
import { parseIntArg } from './util/numbers.js';

/** One key a client watches (watchedKey). */
export interface WatchedKey {
  readonly db: number;
  readonly key: Bin;
  readonly client: Client;
  /** The key had expired (but was not yet deleted) when WATCH ran. */
  expired: boolean;
}

/** Where a command's keys sit in its argv, when its key spec does not say (or says too much). */
const WRITTEN_KEYS: Readonly<Record<string, (argv: readonly Bin[]) => readonly Bin[]>> = {
  // The *STORE commands write only their destination.
  sinterstore: (argv) => [argv[1]!],
  sunionstore: (argv) => [argv[1]!],
  sdiffstore: (argv) => [argv[1]!],
  zrangestore: (argv) => [argv[1]!],
  lmpop: (argv) => numkeysKeys(argv, 1),
  zmpop: (argv) => numkeysKeys(argv, 1),
  blmpop: (argv) => numkeysKeys(argv, 2),
  bzmpop: (argv) => numkeysKeys(argv, 2),
  xreadgroup: (argv) => {
    const at = argv.findIndex((a, i) => i > 0 && a.toLowerCase() === 'streams');
    if (at < 0) return [];
    const rest = argv.slice(at + 1);
    return rest.slice(0, Math.floor(rest.length / 2));
  },
};

function numkeysKeys(argv: readonly Bin[], at: number): readonly Bin[] {
  const n = parseIntArg(argv[at] ?? '');
  return n === null || n <= 0 ? [] : argv.slice(at + 1, at + 1 + n);
}

/** The keys a write command names as keys (its key spec), for signalModifiedKey. */
function writtenKeys(spec: CommandSpec, argv: readonly Bin[]): readonly Bin[] {
  const special = WRITTEN_KEYS[spec.name];
  if (special) return special(argv);
  if (!spec.keys) return [];
  const [first, lastSpec, step] = spec.keys;
  const last = lastSpec < 0 ? argv.length + lastSpec : lastSpec;
  const keys: Bin[] = [];
  for (let i = first; i <= last && i < argv.length; i += step) keys.push(argv[i]!);
  return keys;
}

export class WatchRegistry {
  /** Per database index, the watchers of each key. */
  private readonly byDb = new Map<number, Map<Bin, WatchedKey[]>>();
  private count = 0;

  /** keyIsExpired, as the engine decides it now. */
  constructor(private readonly isExpired: (db: Database, key: Bin) => boolean) {}

  /** Whether anybody watches anything: when not, writes cost nothing here. */
  get active(): boolean {
    return this.count > 0;
  }

  /** watchForKey: a key is watched once per client and database. */
  watch(client: Client, db: Database, key: Bin): void {
    if (client.watched.some((wk) => wk.db === db.id && wk.key === key)) return;
    const wk: WatchedKey = { db: db.id, key, client, expired: this.isExpired(db, key) };
    let keys = this.byDb.get(db.id);
    if (!keys) this.byDb.set(db.id, (keys = new Map()));
    const watchers = keys.get(key);
    if (watchers) watchers.push(wk);
    else keys.set(key, [wk]);
    client.watched.push(wk);
    this.count++;
  }

  unwatchAll(client: Client): void {
    for (const wk of client.watched) {
      const keys = this.byDb.get(wk.db)!;
      const watchers = keys.get(wk.key)!;
      watchers.splice(watchers.indexOf(wk), 1);
      if (watchers.length === 0) keys.delete(wk.key);
      this.count--;
    }
    client.watched = [];
  }

  /** isWatchedKeyExpired: EXEC fails when a key that was alive when watched has expired since. */
  anyExpired(client: Client, dbs: readonly Database[]): boolean {
    return client.watched.some((wk) => !wk.expired && this.isExpired(dbs[wk.db]!, wk.key));
  }

  /** signalModifiedKey → touchWatchedKey. */
  touch(db: Database, key: Bin): void {
    const watchers = this.byDb.get(db.id)?.get(key);
    if (!watchers) return;
    for (const wk of [...watchers]) {
      if (wk.expired) {
        // An expired key that is now deleted did not logically change.
        if (!db.dict.has(key)) {
          wk.expired = false;
          continue;
        }
        // Redis leaves the loop here: the remaining watchers are not marked either.
        break;
      }
      wk.client.dirtyCas = true;
      // Dirty already: nothing it watches matters any more.
      this.unwatchAll(wk.client);
    }
  }

  /** The keys of a write command that changed the dataset, as its implementation signals them. */
  touchCommand(client: Client, dbs: readonly Database[], spec: CommandSpec, argv: readonly Bin[]): void {
    const db = dbs[client.db]!;
    if (spec.name === 'move') {
      const target = dbs[Number(argv[2])];
      this.touch(db, argv[1]!);
      if (target) this.touch(target, argv[1]!);
      return;
    }
    if (spec.name === 'copy') {
      const at = argv.findIndex((a, i) => i > 2 && a.toLowerCase() === 'db');
      this.touch(at > 0 ? (dbs[Number(argv[at + 1])] ?? db) : db, argv[2]!);
      return;
    }
    for (const key of writtenKeys(spec, argv)) this.touch(db, key);
  }

  /**
   * touchAllWatchedKeysInDb for FLUSHDB/FLUSHALL (`replacedWith` null) and SWAPDB, before the
   * contents change: a watched key changes if it exists on either side, unless it is stale
   * and stays stale or absent.
   */
  touchAllInDb(emptied: Database, replacedWith: Database | null): void {
    const keys = this.byDb.get(emptied.id);
    if (!keys) return;
    for (const [key, watchers] of [...keys]) {
      const existsInEmptied = emptied.dict.has(key);
      const existsInReplacement = replacedWith !== null && replacedWith.dict.has(key);
      if (!existsInEmptied && !existsInReplacement) continue;
      for (const wk of [...watchers]) {
        if (wk.expired) {
          if (!existsInReplacement) {
            wk.expired = false;
            continue;
          }
          if (this.isExpired(replacedWith!, key)) continue;
        } else if (!existsInEmptied && this.isExpired(replacedWith!, key)) {
          wk.expired = true;
          continue;
        }
        wk.client.dirtyCas = true;
      }
    }
  }
}
