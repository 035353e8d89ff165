// What each persistence policy promises about acknowledged writes, in one table: the presets,
// the recovery judge, the panels and the README all read it, so they cannot disagree.
// The bounds are Redis's documented ones plus the kernel's writeback timing.
import { groupDigits } from './words.js';

/** A crash report names at most this many keys that lost writes (the page lists them). */
export const MAX_LOST_KEYS = 100;

/** The policy a configuration amounts to, as far as acknowledged writes are concerned. */
export type PolicyKind = 'none' | 'rdb' | 'aof-always' | 'aof-everysec' | 'aof-no';

/** What one kind of crash may take. */
export type LossBound =
  | { kind: 'nothing' }
  /** Writes acknowledged in the last `ms` before the crash, and no earlier ones. */
  | { kind: 'window'; ms: number; because: string }
  /** Everything after the last snapshot that completed. */
  | { kind: 'since-snapshot' };

export interface PolicyPromise {
  policy: PolicyKind;
  /** One sentence for people: what survives what. */
  text: string;
  processCrash: LossBound;
  powerLoss: LossBound;
}

/** everysec: "you can lose up to 2 seconds of writes" (an fsync a second, a write postponed up to 2 s). */
export const EVERYSEC_WINDOW_MS = 2_000;
/** appendfsync no: dirty_expire (30 s) plus one flusher interval (5 s). */
export const NO_FSYNC_WINDOW_MS = 35_000;

export const PROMISES: Readonly<Record<PolicyKind, PolicyPromise>> = {
  none: {
    policy: 'none',
    text: 'Nothing survives a restart: the data lives only in memory (unless a snapshot is asked for by hand).',
    processCrash: { kind: 'since-snapshot' },
    powerLoss: { kind: 'since-snapshot' },
  },
  rdb: {
    policy: 'rdb',
    text: 'A crash loses every write since the last completed snapshot.',
    processCrash: { kind: 'since-snapshot' },
    powerLoss: { kind: 'since-snapshot' },
  },
  'aof-always': {
    policy: 'aof-always',
    text: 'No acknowledged write is ever lost: each is fsynced before its reply.',
    processCrash: { kind: 'nothing' },
    powerLoss: { kind: 'nothing' },
  },
  'aof-everysec': {
    policy: 'aof-everysec',
    text: 'A power loss loses at most the last ~2 s of writes; a process crash nothing, unless a busy disk held writes back (up to 2 s).',
    processCrash: { kind: 'window', ms: EVERYSEC_WINDOW_MS, because: 'postponing writes behind a busy fsync' },
    powerLoss: { kind: 'window', ms: EVERYSEC_WINDOW_MS, because: 'appendfsync everysec' },
  },
  'aof-no': {
    policy: 'aof-no',
    text: 'A process crash loses nothing; a power loss loses what the kernel had not written back (up to ~35 s: its 30 s expiry plus a 5 s flusher pass).',
    processCrash: { kind: 'nothing' },
    powerLoss: { kind: 'window', ms: NO_FSYNC_WINDOW_MS, because: 'kernel writeback' },
  },
};

/** The directives that decide the policy, as CONFIG GET reports them. */
export interface PolicySettings {
  appendonly: boolean;
  appendfsync: string;
  /** The `save` directive's value ('' when no save points). */
  save: string;
}

/** Redis's defaults for the directives that decide the policy. */
export const DEFAULT_POLICY_SETTINGS: Readonly<PolicySettings> = { appendonly: false, appendfsync: 'everysec', save: '3600 1 300 100 60 10000' };

/**
 * The policy directives of redis.conf text, read as redis-server reads its file: the last line
 * of a directive wins, except that `save` lines add up and `save ""` clears them. What the text
 * does not state keeps Redis's default.
 */
export function settingsOfConfigText(text: string): PolicySettings {
  const settings = { ...DEFAULT_POLICY_SETTINGS };
  let save: string | null = null;
  for (const line of text.split('\n')) {
    const match = /^\s*([A-Za-z-]+)\s+(.*?)\s*$/.exec(line);
    if (!match) continue;
    const name = match[1]!.toLowerCase();
    const value = match[2]!.replace(/^"(.*)"$/, '$1');
    if (name === 'appendonly') settings.appendonly = value.toLowerCase() === 'yes';
    else if (name === 'appendfsync') settings.appendfsync = value.toLowerCase();
    else if (name === 'save') save = value.trim() === '' || save === null ? value.trim() : `${save} ${value.trim()}`.trim();
  }
  if (save !== null) settings.save = save;
  return settings;
}

export function policyOf(settings: PolicySettings): PolicyKind {
  if (settings.appendonly) return settings.appendfsync === 'always' ? 'aof-always' : settings.appendfsync === 'no' ? 'aof-no' : 'aof-everysec';
  return settings.save.trim() === '' ? 'none' : 'rdb';
}

/** The policy's name in reports: the AOF policy, with "+rdb" when snapshots run beside it. */
export function policyLabel(settings: PolicySettings): string {
  const policy = policyOf(settings);
  return settings.appendonly && settings.save.trim() !== '' ? `${policy}+rdb` : policy;
}

export function failoverPromise(linkDelayMs: number): string {
  return `A failover keeps every write the replica had received: at most the last ${groupDigits(linkDelayMs)} ms (the link delay) is lost.`;
}
