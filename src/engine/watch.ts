// WATCH's bookkeeping as multi.c keeps it: which clients watch which key of which database, and
// the rules that make their EXEC fail: a touched key (any client's write, this client's
// included; expiry and eviction too), FLUSHDB/FLUSHALL/SWAPDB reaching a watched key, and a key
// that expired since it was watched. A key that was already expired when watched is "expired"
// and its deletion is no change (7.0's wk->expired flag, quirks included).
import type { Bin } from './bytes.js';
import type { Database } from './keyspace/database.js';

export interface Watcher {
  /** Set when a watched key was touched: the next EXEC fails (CLIENT_DIRTY_CAS). */
  dirtyCas: boolean;
  readonly watched: WatchedKey[];
}

export interface WatchedKey {
  readonly watcher: Watcher;
  readonly db: Database;
  readonly key: Bin;
  expired: boolean;
}

export class WatchRegistry {
  private readonly byDb = new Map<Database, Map<Bin, WatchedKey[]>>();

  constructor(private readonly isExpired: (db: Database, key: Bin) => boolean) {}

  /** Whether anyone watches anything (lets writes skip the bookkeeping). */
  get active(): boolean {
    return this.byDb.size > 0;
  }

  /** watchForKey. */
  watch(watcher: Watcher, db: Database, key: Bin): void {
    if (watcher.watched.some((wk) => wk.db === db && wk.key === key)) return;
    let keys = this.byDb.get(db);
    if (!keys) this.byDb.set(db, (keys = new Map()));
    let list = keys.get(key);
    if (!list) keys.set(key, (list = []));
    const wk: WatchedKey = { watcher, db, key, expired: this.isExpired(db, key) };
    watcher.watched.push(wk);
    list.push(wk);
  }

  /** unwatchAllKeys. */
  unwatchAll(watcher: Watcher): void {
    for (const wk of watcher.watched) {
      const keys = this.byDb.get(wk.db)!;
      const list = keys.get(wk.key)!;
      list.splice(list.indexOf(wk), 1);
      if (list.length === 0) keys.delete(wk.key);
      if (keys.size === 0) this.byDb.delete(wk.db);
    }
    watcher.watched.length = 0;
  }

  /** isWatchedKeyExpired: a key that expired after it was watched. */
  watchedKeyExpired(watcher: Watcher): boolean {
    return watcher.watched.some((wk) => !wk.expired && this.isExpired(wk.db, wk.key));
  }

  /** touchWatchedKey: the key changed. */
  touch(db: Database, key: Bin): void {
    const list = this.byDb.get(db)?.get(key);
    if (!list) return;
    for (const wk of [...list]) {
      if (wk.expired) {
        // Deleting an already expired key is no change; otherwise 7.0 stops here (a `break`
        // that leaves the other watchers of this key untouched).
        if (!db.dict.has(key)) {
          wk.expired = false;
          continue;
        }
        break;
      }
      wk.watcher.dirtyCas = true;
      this.unwatchAll(wk.watcher);
    }
  }

  /**
   * touchAllWatchedKeysInDb: `emptied` is flushed, or swapped with `replacedWith` (SWAPDB); a
   * watched key counts as touched if it exists on either side.
   */
  touchAllInDb(emptied: Database, replacedWith: Database | null): void {
    const keys = this.byDb.get(emptied);
    if (!keys) return;
    for (const [key, list] of [...keys]) {
      const existsInEmptied = emptied.dict.has(key);
      const existsInReplacement = replacedWith !== null && replacedWith.dict.has(key);
      if (!existsInEmptied && !existsInReplacement) continue;
      for (const wk of list) {
        if (wk.expired) {
          if (!existsInReplacement) {
            wk.expired = false;
            continue;
          } else if (this.isExpired(replacedWith!, key)) continue;
        } else if (!existsInEmptied && this.isExpired(replacedWith!, key)) {
          wk.expired = true;
          continue;
        }
        wk.watcher.dirtyCas = true;
      }
    }
  }
}
