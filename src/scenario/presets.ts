// The persistence choices the lab teaches, as redis.conf text. What each promises comes from the
// one table in promises.ts; a preset only adds what is particular to it.
import { PROMISES, policyOf, settingsOfConfigText, type PolicyPromise } from './promises.js';

export type PresetId = 'none' | 'aof-always' | 'aof-everysec' | 'rdb-1h' | 'rdb-6h' | 'rdb-12h' | 'hybrid';

export interface Preset {
  id: PresetId;
  label: string;
  config: string;
  /** What this preset adds to its policy's promise, if anything. */
  note?: string;
}

export const PRESETS: readonly Preset[] = [
  { id: 'none', label: 'None', config: 'appendonly no\nsave ""' },
  { id: 'aof-always', label: 'AOF every write', config: 'appendonly yes\nappendfsync always\nsave ""' },
  { id: 'aof-everysec', label: 'AOF every 1 second', config: 'appendonly yes\nappendfsync everysec\nsave ""' },
  { id: 'rdb-1h', label: 'Snapshot every 1 hour', config: 'appendonly no\nsave "3600 1"', note: 'A snapshot is taken an hour after the last one when anything changed.' },
  { id: 'rdb-6h', label: 'Snapshot every 6 hours', config: 'appendonly no\nsave "21600 1"', note: 'A snapshot is taken 6 hours after the last one when anything changed.' },
  { id: 'rdb-12h', label: 'Snapshot every 12 hours', config: 'appendonly no\nsave "43200 1"', note: 'A snapshot is taken 12 hours after the last one when anything changed.' },
  {
    id: 'hybrid',
    label: 'AOF every 1 s + RDB',
    config: 'appendonly yes\nappendfsync everysec\naof-use-rdb-preamble yes\nsave "3600 1 300 100 60 10000"',
    note: 'Snapshots run beside it for backups, and the AOF starts from an RDB preamble for fast restarts.',
  },
];

export function presetById(id: string): Preset | undefined {
  return PRESETS.find((p) => p.id === id);
}

export function presetPromise(preset: Preset): PolicyPromise {
  return PROMISES[policyOf(settingsOfConfigText(preset.config))];
}

/** The one-line promise a panel shows for a preset: its policy's, plus the preset's note. */
export function presetPromiseText(preset: Preset): string {
  return [presetPromise(preset).text, preset.note].filter(Boolean).join(' ');
}
