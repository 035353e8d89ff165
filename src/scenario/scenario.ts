// A scenario: a persistence configuration, a seeded workload and a timeline of events. Plain
// data, validated field by field, so a scenario from a URL or a file can be trusted to run.
import { presetById, type PresetId } from './presets.js';

export type CrashKind = 'process' | 'power' | 'torn';
export type Distribution = 'uniform' | 'zipf';
/** How long an fsync takes: instant, a good SSD, or a busy disk with multi-second stalls. */
export type DiskKind = 'fast' | 'ssd' | 'slow';

export interface WorkloadMix {
  set: number;
  incr: number;
  list: number;
  hash: number;
  sadd: number;
  zadd: number;
  del: number;
}

export interface Workload {
  /** Operations per second of virtual time. */
  rate: number;
  /** Distinct keys per type. */
  keys: number;
  distribution: Distribution;
  /** Bytes of each SET value. */
  valueSize: number;
  /** Relative weights of each kind of write. */
  mix: WorkloadMix;
  /** Connections writing at once (default 50): writes arrive on each in turn. */
  clients?: number;
  /** Writes a connection sends before it waits for their replies (default 1). */
  pipeline?: number;
}

/** A typical small service: 50 connections, one request at a time on each. */
export const DEFAULT_CLIENTS = 50;
export const DEFAULT_PIPELINE = 1;

export type ScenarioEvent =
  | { at: number; kind: 'crash'; crash: CrashKind }
  | { at: number; kind: 'bgsave' }
  | { at: number; kind: 'bgrewriteaof' }
  /**
   * A redis.conf directive changed at run time with CONFIG SET (e.g. `appendonly yes`), and
   * kept for the restart, as CONFIG REWRITE keeps it in redis.conf.
   */
  | { at: number; kind: 'config'; directive: string };

export interface Scenario {
  version: 1;
  preset: PresetId | 'custom';
  /** redis.conf directives applied after the preset's. */
  config: string;
  workload: Workload;
  events: ScenarioEvent[];
  seed: number;
  /** Virtual ms the workload runs for (a crash event may end it earlier). */
  durationMs: number;
  /** The disk's fsync latency model (default fast). */
  disk?: DiskKind;
  /**
   * A replica following the primary over a link with this delay. At the crash it takes over
   * (failover, from its memory) unless `lost`: then both are gone and the primary's disk is read.
   */
  replica?: { linkDelayMs: number; lost?: boolean };
  /** Where the live lab keeps its files (default OPFS). */
  storage?: StorageKind;
  /** Backups of the live dataset taken on a schedule, in seconds (absent: by hand only). */
  backups?: { everySeconds: number };
}

export type StorageKind = 'opfs' | 'indexeddb';

export const DEFAULT_SCENARIO: Scenario = {
  version: 1,
  preset: 'aof-everysec',
  config: '',
  workload: { rate: 200, keys: 100, distribution: 'uniform', valueSize: 32, mix: { set: 4, incr: 2, list: 1, hash: 1, sadd: 1, zadd: 1, del: 1 } },
  // Between two everysec fsyncs, so the loss a power cut causes is there to see.
  events: [{ at: 9_700, kind: 'crash', crash: 'power' }],
  seed: 1,
  durationMs: 10_000,
  // A good SSD: fsyncs take 1–3 ms, so what appendfsync always costs shows.
  disk: 'ssd',
};

export const LIMITS = {
  rate: 100_000,
  keys: 1_000_000,
  valueSize: 1 << 20,
  durationMs: 7 * 24 * 3600 * 1000,
  events: 100,
  configBytes: 4096,
  /** One directive of a config event. */
  directiveBytes: 256,
  clients: 10_000,
  pipeline: 1_000,
  /**
   * The run's budget: it keeps every acknowledged write (with the key's state after it) to judge
   * recovery, about 1.3 KB each, and holds the files it writes in memory.
   */
  operations: 1_000_000,
  valueBytes: 256 * 2 ** 20,
} as const;

export type Validation = { ok: true; scenario: Scenario } | { ok: false; errors: string[] };

/** Checks an untrusted value field by field; the errors name the field and what is allowed. */
export function validateScenario(input: unknown): Validation {
  const errors: string[] = [];
  const obj = (v: unknown, path: string): Record<string, unknown> => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) {
      errors.push(`${path} must be an object`);
      return {};
    }
    return v as Record<string, unknown>;
  };
  const num = (v: unknown, path: string, min: number, max: number, integer = true): number => {
    if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max || (integer && !Number.isInteger(v))) {
      errors.push(`${path} must be ${integer ? 'an integer' : 'a number'} from ${min} to ${max}`);
      return min;
    }
    return v;
  };
  const root = obj(input, 'scenario');
  if (root.version !== 1) errors.push('version must be 1');
  const preset = root.preset;
  if (preset !== 'custom' && (typeof preset !== 'string' || !presetById(preset))) errors.push(`preset must be one of custom, ${['none', 'aof-always', 'aof-everysec', 'rdb-1h', 'rdb-6h', 'rdb-12h', 'hybrid'].join(', ')}`);
  const config = root.config ?? '';
  if (typeof config !== 'string' || config.length > LIMITS.configBytes) errors.push(`config must be text of at most ${LIMITS.configBytes} characters`);
  const w = obj(root.workload, 'workload');
  const m = obj(w.mix, 'workload.mix');
  const mix = {} as WorkloadMix;
  for (const k of ['set', 'incr', 'list', 'hash', 'sadd', 'zadd', 'del'] as const) mix[k] = num(m[k] ?? 0, `workload.mix.${k}`, 0, 1000);
  if (Object.values(mix).every((v) => v === 0)) errors.push('workload.mix needs at least one weight above 0');
  const unknownMix = Object.keys(m).filter((k) => !(k in mix));
  if (unknownMix.length) errors.push(`workload.mix has unknown fields: ${unknownMix.join(', ')}`);
  const distribution = w.distribution ?? 'uniform';
  if (distribution !== 'uniform' && distribution !== 'zipf') errors.push('workload.distribution must be uniform or zipf');
  const workload: Workload = {
    rate: num(w.rate, 'workload.rate', 0, LIMITS.rate, false),
    keys: num(w.keys, 'workload.keys', 1, LIMITS.keys),
    distribution: distribution as Distribution,
    valueSize: num(w.valueSize ?? 32, 'workload.valueSize', 1, LIMITS.valueSize),
    mix,
  };
  if (w.clients !== undefined) workload.clients = num(w.clients, 'workload.clients', 1, LIMITS.clients);
  if (w.pipeline !== undefined) workload.pipeline = num(w.pipeline, 'workload.pipeline', 1, LIMITS.pipeline);
  const durationMs = num(root.durationMs, 'durationMs', 1, LIMITS.durationMs);
  const seed = num(root.seed ?? 1, 'seed', 0, 2 ** 31 - 1);
  const rawEvents = root.events ?? [];
  const events: ScenarioEvent[] = [];
  if (!Array.isArray(rawEvents) || rawEvents.length > LIMITS.events) errors.push(`events must be a list of at most ${LIMITS.events}`);
  else {
    rawEvents.forEach((raw, i) => {
      const e = obj(raw, `events[${i}]`);
      const at = num(e.at, `events[${i}].at`, 0, LIMITS.durationMs);
      if (e.kind === 'crash') {
        if (e.crash !== 'process' && e.crash !== 'power' && e.crash !== 'torn') errors.push(`events[${i}].crash must be process, power or torn`);
        else events.push({ at, kind: 'crash', crash: e.crash });
      } else if (e.kind === 'bgsave' || e.kind === 'bgrewriteaof') events.push({ at, kind: e.kind });
      else if (e.kind === 'config') {
        const directive = typeof e.directive === 'string' ? e.directive : '';
        if (!/^[a-z][a-z0-9-]* [^\s](?:[^\r\n]*[^\s])?$/.test(directive) || directive.length > LIMITS.directiveBytes) {
          errors.push(`events[${i}].directive must be one redis.conf line, a name and its value (e.g. "appendonly yes"), of at most ${LIMITS.directiveBytes} characters`);
        } else events.push({ at, kind: 'config', directive });
      } else errors.push(`events[${i}].kind must be crash, bgsave, bgrewriteaof or config`);
    });
  }
  if (events.filter((e) => e.kind === 'crash').length > 1) errors.push('a scenario has at most one crash');
  let replica: Scenario['replica'];
  if (root.replica !== undefined) {
    const r = obj(root.replica, 'replica');
    replica = { linkDelayMs: num(r.linkDelayMs ?? 0, 'replica.linkDelayMs', 0, 60_000) };
    if (r.lost !== undefined) {
      if (typeof r.lost !== 'boolean') errors.push('replica.lost must be true or false');
      else replica.lost = r.lost;
    }
  }
  const disk = root.disk ?? 'fast';
  if (disk !== 'fast' && disk !== 'ssd' && disk !== 'slow') errors.push('disk must be fast, ssd or slow');
  const storage = root.storage ?? 'opfs';
  if (storage !== 'opfs' && storage !== 'indexeddb') errors.push('storage must be opfs or indexeddb');
  let backups: Scenario['backups'];
  if (root.backups !== undefined) backups = { everySeconds: num(obj(root.backups, 'backups').everySeconds, 'backups.everySeconds', 1, 24 * 3600) };
  if (errors.length === 0) errors.push(...budgetProblems(workload, durationMs));
  if (errors.length > 0) return { ok: false, errors };
  const scenario: Scenario = { version: 1, preset: preset as Scenario['preset'], config: config as string, workload, events: events.sort((a, b) => a.at - b.at), seed, durationMs };
  if (root.disk !== undefined) scenario.disk = disk as DiskKind;
  if (replica) scenario.replica = replica;
  if (root.storage !== undefined) scenario.storage = storage as StorageKind;
  if (backups) scenario.backups = backups;
  return { ok: true, scenario };
}

/** What a run of `durationMs` at the workload's rate would cost beyond the budget, if anything. */
function budgetProblems(workload: Workload, durationMs: number): string[] {
  const operations = Math.ceil((workload.rate * durationMs) / 1000);
  if (operations > LIMITS.operations) {
    return [`workload.rate × durationMs comes to ${operations.toLocaleString('en-US')} writes; a run holds at most ${LIMITS.operations.toLocaleString('en-US')} (lower the rate or the duration)`];
  }
  const bytes = operations * workload.valueSize;
  if (bytes > LIMITS.valueBytes) {
    const mib = (b: number) => `${(b / 2 ** 20).toLocaleString('en-US', { maximumFractionDigits: 1 })} MiB`;
    return [`workload.rate × durationMs × workload.valueSize comes to ${mib(bytes)} of values; a run writes at most ${mib(LIMITS.valueBytes)} (lower the value size, the rate or the duration)`];
  }
  return [];
}

/** The redis.conf text the scenario runs with: the preset's directives, then its own. */
export function scenarioConfigText(scenario: Scenario): string {
  const preset = scenario.preset === 'custom' ? '' : presetById(scenario.preset)!.config;
  return [preset, scenario.config].filter(Boolean).join('\n');
}

export function crashOf(scenario: Scenario): { at: number; crash: CrashKind } | null {
  const crash = scenario.events.find((e) => e.kind === 'crash');
  return crash && crash.kind === 'crash' ? { at: crash.at, crash: crash.crash } : null;
}

/** When the run ends: the crash instant, or the end of the workload. */
export function endOf(scenario: Scenario): number {
  return Math.min(crashOf(scenario)?.at ?? scenario.durationMs, scenario.durationMs);
}

/** The same scenario ending with `crash` at `at` (ms) instead of its own crash, if any. */
export function withCrash(scenario: Scenario, at: number, crash: CrashKind): Scenario {
  const events: ScenarioEvent[] = [...scenario.events.filter((e) => e.kind !== 'crash'), { at, kind: 'crash', crash }];
  return { ...scenario, events: events.sort((a, b) => a.at - b.at) };
}
