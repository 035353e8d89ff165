// COMMAND and its subcommands (COUNT, LIST, INFO, DOCS, GETKEYS, GETKEYSANDFLAGS, HELP) as
// redis-server 7.0.15 replies to them (server.c addReplyCommandInfo / addReplyCommandDocs), built
// from redis's own command facts, for the commands this engine implements.
import type { Bin } from '../bytes.js';
import type { Engine } from '../engine.js';
import { ERR } from '../errors.js';
import { array, bulk, EMPTY_ARRAY, int, NIL, status, type Reply } from '../resp/reply.js';
import { stringMatch } from '../util/glob.js';
import {
  type ArgFacts,
  type CommandFacts,
  COMMAND_FLAG_ORDER,
  commandFacts,
  derivedFacts,
  isAclCategory,
  type KeyReference,
  type KeySpecFacts,
  keysFromSpecs,
} from './command-table.js';
import { command, fail, type CommandSpec } from './types.js';

/** A command the engine implements, with its facts and the subcommands it implements. */
interface Implemented {
  readonly facts: CommandFacts;
  readonly subcommands: readonly Implemented[];
}

function implemented(spec: CommandSpec): Implemented | null {
  const facts = commandFacts(spec.name);
  if (!facts) return null;
  const subcommands: Implemented[] = [];
  for (const sub of Object.values(spec.subcommands ?? {})) {
    const entry = implemented(sub);
    if (entry) subcommands.push(entry);
  }
  return { facts, subcommands };
}

function allImplemented(engine: Engine): Implemented[] {
  const out: Implemented[] = [];
  for (const spec of engine.commands.values()) {
    const entry = implemented(spec);
    if (entry) out.push(entry);
  }
  return out;
}

/** lookupCommandBySds: "name" or "container|sub", case-insensitive. */
function lookupByFullName(engine: Engine, fullName: Bin): Implemented | null {
  const [name, sub, ...rest] = fullName.toLowerCase().split('|');
  const spec = engine.commands.get(name!);
  if (!spec || rest.length > 0) return null;
  if (sub === undefined) return implemented(spec);
  const subSpec = spec.subcommands?.[sub];
  return subSpec ? implemented(subSpec) : null;
}

const flagSet = (names: readonly string[]): Reply => array(names.map((n) => status(n)));
const map = (pairs: readonly [string, Reply][]): Reply => array(pairs.flatMap(([k, v]) => [bulk(k), v]));

const KEY_FLAG_ORDER = ['RO', 'RW', 'OW', 'RM', 'ACCESS', 'UPDATE', 'INSERT', 'DELETE', 'NOT_KEY', 'INCOMPLETE', 'VARIABLE_FLAGS'];
const KEY_FLAG_NAMES: Record<string, string> = { ACCESS: 'access', UPDATE: 'update', INSERT: 'insert', DELETE: 'delete', NOT_KEY: 'not_key', INCOMPLETE: 'incomplete', VARIABLE_FLAGS: 'variable_flags' };

function keyFlags(flags: readonly string[]): Reply {
  return flagSet(KEY_FLAG_ORDER.filter((f) => flags.includes(f)).map((f) => KEY_FLAG_NAMES[f] ?? f));
}

function keySpecReply(spec: KeySpecFacts): Reply {
  const pairs: [string, Reply][] = [];
  if (spec.notes) pairs.push(['notes', bulk(spec.notes)]);
  pairs.push(['flags', keyFlags(spec.flags)]);
  const { index, keyword } = spec.begin_search;
  if (index) pairs.push(['begin_search', map([['type', bulk('index')], ['spec', map([['index', int(index.pos)]])]])]);
  else if (keyword) {
    pairs.push(['begin_search', map([['type', bulk('keyword')], ['spec', map([['keyword', bulk(keyword.keyword)], ['startfrom', int(keyword.startfrom)]])]])]);
  } else pairs.push(['begin_search', map([['type', bulk('unknown')], ['spec', EMPTY_ARRAY]])]);
  const { range, keynum } = spec.find_keys;
  if (range) {
    pairs.push(['find_keys', map([['type', bulk('range')], ['spec', map([['lastkey', int(range.lastkey)], ['keystep', int(range.step)], ['limit', int(range.limit)]])]])]);
  } else if (keynum) {
    pairs.push(['find_keys', map([['type', bulk('keynum')], ['spec', map([['keynumidx', int(keynum.keynumidx)], ['firstkey', int(keynum.firstkey)], ['keystep', int(keynum.step)]])]])]);
  } else pairs.push(['find_keys', map([['type', bulk('unknown')], ['spec', EMPTY_ARRAY]])]);
  return map(pairs);
}

function infoReply(entry: Implemented): Reply {
  const { facts } = entry;
  const derived = derivedFacts(facts);
  const [first, last, step] = derived.legacyRange;
  return array([
    bulk(facts.name),
    int(facts.arity),
    flagSet(COMMAND_FLAG_ORDER.filter((f) => derived.flags.has(f))),
    int(first),
    int(last),
    int(step),
    flagSet(derived.aclCategories),
    array((facts.tips ?? []).map((t) => bulk(t))),
    array((facts.key_specs ?? []).map(keySpecReply)),
    array(entry.subcommands.map(infoReply)),
  ]);
}

function argReply(arg: ArgFacts): Reply {
  const pairs: [string, Reply][] = [['name', bulk(arg.name)], ['type', bulk(arg.type)]];
  if (arg.key_spec_index !== undefined) pairs.push(['key_spec_index', int(arg.key_spec_index)]);
  if (arg.token !== undefined) pairs.push(['token', bulk(arg.token)]);
  if (arg.summary !== undefined) pairs.push(['summary', bulk(arg.summary)]);
  if (arg.since !== undefined) pairs.push(['since', bulk(arg.since)]);
  if (arg.deprecated_since !== undefined) pairs.push(['deprecated_since', bulk(arg.deprecated_since)]);
  const flags = (['optional', 'multiple', 'multiple_token'] as const).filter((f) => arg[f]);
  if (flags.length > 0) pairs.push(['flags', flagSet(flags)]);
  if (arg.type === 'oneof' || arg.type === 'block') pairs.push(['arguments', array((arg.arguments ?? []).map(argReply))]);
  return map(pairs);
}

function docsReply(entry: Implemented): Reply {
  const { facts } = entry;
  const pairs: [string, Reply][] = [];
  if (facts.summary) pairs.push(['summary', bulk(facts.summary)]);
  if (facts.since) pairs.push(['since', bulk(facts.since)]);
  pairs.push(['group', bulk(facts.group.replace('_', '-'))]);
  if (facts.complexity) pairs.push(['complexity', bulk(facts.complexity)]);
  if (facts.doc_flags) pairs.push(['doc_flags', flagSet(['DEPRECATED', 'SYSCMD'].filter((f) => facts.doc_flags!.includes(f)).map((f) => f.toLowerCase()))]);
  if (facts.deprecated_since) pairs.push(['deprecated_since', bulk(facts.deprecated_since)]);
  if (facts.replaced_by) pairs.push(['replaced_by', bulk(facts.replaced_by)]);
  if (facts.history) pairs.push(['history', array(facts.history.map(([since, change]) => array([bulk(since), bulk(change)])))]);
  if (facts.arguments) pairs.push(['arguments', array(facts.arguments.map(argReply))]);
  if (facts.subcommands) pairs.push(['subcommands', map(entry.subcommands.map((sub) => [sub.facts.name, docsReply(sub)]))]);
  return map(pairs);
}

/** COMMAND LIST: each command, then its subcommands, flattened. */
function listNames(entries: readonly Implemented[], keep: (facts: CommandFacts) => boolean): Reply[] {
  const out: Reply[] = [];
  for (const entry of entries) {
    if (keep(entry.facts)) out.push(bulk(entry.facts.name));
    out.push(...listNames(entry.subcommands, keep));
  }
  return out;
}

function commandList(engine: Engine, argv: readonly Bin[]): Reply {
  let keep: (facts: CommandFacts) => boolean = () => true;
  for (let i = 2; i < argv.length; i++) {
    const more = argv.length - 1 - i;
    if (argv[i]!.toLowerCase() !== 'filterby' || more !== 2) fail(ERR.syntax);
    const type = argv[i + 1]!.toLowerCase();
    const arg = argv[i + 2]!;
    if (type === 'module') keep = () => false;
    else if (type === 'aclcat') {
      const category = `@${arg.toLowerCase()}`;
      keep = isAclCategory(arg) ? (facts) => derivedFacts(facts).aclCategories.includes(category) : () => false;
    } else if (type === 'pattern') keep = (facts) => stringMatch(arg, facts.name, true);
    else fail(ERR.syntax);
    i += 2;
  }
  return array(listNames(allImplemented(engine), keep));
}

/** The keys of a call, with their flags, as COMMAND GETKEYS finds them. */
function getKeys(engine: Engine, argv: readonly Bin[]): { keys: KeyReference[] } | string {
  const call = argv.slice(2);
  const spec = engine.commands.get(call[0]!.toLowerCase());
  const sub = spec?.subcommands && call.length >= 2 ? spec.subcommands[call[1]!.toLowerCase()] : spec;
  const facts = sub && commandFacts(sub.name);
  if (!facts) return 'ERR Invalid command specified';
  const specs = facts.key_specs ?? [];
  const native = NATIVE_GETKEYS[facts.name];
  if (!native && !specs.some((s) => !s.flags.includes('NOT_KEY'))) return 'ERR The command has no key arguments';
  if ((facts.arity > 0 && facts.arity !== call.length) || call.length < -facts.arity) return 'ERR Invalid number of arguments specified for command';
  const variable = specs.some((s) => s.flags.includes('VARIABLE_FLAGS'));
  let keys = variable ? null : keysFromSpecs(facts, call, false);
  if (keys === null && native) keys = native(call);
  if (keys === null || keys.length === 0) {
    if (derivedFacts(facts).flags.has('no_mandatory_keys')) return { keys: [] };
    return 'ERR Invalid arguments specified for command';
  }
  return { keys };
}

/** The getkeys_proc functions of db.c for the commands whose specs cannot say it all. */
const NATIVE_GETKEYS: Readonly<Record<string, (argv: readonly Bin[]) => KeyReference[]>> = {
  set(argv) {
    for (let i = 3; i < argv.length; i++) if (argv[i]!.toLowerCase() === 'get') return [{ pos: 1, flags: ['RW', 'ACCESS', 'UPDATE'] }];
    return [{ pos: 1, flags: ['OW', 'UPDATE'] }];
  },
  bitfield(argv) {
    let readonly = true;
    for (let i = 2; i < argv.length; i++) {
      const left = argv.length - i - 1;
      const arg = argv[i]!.toLowerCase();
      if (arg === 'get' && left >= 2) i += 2;
      else if (arg === 'overflow' && left >= 1) i += 1;
      else {
        // SET / INCRBY, or a syntax error: assumed to write.
        readonly = false;
        break;
      }
    }
    return [{ pos: 1, flags: readonly ? ['RO', 'ACCESS'] : ['RW', 'ACCESS', 'UPDATE'] }];
  },
  sort_ro: () => [{ pos: 1, flags: ['RO', 'ACCESS'] }],
  sort(argv) {
    const keys: KeyReference[] = [{ pos: 1, flags: ['RO', 'ACCESS'] }];
    let store: KeyReference | null = null;
    const skips: Record<string, number> = { limit: 2, get: 1, by: 1 };
    for (let i = 2; i < argv.length; i++) {
      const arg = argv[i]!.toLowerCase();
      if (arg in skips) i += skips[arg]!;
      else if (arg === 'store' && i + 1 < argv.length) store = { pos: i + 1, flags: ['OW', 'UPDATE'] };
    }
    return store ? [...keys, store] : keys;
  },
};

/** COMMAND GETKEYS / GETKEYSANDFLAGS: each key of the call, rendered by `reply`. */
function keysCommand(name: string, reply: (key: Bin, flags: readonly string[]) => Reply): CommandSpec {
  return command({
    name,
    arity: -4,
    run(ctx, argv) {
      const found = getKeys(ctx.engine, argv);
      if (typeof found === 'string') fail(found);
      return array(found.keys.map((k) => reply(argv[k.pos + 2]!, k.flags)));
    },
  });
}

// Every command dispatched asks for its flags: looked up once per spec, not by name each time.
const flagsOfSpec = new WeakMap<CommandSpec, ReadonlySet<string>>();

/** The facts-based flags of a command the engine runs (for OOM checks, WATCH, …). */
export function commandFlags(spec: CommandSpec): ReadonlySet<string> {
  let flags = flagsOfSpec.get(spec);
  if (flags === undefined) {
    const facts = commandFacts(spec.name);
    flags = facts ? derivedFacts(facts).flags : new Set(spec.write ? ['write'] : []);
    flagsOfSpec.set(spec, flags);
  }
  return flags;
}

const HELP = [
  '(no subcommand)',
  '    Return details about all Redis commands.',
  'COUNT',
  '    Return the total number of commands in this Redis server.',
  'LIST',
  '    Return a list of all commands in this Redis server.',
  'INFO [<command-name> ...]',
  '    Return details about multiple Redis commands.',
  '    If no command names are given, documentation details for all',
  '    commands are returned.',
  'DOCS [<command-name> ...]',
  '    Return documentation details about multiple Redis commands.',
  '    If no command names are given, documentation details for all',
  '    commands are returned.',
  'GETKEYS <full-command>',
  '    Return the keys from a full Redis command.',
  'GETKEYSANDFLAGS <full-command>',
  '    Return the keys and the access flags from a full Redis command.',
];

/** addReplyHelp: the header, the lines, then HELP itself. */
export function helpReply(commandName: string, lines: readonly string[]): Reply {
  return array([
    status(`${commandName.toUpperCase()} <subcommand> [<arg> [value] [opt] ...]. Subcommands are:`),
    ...lines.map((line) => status(line)),
    status('HELP'),
    status('    Prints this help.'),
  ]);
}

const allInfo = (engine: Engine): Reply => array(allImplemented(engine).map(infoReply));

export const introspectionCommands: readonly CommandSpec[] = [
  command({
    name: 'command',
    arity: -1,
    run: (ctx) => allInfo(ctx.engine),
    subcommands: {
      count: command({ name: 'command|count', arity: 2, run: (ctx) => int(allImplemented(ctx.engine).length) }),
      list: command({ name: 'command|list', arity: -2, run: (ctx, argv) => commandList(ctx.engine, argv) }),
      info: command({
        name: 'command|info',
        arity: -2,
        run(ctx, argv) {
          if (argv.length === 2) return allInfo(ctx.engine);
          return array(argv.slice(2).map((name) => {
            const entry = lookupByFullName(ctx.engine, name);
            return entry ? infoReply(entry) : NIL;
          }));
        },
      }),
      docs: command({
        name: 'command|docs',
        arity: -2,
        run(ctx, argv) {
          const entries = argv.length === 2 ? allImplemented(ctx.engine) : argv.slice(2).map((n) => lookupByFullName(ctx.engine, n)).filter((e) => e !== null);
          return map(entries.map((e) => [e.facts.name, docsReply(e)]));
        },
      }),
      getkeys: keysCommand('command|getkeys', (key) => bulk(key)),
      getkeysandflags: keysCommand('command|getkeysandflags', (key, flags) => array([bulk(key), keyFlags(flags)])),
      help: command({ name: 'command|help', arity: 2, run: () => helpReply('command', HELP) }),
    },
  }),
];
