// ZUNION / ZINTER / ZDIFF, their STORE forms and ZINTERCARD as zunionInterDiffGenericCommand does
// them: every key looked up (and type-checked) before the options, sets taking part with score 1,
// inputs ordered by size (union and inter), weights and SUM/MIN/MAX with redis's NaN rules
// (a NaN product or sum counts as 0), and a stored result that is a listpack when it fits.
import type { Bin } from '../bytes.js';
import type { CommandContext } from '../context.js';
import { ERR } from '../errors.js';
import { compareZEntry, SetValue, ZSetValue, type ZEntry } from '../keyspace/values.js';
import { int, type Reply } from '../resp/reply.js';
import { parseDouble, parseIntArg } from '../util/numbers.js';
import { command, fail, type CommandSpec } from './types.js';
import { entriesReply } from './zset-range-commands.js';

type Operation = 'union' | 'inter' | 'diff';
type Aggregate = 'sum' | 'min' | 'max';

interface Source {
  readonly value: ZSetValue | SetValue | null;
  weight: number;
}

function sourceSize(source: Source): number {
  const v = source.value;
  return v === null ? 0 : v instanceof ZSetValue ? v.size : v.members.size;
}

/** zuiNext: members with their scores (1 for a set), in the source's own order. */
function* sourceEntries(source: Source): Generator<readonly [Bin, number]> {
  const v = source.value;
  if (v === null) return;
  if (v instanceof ZSetValue) for (const e of v.sorted) yield [e.member, e.score];
  else for (const m of v.members) yield [m, 1];
}

/** zuiFind. */
function sourceScore(source: Source, member: Bin): number | undefined {
  const v = source.value;
  if (v === null) return undefined;
  if (v instanceof ZSetValue) return v.scores.get(member);
  return v.members.has(member) ? 1 : undefined;
}

/** zunionInterAggregate: inf + -inf is 0 in a sum; a NaN never wins MIN or MAX. */
function aggregate(target: number, value: number, how: Aggregate): number {
  if (how === 'sum') {
    const sum = target + value;
    return Number.isNaN(sum) ? 0 : sum;
  }
  if (how === 'min') return value < target ? value : target;
  return value > target ? value : target;
}

interface Parsed {
  sources: Source[];
  how: Aggregate;
  withScores: boolean;
  limit: number;
}

/** The arguments from numkeys on, in zunionInterDiffGenericCommand's order of checks. */
function parse(ctx: CommandContext, argv: readonly Bin[], numkeysIndex: number, op: Operation, store: boolean, cardinalityOnly: boolean): Parsed {
  const count = parseIntArg(argv[numkeysIndex]!);
  if (count === null) fail(ERR.notInteger);
  if (count < 1) fail(ERR.atLeastOneKey(argv[0]!.toLowerCase()));
  if (count > argv.length - (numkeysIndex + 1)) fail(ERR.syntax);
  const sources: Source[] = [];
  let j = numkeysIndex + 1;
  for (let i = 0; i < count; i++, j++) {
    const value = ctx.lookup(argv[j]!);
    if (value !== undefined && !(value instanceof ZSetValue) && !(value instanceof SetValue)) fail(ERR.wrongType);
    sources.push({ value: value ?? null, weight: 1 });
  }
  let how: Aggregate = 'sum';
  let withScores = false;
  let limit = 0;
  while (j < argv.length) {
    const remaining = argv.length - j;
    const opt = argv[j]!.toLowerCase();
    if (op !== 'diff' && !cardinalityOnly && remaining >= count + 1 && opt === 'weights') {
      j++;
      for (const source of sources) {
        const weight = parseDouble(argv[j++]!);
        if (weight === null) fail(ERR.weightNotFloat);
        source.weight = weight;
      }
    } else if (op !== 'diff' && !cardinalityOnly && remaining >= 2 && opt === 'aggregate') {
      const name = argv[j + 1]!.toLowerCase();
      if (name !== 'sum' && name !== 'min' && name !== 'max') fail(ERR.syntax);
      how = name;
      j += 2;
    } else if (!store && !cardinalityOnly && opt === 'withscores') {
      withScores = true;
      j++;
    } else if (cardinalityOnly && remaining >= 2 && opt === 'limit') {
      const value = parseIntArg(argv[j + 1]!);
      if (value === null || value < 0) fail(ERR.limitNegative);
      limit = value;
      j += 2;
    } else fail(ERR.syntax);
  }
  return { sources, how, withScores, limit };
}

/** The result as member → score (an intersection stops at ZINTERCARD's LIMIT). */
function compute(op: Operation, parsed: Parsed): Map<Bin, number> {
  const { how, limit } = parsed;
  // Union and intersection take the smallest inputs first (a stable sort, as glibc's qsort is).
  const sources = op === 'diff' ? parsed.sources : [...parsed.sources].sort((a, b) => sourceSize(a) - sourceSize(b));
  const result = new Map<Bin, number>();
  const first = sources[0]!;
  if (op === 'inter') {
    if (sourceSize(first) === 0) return result;
    for (const [member, score0] of sourceEntries(first)) {
      let score = first.weight * score0;
      if (Number.isNaN(score)) score = 0;
      let everywhere = true;
      for (let j = 1; j < sources.length; j++) {
        const source = sources[j]!;
        // The same key twice: its score for this member, without looking it up again.
        const found = source.value === first.value ? score0 : sourceScore(source, member);
        if (found === undefined) {
          everywhere = false;
          break;
        }
        score = aggregate(score, found * source.weight, how);
      }
      if (!everywhere) continue;
      result.set(member, score);
      if (limit && result.size >= limit) break;
    }
  } else if (op === 'union') {
    for (const source of sources) {
      for (const [member, s] of sourceEntries(source)) {
        let score = source.weight * s;
        if (Number.isNaN(score)) score = 0;
        const existing = result.get(member);
        result.set(member, existing === undefined ? score : aggregate(existing, score, how));
      }
    }
  } else {
    // The first input again among the others leaves nothing.
    if (sources.slice(1).some((s) => s.value === first.value)) return result;
    for (const [member, score] of sourceEntries(first)) {
      if (!sources.slice(1).some((s) => sourceScore(s, member) !== undefined)) result.set(member, score);
    }
  }
  return result;
}

function sortedEntries(result: Map<Bin, number>): ZEntry[] {
  const entries = [...result].map(([member, score]) => ({ member, score }));
  return entries.sort((a, b) => compareZEntry(a.score, a.member, b.score, b.member));
}

function algebra(op: Operation, store: boolean, cardinalityOnly = false) {
  return (ctx: CommandContext, argv: readonly Bin[]): Reply => {
    const parsed = parse(ctx, argv, store ? 2 : 1, op, store, cardinalityOnly);
    const result = compute(op, parsed);
    if (cardinalityOnly) return int(result.size);
    if (!store) return entriesReply(sortedEntries(result), parsed.withScores);
    const destination = argv[1]!;
    if (result.size === 0) {
      if (ctx.db.delete(destination)) ctx.dirty();
      return int(0);
    }
    // Built as a skiplist, then converted when it fits (zsetConvertToListpackIfNeeded).
    let longest = 0;
    for (const member of result.keys()) if (member.length > longest) longest = member.length;
    const fits = result.size <= ctx.limits.zsetMaxListpackEntries && longest <= ctx.limits.zsetMaxListpackValue;
    ctx.db.setKey(destination, ZSetValue.fromEntries(sortedEntries(result), fits ? 'listpack' : 'skiplist'));
    ctx.dirty();
    return int(result.size);
  };
}

export const zsetAlgebraCommands: readonly CommandSpec[] = [
  command({ name: 'zunion', arity: -3, run: algebra('union', false) }),
  command({ name: 'zinter', arity: -3, run: algebra('inter', false) }),
  command({ name: 'zdiff', arity: -3, run: algebra('diff', false) }),
  command({ name: 'zunionstore', arity: -4, write: true, run: algebra('union', true) }),
  command({ name: 'zinterstore', arity: -4, write: true, run: algebra('inter', true) }),
  command({ name: 'zdiffstore', arity: -4, write: true, run: algebra('diff', true) }),
  command({ name: 'zintercard', arity: -3, run: algebra('inter', false, true) }),
];
