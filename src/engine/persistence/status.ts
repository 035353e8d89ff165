// What the persistent server reports about itself: the counters behind INFO persistence (named
// after Redis's fields), the last rewrite's compaction and the start-up load.
import type { KeyCounts } from '../aof/rewrite-commands.js';
import type { AofLoadReport } from '../aof/loader.js';

export interface StartReport {
  source: 'aof' | 'rdb' | 'none';
  files: { name: string; bytes: number; format: string }[];
  keys: number;
  truncation: AofLoadReport['truncation'];
  migratedOldAof: boolean;
}

/** What the last successful AOF rewrite did: the compaction a person came to see. */
export interface RewriteReport {
  /** The AOF (base + incrs) when the rewrite started. */
  bytesBefore: number;
  /** The new base plus what the new incr holds when the rewrite is installed. */
  bytesAfter: number;
  baseBytes: number;
  baseFormat: 'rdb' | 'resp';
  /** Commands in a RESP base (0 for an RDB preamble). */
  baseCommands: number;
  /** Commands appended since the previous rewrite (or start), by name: what this one collapsed. */
  commandsBefore: Record<string, number>;
  /** bytesAfter / bytesBefore. */
  ratio: number;
  keys: KeyCounts;
  startedAt: number;
  finishedAt: number;
}

export class PersistenceStatus {
  lastSaveUnix = 0;
  lastBgsaveOk = true;
  lastBgsaveTimeSec = -1;
  rdbSaves = 0;
  lastBgsaveTryAt = 0;
  bgsaveScheduled = false;
  rewriteScheduled = false;
  aofLastRewriteTimeSec = -1;
  aofLastBgrewriteOk = true;
  aofRewrites = 0;
  aofLastWriteOk = true;
  aofLastWriteError: string | null = null;
  aofDelayedFsync = 0;
  /** write(2) calls on the AOF (not an INFO field: the timeline counts them). */
  aofWrites = 0;
  rdbLastLoadKeysLoaded = 0;
  rdbLastLoadKeysExpired = 0;
  lastRewrite: RewriteReport | null = null;
  /** Why the last rewrite failed (null: it did not), as the log says it. */
  lastRewriteError: string | null = null;
  /** Copy-on-write: bytes of the dataset written to while a fork child ran. */
  currentCowSize = 0;
  currentCowPeak = 0;
  rdbLastCowSize = 0;
  aofLastCowSize = 0;
}
