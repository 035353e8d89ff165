// The seed's words, each in a sentence or two, one click away in the page.

/** Each term with the lesson (by its slug) that shows it at work. */
export const GLOSSARY: readonly { term: string; lesson: string; meaning: string }[] = [
  { term: 'fsync', lesson: 'aof-fsync', meaning: 'Asks the operating system to put a file’s written bytes on the disk itself. Until then they sit in the page cache, where a power loss takes them.' },
  { term: 'Page cache', lesson: 'aof-fsync', meaning: 'Memory where the kernel keeps written data before writing it to disk (within ~30 s by default). It survives a crash of Redis, not a power loss.' },
  { term: 'AOF', lesson: 'aof-fsync', meaning: 'The append-only file: every write command, appended as it happens. appendfsync decides how often it is fsynced: always, every second, or never (the kernel decides).' },
  { term: 'Snapshot (RDB)', lesson: 'snapshots', meaning: 'The whole dataset written to one compact file at one instant, by a forked child. A crash loses everything written since the last snapshot completed.' },
  { term: 'Rewrite', lesson: 'rewrite', meaning: 'BGREWRITEAOF replaces the AOF’s history with the shortest commands (or an RDB) that rebuild today’s data, so the file stops growing without bound.' },
  { term: 'Hybrid', lesson: 'hybrid', meaning: 'AOF with an RDB preamble: the rewritten base is an RDB snapshot and newer writes follow as commands — fast restarts and a small loss window.' },
  { term: 'Durability', lesson: 'six-options', meaning: 'Whether acknowledged writes survive failures (crashes, power loss). Persistence settings trade it against speed.' },
  { term: 'Availability', lesson: 'replication', meaning: 'Whether clients can reach the data right now. A replica keeps data available when the primary fails; disks are read only when both are lost.' },
  { term: 'Backup', lesson: 'backups', meaning: 'A copy of a snapshot kept somewhere else, on a schedule. Unlike the snapshot on the server’s disk, it survives losing the machine.' },
  { term: 'Torn write', lesson: 'aof-fsync', meaning: 'A power loss in the middle of writing: part of the last unsynced bytes reach the disk, cutting a command in half. Redis cuts such a tail off when it loads.' },
];
