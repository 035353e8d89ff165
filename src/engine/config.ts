// redis.conf directives the lab understands: their defaults (as redis-server 7.0.15 reports them
// with CONFIG GET), validation with Redis's error texts, CONFIG GET/SET semantics (immutable
// ones refused at runtime) and redis.conf text parsing for the UI's editor and the CLI.
import type { Bin } from './bytes.js';
import { splitCommandLine } from './resp/inline.js';
import { parseInt64 } from './util/numbers.js';
import type { EncodingLimits } from './keyspace/limits.js';

type Kind =
  | { type: 'bool' }
  | { type: 'enum'; values: readonly string[] }
  | { type: 'int'; min: number; max: number | bigint }
  | { type: 'memory'; min: number; max: number | bigint }
  | { type: 'string' }
  | { type: 'save' };

interface Directive {
  readonly name: string;
  readonly kind: Kind;
  readonly defaultValue: string;
  readonly immutable?: boolean;
  /** Accepted values outside this range are brought into it (hz: 1..500). */
  readonly clamp?: readonly [number, number];
  /** enable-protected-configs no (the default) refuses CONFIG SET of these. */
  readonly protectedConfig?: boolean;
  readonly alias?: string;
}

const INT_MAX = 2 ** 31 - 1;
const INT_MIN = -(2 ** 31);
const LLONG_MAX = 9223372036854775807n;
const ULLONG_MAX = 18446744073709551615n;

/** maxmemory-policy values in config.c's maxmemory_policy_enum order (its error lists them so). */
export const MAXMEMORY_POLICIES = ['volatile-lru', 'volatile-lfu', 'volatile-random', 'volatile-ttl', 'allkeys-lru', 'allkeys-lfu', 'allkeys-random', 'noeviction'] as const;
export type MaxmemoryPolicy = (typeof MAXMEMORY_POLICIES)[number];

const DIRECTIVES: readonly Directive[] = [
  { name: 'appendonly', kind: { type: 'bool' }, defaultValue: 'no' },
  { name: 'appendfilename', kind: { type: 'string' }, defaultValue: 'appendonly.aof', immutable: true },
  { name: 'appenddirname', kind: { type: 'string' }, defaultValue: 'appendonlydir', immutable: true },
  { name: 'appendfsync', kind: { type: 'enum', values: ['everysec', 'always', 'no'] }, defaultValue: 'everysec' },
  { name: 'no-appendfsync-on-rewrite', kind: { type: 'bool' }, defaultValue: 'no' },
  { name: 'aof-use-rdb-preamble', kind: { type: 'bool' }, defaultValue: 'yes' },
  { name: 'aof-load-truncated', kind: { type: 'bool' }, defaultValue: 'yes' },
  { name: 'aof-timestamp-enabled', kind: { type: 'bool' }, defaultValue: 'no' },
  { name: 'aof-rewrite-incremental-fsync', kind: { type: 'bool' }, defaultValue: 'yes' },
  { name: 'auto-aof-rewrite-percentage', kind: { type: 'int', min: 0, max: INT_MAX }, defaultValue: '100' },
  { name: 'auto-aof-rewrite-min-size', kind: { type: 'memory', min: 0, max: LLONG_MAX }, defaultValue: '67108864' },
  { name: 'save', kind: { type: 'save' }, defaultValue: '3600 1 300 100 60 10000' },
  { name: 'dbfilename', kind: { type: 'string' }, defaultValue: 'dump.rdb', protectedConfig: true },
  { name: 'rdbcompression', kind: { type: 'bool' }, defaultValue: 'yes' },
  { name: 'rdbchecksum', kind: { type: 'bool' }, defaultValue: 'yes', immutable: true },
  { name: 'rdb-save-incremental-fsync', kind: { type: 'bool' }, defaultValue: 'yes' },
  { name: 'stop-writes-on-bgsave-error', kind: { type: 'bool' }, defaultValue: 'yes' },
  { name: 'databases', kind: { type: 'int', min: 1, max: INT_MAX }, defaultValue: '16', immutable: true },
  { name: 'hz', kind: { type: 'int', min: 0, max: INT_MAX }, defaultValue: '10', clamp: [1, 500] },
  { name: 'hash-max-listpack-entries', kind: { type: 'int', min: 0, max: LLONG_MAX }, defaultValue: '512', alias: 'hash-max-ziplist-entries' },
  { name: 'hash-max-listpack-value', kind: { type: 'memory', min: 0, max: LLONG_MAX }, defaultValue: '64', alias: 'hash-max-ziplist-value' },
  { name: 'set-max-intset-entries', kind: { type: 'int', min: 0, max: LLONG_MAX }, defaultValue: '512' },
  { name: 'zset-max-listpack-entries', kind: { type: 'int', min: 0, max: LLONG_MAX }, defaultValue: '128', alias: 'zset-max-ziplist-entries' },
  { name: 'zset-max-listpack-value', kind: { type: 'memory', min: 0, max: LLONG_MAX }, defaultValue: '64', alias: 'zset-max-ziplist-value' },
  { name: 'stream-node-max-bytes', kind: { type: 'memory', min: 0, max: LLONG_MAX }, defaultValue: '4096' },
  { name: 'stream-node-max-entries', kind: { type: 'int', min: 0, max: LLONG_MAX }, defaultValue: '100' },
  { name: 'hll-sparse-max-bytes', kind: { type: 'memory', min: 0, max: LLONG_MAX }, defaultValue: '3000' },
  { name: 'list-max-listpack-size', kind: { type: 'int', min: INT_MIN, max: INT_MAX }, defaultValue: '-2', alias: 'list-max-ziplist-size' },
  { name: 'list-compress-depth', kind: { type: 'int', min: 0, max: INT_MAX }, defaultValue: '0' },
  { name: 'maxmemory', kind: { type: 'memory', min: 0, max: ULLONG_MAX }, defaultValue: '0' },
  { name: 'maxmemory-policy', kind: { type: 'enum', values: MAXMEMORY_POLICIES }, defaultValue: 'noeviction' },
  { name: 'maxmemory-samples', kind: { type: 'int', min: 1, max: INT_MAX }, defaultValue: '5' },
  { name: 'maxmemory-eviction-tenacity', kind: { type: 'int', min: 0, max: 100 }, defaultValue: '10' },
  { name: 'lfu-log-factor', kind: { type: 'int', min: 0, max: INT_MAX }, defaultValue: '10' },
  { name: 'lfu-decay-time', kind: { type: 'int', min: 0, max: INT_MAX }, defaultValue: '1' },
  // The lab's files live at the root of its storage; redis refuses to move them at run time.
  { name: 'dir', kind: { type: 'string' }, defaultValue: '/', protectedConfig: true },
  { name: 'lazyfree-lazy-expire', kind: { type: 'bool' }, defaultValue: 'no' },
  { name: 'lazyfree-lazy-eviction', kind: { type: 'bool' }, defaultValue: 'no' },
  { name: 'repl-diskless-sync', kind: { type: 'bool' }, defaultValue: 'yes' },
  { name: 'repl-backlog-size', kind: { type: 'memory', min: 1, max: LLONG_MAX }, defaultValue: '1048576' },
];

const BY_NAME = new Map<string, Directive>();
for (const d of DIRECTIVES) {
  BY_NAME.set(d.name, d);
  if (d.alias) BY_NAME.set(d.alias, d);
}

const MEMORY_UNITS: Record<string, number> = { '': 1, b: 1, k: 1000, kb: 1024, m: 1000 ** 2, mb: 1024 ** 2, g: 1000 ** 3, gb: 1024 ** 3 };

/** Redis's memtoull: "64mb" → 67108864; null when malformed. */
export function parseMemory(text: string): number | null {
  // memtoull reads an empty string as 0.
  if (text === '') return 0;
  const match = /^([0-9]+)([a-z]*)$/i.exec(text);
  if (!match) return null;
  const unit = MEMORY_UNITS[match[2]!.toLowerCase()];
  if (unit === undefined) return null;
  return Number(match[1]) * unit;
}

/** Save points as pairs; null when the text is not pairs of positive integers. */
export function parseSavePoints(text: string): { seconds: number; changes: number }[] | null {
  const parts = text.trim().split(/\s+/).filter(Boolean);
  if (parts.length % 2 !== 0) return null;
  const points: { seconds: number; changes: number }[] = [];
  for (let i = 0; i < parts.length; i += 2) {
    const seconds = parseInt64(parts[i]!);
    const changes = parseInt64(parts[i + 1]!);
    if (seconds === null || changes === null || seconds < 1n || changes < 0n) return null;
    points.push({ seconds: Number(seconds), changes: Number(changes) });
  }
  return points;
}

/** The canonical text of a valid value, or the reason it is invalid (Redis's wording). */
function normalize(directive: Directive, raw: string): { ok: true; value: string } | { ok: false; reason: string } {
  const kind = directive.kind;
  switch (kind.type) {
    case 'bool': {
      const v = raw.toLowerCase();
      if (v !== 'yes' && v !== 'no') return { ok: false, reason: "argument must be 'yes' or 'no'" };
      return { ok: true, value: v };
    }
    case 'enum': {
      const v = raw.toLowerCase();
      if (!kind.values.includes(v)) return { ok: false, reason: `argument(s) must be one of the following: ${kind.values.join(', ')}` };
      return { ok: true, value: v };
    }
    case 'int': {
      const v = parseInt64(raw);
      if (v === null) return { ok: false, reason: 'argument couldn\'t be parsed into an integer' };
      if (v < BigInt(kind.min) || v > BigInt(kind.max)) return { ok: false, reason: `argument must be between ${kind.min} and ${kind.max} inclusive` };
      if (directive.clamp) return { ok: true, value: String(Math.min(Math.max(Number(v), directive.clamp[0]), directive.clamp[1])) };
      return { ok: true, value: v.toString() };
    }
    case 'memory': {
      const v = parseMemory(raw);
      if (v === null) return { ok: false, reason: 'argument must be a memory value' };
      if (v < kind.min || BigInt(v) > BigInt(kind.max)) return { ok: false, reason: `argument must be between ${kind.min} and ${kind.max} inclusive` };
      return { ok: true, value: String(v) };
    }
    case 'string':
      return { ok: true, value: raw };
    case 'save': {
      if (raw.trim() === '') return { ok: true, value: '' };
      const points = parseSavePoints(raw);
      if (!points) return { ok: false, reason: 'Invalid save parameters' };
      return { ok: true, value: points.map((p) => `${p.seconds} ${p.changes}`).join(' ') };
    }
  }
}

export class ConfigError extends Error {}

/** The live configuration of one server. Values are kept as their canonical text. */
export class Config {
  private readonly values = new Map<string, string>();
  private readonly listeners: ((name: string, value: string) => void)[] = [];

  constructor() {
    for (const d of DIRECTIVES) this.values.set(d.name, d.defaultValue);
  }

  /** The directive CONFIG SET may change, or a ConfigError with Redis's reason. */
  static settable(name: string, atStartup = false): Directive {
    const directive = BY_NAME.get(name.toLowerCase());
    if (!directive) throw new ConfigError(`Unknown option or number of arguments for CONFIG SET - '${name}'`);
    if (directive.immutable && !atStartup) {
      throw new ConfigError(`CONFIG SET failed (possibly related to argument '${name}') - can't set immutable config`);
    }
    if (directive.protectedConfig && !atStartup) {
      throw new ConfigError(`CONFIG SET failed (possibly related to argument '${name}') - can't set protected config`);
    }
    return directive;
  }

  static isKnown(name: string): boolean {
    return BY_NAME.has(name.toLowerCase());
  }

  get(name: string): string {
    const directive = BY_NAME.get(name.toLowerCase());
    if (!directive) throw new ConfigError(`unknown directive '${name}'`);
    return this.values.get(directive.name)!;
  }

  getBool(name: string): boolean {
    return this.get(name) === 'yes';
  }

  getNumber(name: string): number {
    return Number(this.get(name));
  }

  onChange(listener: (name: string, value: string) => void): void {
    this.listeners.push(listener);
  }

  /**
   * Sets a directive. `atStartup` allows immutable ones (as in redis.conf or command-line
   * arguments). Throws ConfigError with Redis's reason text.
   */
  set(name: string, raw: string, atStartup = false): void {
    const directive = Config.settable(name, atStartup);
    const result = normalize(directive, raw);
    if (!result.ok) {
      throw new ConfigError(atStartup ? result.reason : `CONFIG SET failed (possibly related to argument '${name}') - ${result.reason}`);
    }
    this.values.set(directive.name, result.value);
    for (const listener of this.listeners) listener(directive.name, result.value);
  }

  /** [name, value] pairs whose name matches `matches` (a glob test supplied by the caller). */
  entries(matches: (name: string) => boolean): [string, string][] {
    const out: [string, string][] = [];
    for (const [name, d] of BY_NAME) {
      if (matches(name)) out.push([name, this.values.get(d.name)!]);
    }
    return out;
  }
}

export interface ConfigLineError {
  line: number;
  message: string;
}

/**
 * Applies redis.conf text (one "directive args…" per line, # comments). Returns the errors per
 * line; valid lines are applied even when others fail, so the editor can show all problems.
 */
export function applyConfigText(config: Config, text: string): ConfigLineError[] {
  const errors: ConfigLineError[] = [];
  const lines = text.split(/\r?\n/);
  // Several `save` lines add up, as in redis.conf; `save ""` clears.
  let savePoints: string | null = null;
  lines.forEach((rawLine, index) => {
    const line = rawLine.trim();
    if (line === '' || line.startsWith('#')) return;
    const split = splitCommandLine(line as Bin);
    if (!split.ok || split.argv.length === 0) {
      errors.push({ line: index + 1, message: 'Unbalanced quotes in configuration line' });
      return;
    }
    const [name, ...args] = split.argv;
    if (!Config.isKnown(name!)) {
      errors.push({ line: index + 1, message: `Bad directive or wrong number of arguments: '${name}'` });
      return;
    }
    try {
      let value = args.join(' ');
      if (name!.toLowerCase() === 'save') {
        savePoints = value.trim() === '' || savePoints === null ? value : `${savePoints} ${value}`;
        value = savePoints;
      }
      config.set(name!, value, true);
    } catch (e) {
      errors.push({ line: index + 1, message: (e as Error).message });
    }
  });
  return errors;
}

/** The encoding thresholds a Config sets, in the shape the Engine takes. */
export function encodingLimits(config: Config): EncodingLimits {
  return {
    hashMaxListpackEntries: config.getNumber('hash-max-listpack-entries'),
    hashMaxListpackValue: config.getNumber('hash-max-listpack-value'),
    setMaxIntsetEntries: config.getNumber('set-max-intset-entries'),
    zsetMaxListpackEntries: config.getNumber('zset-max-listpack-entries'),
    zsetMaxListpackValue: config.getNumber('zset-max-listpack-value'),
    streamNodeMaxBytes: config.getNumber('stream-node-max-bytes'),
    streamNodeMaxEntries: config.getNumber('stream-node-max-entries'),
    hllSparseMaxBytes: config.getNumber('hll-sparse-max-bytes'),
    listMaxListpackSize: config.getNumber('list-max-listpack-size'),
    listCompressDepth: config.getNumber('list-compress-depth'),
  };
}
