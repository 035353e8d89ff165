// The persistence choices the lab teaches, as redis.conf text, each with the promise it makes.

export type PresetId = 'none' | 'aof-always' | 'aof-everysec' | 'rdb-1h' | 'rdb-6h' | 'rdb-12h' | 'hybrid';

export interface Preset {
  id: PresetId;
  label: string;
  /** One line: what survives what. */
  promise: string;
  config: string;
}

export const PRESETS: readonly Preset[] = [
  { id: 'none', label: 'None', promise: 'Nothing survives a restart: the data lives only in memory.', config: 'appendonly no\nsave ""' },
  {
    id: 'aof-always',
    label: 'AOF every write',
    promise: 'Every acknowledged write survives a crash or a power loss: each is fsynced before the reply.',
    config: 'appendonly yes\nappendfsync always\nsave ""',
  },
  {
    id: 'aof-everysec',
    label: 'AOF every 1 second',
    promise: 'A process crash loses nothing; a power loss loses at most the last ~2 seconds of writes.',
    config: 'appendonly yes\nappendfsync everysec\nsave ""',
  },
  { id: 'rdb-1h', label: 'Snapshot every 1 hour', promise: 'A crash loses every write since the last completed snapshot (up to an hour).', config: 'appendonly no\nsave "3600 1"' },
  { id: 'rdb-6h', label: 'Snapshot every 6 hours', promise: 'A crash loses every write since the last completed snapshot (up to 6 hours).', config: 'appendonly no\nsave "21600 1"' },
  { id: 'rdb-12h', label: 'Snapshot every 12 hours', promise: 'A crash loses every write since the last completed snapshot (up to 12 hours).', config: 'appendonly no\nsave "43200 1"' },
  {
    id: 'hybrid',
    label: 'AOF every 1 s + RDB',
    promise: 'As AOF every second, with RDB snapshots for backups and an RDB preamble for fast restarts.',
    config: 'appendonly yes\nappendfsync everysec\naof-use-rdb-preamble yes\nsave "3600 1 300 100 60 10000"',
  },
];

export function presetById(id: string): Preset | undefined {
  return PRESETS.find((p) => p.id === id);
}
