// fork() as the kernel does it, for the lab's BGSAVE: the child sees the dataset of the fork
// instant while the parent goes on serving. The kernel shares pages and copies one when the
// parent first writes to it. The lab lends each table's slot columns (a chunk of them is copied
// when either side first needs it), shares its byte arena (keys and short strings, which the
// parent then only appends to) and its value objects, and copies a value object (a collection, a
// string changed in place) just before the parent's first write to it (the parent's table says
// whether the child holds it). So BGSAVE answers without a pass over the dataset, and the file
// still holds exactly the data of the fork instant.
import type { Bin } from '../bytes.js';
import { copyValue } from '../commands/keys.js';
import type { Engine } from '../engine.js';
import { dictsBytes, STARTUP_BYTES } from '../eviction.js';
import type { KeyDict } from '../keyspace/key-dict.js';
import type { KeyAccessSave } from '../keyspace/access.js';
import type { Database } from '../keyspace/database.js';
import { keyAllocated } from '../keyspace/memory-usage.js';
import { typeOf, type RedisValue } from '../keyspace/values.js';
import type { KeyCounts } from '../aof/rewrite-commands.js';
import type { DatasetAtFork } from './codec.js';
import { ChildTime, type ChildThread } from './core.js';
import type { ChildControl } from './jobs.js';

/**
 * A database's access fields as of the fork, without copying them: the old field of a key is
 * kept just before the server first changes it (FLUSHDB and SWAPDB keep them all first).
 */
class AccessAtFork {
  private readonly saved = new Map<Bin, number | undefined>();
  /** Everything was kept: the live map no longer says anything about the fork instant. */
  private complete = false;

  constructor(private readonly live: ReadonlyMap<Bin, number>) {}

  get(key: Bin): number | undefined {
    return this.complete || this.saved.has(key) ? this.saved.get(key) : this.live.get(key);
  }

  beforeKey(key: Bin): void {
    if (!this.complete && !this.saved.has(key)) this.saved.set(key, this.live.get(key));
  }

  beforeAll(): void {
    if (this.complete) return;
    for (const [key, field] of this.live) if (!this.saved.has(key)) this.saved.set(key, field);
    this.complete = true;
  }
}

/** One database as the child holds it. */
class DatabaseAtFork {
  constructor(
    readonly id: number,
    readonly dict: KeyDict,
    /** The keys' access fields at the fork, under a policy that saves them. */
    readonly access: AccessAtFork | undefined,
  ) {}

  get size(): number {
    return this.dict.size;
  }

  get expires(): { size: number } {
    return { size: this.dict.volatileCount };
  }
}

export class ForkedDataset implements DatasetAtFork {
  readonly dbs: DatabaseAtFork[] = [];
  readonly functions: readonly Bin[];
  readonly now: number;
  readonly keyAccess: KeyAccessSave | null;
  /** used_memory at the fork, which the child measures on its copy (measureUsedMemory). */
  usedMemory = 0;
  /** The child's copies, by the value the parent went on to change. */
  private readonly copies = new Map<object, RedisValue>();
  /** The parent's tables whose arenas the child reads. */
  private readonly parents: KeyDict[] = [];
  /** The parent's databases whose access fields the child watches. */
  private readonly watched: Database[] = [];

  constructor(engine: Engine) {
    this.functions = engine.functions.codes();
    this.now = engine.clock.now();
    this.keyAccess = engine.keyAccessToSave();
    for (const db of engine.dbs) {
      if (db.size === 0) continue;
      this.parents.push(db.dict);
      // Only under an LRU or LFU policy, which saves them: the parent goes on touching keys.
      let access: AccessAtFork | undefined;
      if (this.keyAccess !== null) {
        access = new AccessAtFork(db.access);
        db.accessWatcher = access;
        this.watched.push(db);
      }
      this.dbs.push(new DatabaseAtFork(db.id, db.dict.frozenCopy(this.copies), access));
    }
  }

  /** The file's used-mem, counted on the child's copy a slice at a time (it is O(keys)). */
  async measureUsedMemory(time: ChildTime): Promise<void> {
    let bytes = STARTUP_BYTES + dictsBytes(this.dbs);
    let sinceCheck = 0;
    for (const db of this.dbs) {
      for (const [key, value] of db.dict) {
        bytes += keyAllocated(key, value);
        if (++sinceCheck === 4096) {
          sinceCheck = 0;
          await time.pause();
        }
      }
    }
    this.usedMemory = bytes;
  }

  /** Keys per type and with an expiry (a rewrite's report), counted a slice at a time. */
  async countKeys(time: ChildTime): Promise<KeyCounts> {
    const counts: KeyCounts = { string: 0, list: 0, set: 0, zset: 0, hash: 0, stream: 0, expires: 0 };
    let sinceCheck = 0;
    for (const { dict } of this.dbs) {
      counts.expires += dict.volatileCount;
      for (const value of dict.values()) {
        counts[typeOf(value)]++;
        if (++sinceCheck === 4096) {
          sinceCheck = 0;
          await time.pause();
        }
      }
    }
    return counts;
  }

  /**
   * The parent is about to change `key`'s `value` in place: if the child holds that very value,
   * it keeps a copy of it as it is. (Long strings are JS strings beside the arena: immutable,
   * so shared as they are.)
   */
  readonly beforeWrite = (dict: KeyDict, key: Bin, value: RedisValue): void => {
    if (typeof value !== 'object' || this.copies.has(value) || !dict.heldByFork(key, value)) return;
    this.copies.set(value, copyValue(value));
  };

  /** The child exited: the parent's tables are its own again. */
  release(): void {
    for (const dict of this.parents) dict.endFork();
    for (const db of this.watched) db.accessWatcher = null;
  }
}

/**
 * A fork child on a live server: the dataset is forked now, `write` runs in slices while the
 * parent serves, and the parent's values are its own again when the child ends.
 */
export function forkChild(engine: Engine, thread: ChildThread | undefined, write: (fork: ForkedDataset, time: ChildTime) => Promise<void>): { work: () => Promise<void>; control: ChildControl } {
  const fork = new ForkedDataset(engine);
  engine.shareWithChild(fork.beforeWrite);
  const time = new ChildTime(thread);
  return {
    control: { resume: () => time.resume(), kill: () => time.kill() },
    work: async () => {
      try {
        await time.start();
        await write(fork, time);
      } finally {
        engine.shareWithChild(null);
        fork.release();
      }
    },
  };
}
