// Redis 7.0.15's description of every command (redis-commands.json, generated from redis's own
// src/commands/*.json by scripts/generate-command-table.ts) and what redis-server derives from it
// at startup: the implicit ACL categories, the legacy (first, last, step) key range and the
// movablekeys flag (server.c setImplicitACLCategories, populateCommandLegacyRangeSpec), and the
// key positions of a call (db.c getKeysUsingKeySpecs). A command added to the engine later gets
// its COMMAND INFO from here without further work.
import type { Bin } from '../bytes.js';
import { parseInt64 } from '../util/numbers.js';
import table from './redis-commands.json' with { type: 'json' };

export interface KeySpecFacts {
  readonly notes?: string;
  readonly flags: readonly string[];
  readonly begin_search: {
    readonly index?: { readonly pos: number };
    readonly keyword?: { readonly keyword: string; readonly startfrom: number };
    readonly unknown?: null;
  };
  readonly find_keys: {
    readonly range?: { readonly lastkey: number; readonly step: number; readonly limit: number };
    readonly keynum?: { readonly keynumidx: number; readonly firstkey: number; readonly step: number };
    readonly unknown?: null;
  };
}

export interface ArgFacts {
  readonly name: string;
  readonly type: string;
  readonly key_spec_index?: number;
  readonly token?: string;
  readonly summary?: string;
  readonly since?: string;
  readonly deprecated_since?: string;
  readonly optional?: boolean;
  readonly multiple?: boolean;
  readonly multiple_token?: boolean;
  readonly arguments?: readonly ArgFacts[];
}

export interface CommandFacts {
  /** Lower case; "container|sub" for a subcommand. */
  readonly name: string;
  readonly summary?: string;
  readonly since?: string;
  readonly group: string;
  readonly complexity?: string;
  readonly doc_flags?: readonly string[];
  readonly deprecated_since?: string;
  readonly replaced_by?: string;
  readonly history?: readonly (readonly [string, string])[];
  readonly arity: number;
  /** As in redis's JSON: WRITE, READONLY, DENYOOM … */
  readonly flags?: readonly string[];
  readonly acl_categories?: readonly string[];
  readonly tips?: readonly string[];
  readonly key_specs?: readonly KeySpecFacts[];
  readonly arguments?: readonly ArgFacts[];
  readonly subcommands?: readonly CommandFacts[];
}

/** What redis-server computes from a command's facts when it starts. */
export interface DerivedFacts {
  /** Lower-case command flags, movablekeys included. */
  readonly flags: ReadonlySet<string>;
  /** "@category" names in ACLCommandCategories order. */
  readonly aclCategories: readonly string[];
  /** COMMAND INFO's first key, last key and step. */
  readonly legacyRange: readonly [number, number, number];
}

/** server.h's CMD_* flags in the order addReplyFlagsForCommand lists them. */
export const COMMAND_FLAG_ORDER = [
  'write', 'readonly', 'denyoom', 'module', 'admin', 'pubsub', 'noscript', 'blocking', 'loading', 'stale',
  'skip_monitor', 'skip_slowlog', 'asking', 'fast', 'no_auth', 'no_mandatory_keys', 'no_async_loading',
  'no_multi', 'movablekeys', 'allow_busy',
] as const;

/** acl.c's ACLCommandCategories order. */
const ACL_CATEGORY_ORDER = [
  'keyspace', 'read', 'write', 'set', 'sortedset', 'list', 'hash', 'string', 'bitmap', 'hyperloglog', 'geo',
  'stream', 'pubsub', 'admin', 'fast', 'slow', 'blocking', 'dangerous', 'connection', 'transaction', 'scripting',
] as const;

const BY_NAME = new Map<string, CommandFacts>();
const TOP_LEVEL: CommandFacts[] = [];
for (const facts of (table as unknown as { commands: CommandFacts[] }).commands) {
  TOP_LEVEL.push(facts);
  BY_NAME.set(facts.name, facts);
  for (const sub of facts.subcommands ?? []) BY_NAME.set(sub.name, sub);
}

/** Every top-level command of redis-server 7.0.15 (sentinel-only ones excepted). */
export const REDIS_COMMANDS: readonly CommandFacts[] = TOP_LEVEL;

/** A command's facts by full name ("get", "config|get"), case-insensitive. */
export function commandFacts(fullName: string): CommandFacts | undefined {
  return BY_NAME.get(fullName.toLowerCase());
}

function isPlainRange(spec: KeySpecFacts): boolean {
  return spec.begin_search.index !== undefined && spec.find_keys.range !== undefined;
}

/** populateCommandLegacyRangeSpec: the legacy range and whether keys are "movable". */
function legacyRange(specs: readonly KeySpecFacts[]): { range: [number, number, number]; movable: boolean } {
  if (specs.length === 0) return { range: [0, 0, 0], movable: false };
  const only = specs[0]!;
  if (specs.length === 1 && isPlainRange(only)) {
    const pos = only.begin_search.index!.pos;
    const r = only.find_keys.range!;
    return { range: [pos, r.lastkey >= 0 ? r.lastkey + pos : r.lastkey, r.step], movable: only.flags.includes('INCOMPLETE') };
  }
  let movable = false;
  let first = Infinity;
  let last = 0;
  let previousLast = 0;
  // lastkey is compared unsigned, so a negative (from the end) always wins.
  const unsigned = (n: number) => (n < 0 ? 2 ** 32 + n : n);
  for (const spec of specs) {
    if (!isPlainRange(spec)) {
      movable = true;
      continue;
    }
    const pos = spec.begin_search.index!.pos;
    const r = spec.find_keys.range!;
    if (r.step !== 1 || (previousLast && previousLast !== pos - 1)) {
      movable = true;
      continue;
    }
    if (spec.flags.includes('INCOMPLETE')) movable = true;
    first = Math.min(first, pos);
    const absolute = r.lastkey >= 0 ? r.lastkey + pos : r.lastkey;
    last = unsigned(absolute) > unsigned(last) ? absolute : last;
    previousLast = last;
  }
  if (first === Infinity) return { range: [0, 0, 0], movable: true };
  return { range: [first, last, 1], movable };
}

const derivedCache = new WeakMap<CommandFacts, DerivedFacts>();

export function derivedFacts(facts: CommandFacts): DerivedFacts {
  const cached = derivedCache.get(facts);
  if (cached) return cached;
  const flags = new Set((facts.flags ?? []).map((f) => f.toLowerCase()));
  const { range, movable } = legacyRange(facts.key_specs ?? []);
  if (movable) flags.add('movablekeys');
  const categories = new Set((facts.acl_categories ?? []).map((c) => c.toLowerCase()));
  if (flags.has('write')) categories.add('write');
  if (flags.has('readonly') && !categories.has('scripting')) categories.add('read');
  if (flags.has('admin')) {
    categories.add('admin');
    categories.add('dangerous');
  }
  if (flags.has('pubsub')) categories.add('pubsub');
  if (flags.has('fast')) categories.add('fast');
  if (flags.has('blocking')) categories.add('blocking');
  if (!categories.has('fast')) categories.add('slow');
  const derived: DerivedFacts = {
    flags,
    aclCategories: ACL_CATEGORY_ORDER.filter((c) => categories.has(c)).map((c) => `@${c}`),
    legacyRange: range,
  };
  derivedCache.set(facts, derived);
  return derived;
}

/** The ACL category a name like "sortedset" stands for, or null when there is none. */
export function isAclCategory(name: string): boolean {
  return (ACL_CATEGORY_ORDER as readonly string[]).includes(name.toLowerCase());
}

export interface KeyReference {
  readonly pos: number;
  readonly flags: readonly string[];
}

/**
 * getKeysUsingKeySpecs: the key positions of a call, with their spec's flags. `partial` keeps
 * what was found when a spec cannot be followed (GET_KEYSPEC_RETURN_PARTIAL); otherwise such a
 * call has no keys and the result is null.
 */
export function keysFromSpecs(facts: CommandFacts, argv: readonly Bin[], partial: boolean): KeyReference[] | null {
  const argc = argv.length;
  const out: KeyReference[] = [];
  for (const spec of facts.key_specs ?? []) {
    if (spec.flags.includes('NOT_KEY')) continue;
    const found = followSpec(spec, argv, argc, facts.arity);
    if (found === null) {
      if (partial) continue;
      return null;
    }
    out.push(...found.map((pos) => ({ pos, flags: spec.flags })));
    if (spec.flags.includes('INCOMPLETE') && !partial) return null;
  }
  return out;
}

function followSpec(spec: KeySpecFacts, argv: readonly Bin[], argc: number, arity: number): number[] | null {
  let first = 0;
  const { index, keyword } = spec.begin_search;
  if (index) first = index.pos;
  else if (keyword) {
    const start = keyword.startfrom > 0 ? keyword.startfrom : argc + keyword.startfrom;
    const end = keyword.startfrom > 0 ? argc - 1 : 1;
    for (let i = start; i !== end; i = start <= end ? i + 1 : i - 1) {
      if (i >= argc || i < 1) break;
      if (argv[i]!.toLowerCase() === keyword.keyword.toLowerCase()) {
        first = i + 1;
        break;
      }
    }
    // A keyword that is absent is not an error: the spec just has no keys.
    if (!first) return [];
  } else return null;

  let last: number;
  let step: number;
  const { range, keynum } = spec.find_keys;
  if (range) {
    step = range.step;
    if (range.lastkey >= 0) last = first + range.lastkey;
    else if (!range.limit) last = argc + range.lastkey;
    else last = first + (Math.trunc((argc - first) / range.limit) + range.lastkey);
  } else if (keynum) {
    step = keynum.step;
    if (keynum.keynumidx >= argc) return null;
    const count = parseInt64(argv[first + keynum.keynumidx] ?? '');
    if (count === null || count < 0n) return null;
    first += keynum.firstkey;
    last = first + Number(count) - 1;
  } else return null;

  if (last >= argc || last < first || first >= argc) return null;
  const out: number[] = [];
  for (let i = first; i <= last; i += step) {
    if (i >= argc || i < first) {
      if (arity < 0) continue;
      return null;
    }
    out.push(i);
  }
  return out;
}
