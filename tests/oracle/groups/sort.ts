// Generators for SORT and SORT_RO: a list ("sl"), a set ("ss") and a sorted set ("sz") of
// elements that are numbers, words and strtod's corner cases, weight keys w_<element> and hashes
// h_<element> to sort BY and to GET, LIMIT, ASC/DESC, ALPHA and STORE (then the stored list, its
// nodes and the sorted set's encoding, which SORT converts). Orders redis leaves to its hash table
// (BY a constant on a hashtable set; ALPHA BY ties on a set or sorted set, or with LIMIT's
// partial sort) are compared as multisets, and such sorts are never stored. No value here makes
// strtod overflow or underflow: redis's SORT tests errno without clearing it first, so one
// ERANGE fails every numeric SORT after it until something else sets errno (see sort.ts).
import fc from 'fast-check';
import { ListValue, SetValue } from '../../../src/engine/keyspace/values.js';
import type { Reply } from '../../../src/engine/resp/reply.js';
import type { LabHandle, Rules } from '../../support/differential.js';
import { keyArb, sortArray } from '../../support/differential.js';

const ELEMENTS = ['1', '2', '3', '10', '-5', 'a', 'b', 'B', 'c', '1.5', '', ' 1', '0x10', 'inf', '-inf', 'nan', 'x y', 'caf\xc3\xa9', '007', '1e300'];
const WEIGHTS = ['1', '2', '-1', '0', '3.5', 'inf', '', 'abc', ' 7', '0x1p3', '10', '-inf', ' '];
const elementArb = fc.constantFrom(...ELEMENTS);
const weightArb = fc.constantFrom(...WEIGHTS);
const sourceArb = fc.oneof({ weight: 6, arbitrary: fc.constantFrom('sl', 'ss', 'sz') }, { weight: 1, arbitrary: keyArb });
const destinationArb = fc.constantFrom('dst', 'sl', 'k1', 'sz');

const byPattern = fc.constantFrom('w_*', 'h_*->f', 'h_*->g', 'h_*->', 'w_*x', '*');
const byConstant = fc.constantFrom('nosort', 'w_', 'h_->f');
const getPattern = fc.constantFrom('#', 'w_*', 'h_*->f', 'h_*->g', 'nokey', 'h_*');
const limitArb = fc.constantFrom<string[]>(['LIMIT', '0', '2'], ['LIMIT', '1', '3'], ['LIMIT', '-1', '2'], ['LIMIT', '2', '-1'], ['LIMIT', '0', '0'], ['LIMIT', '5', '1'], ['LIMIT', '30', '5']);
const orderArb = fc.constantFrom<string[]>([], [], ['ASC'], ['DESC']);

interface SortShape {
  alpha: boolean;
  by: 'none' | 'pattern' | 'constant';
  limit: boolean;
  store: boolean;
}

/** Options in a random order, for a sort of the given shape. */
function sortOptions(shape: SortShape): fc.Arbitrary<string[]> {
  return fc
    .tuple(
      shape.by === 'pattern' ? byPattern.map((p) => ['BY', p]) : shape.by === 'constant' ? byConstant.map((p) => ['BY', p]) : fc.constant([]),
      shape.limit ? limitArb : fc.constant([]),
      orderArb,
      fc.array(getPattern.map((p) => ['GET', p]), { maxLength: 2 }),
      shape.store ? destinationArb.map((d) => ['STORE', d]) : fc.constant([]),
    )
    .chain(([by, limit, order, gets, store]) => {
      const parts = [by, limit, order, ...gets, store, shape.alpha ? ['ALPHA'] : []];
      return fc.shuffledSubarray(parts, { minLength: parts.length }).map((shuffled) => shuffled.flat());
    });
}

const numericSort = fc
  .record({ by: fc.constantFrom<SortShape['by']>('none', 'pattern', 'constant'), limit: fc.boolean(), store: fc.boolean() })
  .chain((s) => fc.tuple(sourceArb, sortOptions({ ...s, alpha: false })))
  .map(([src, o]) => ['SORT', src, ...o]);

const alphaSort = fc
  .record({ by: fc.constantFrom<SortShape['by']>('none', 'constant'), limit: fc.boolean(), store: fc.boolean() })
  .chain((s) => fc.tuple(sourceArb, sortOptions({ ...s, alpha: true })))
  .map(([src, o]) => ['SORT', src, ...o]);

/** ALPHA by a pattern: ties keep the list's order only in a full (stable) sort of a list. */
const alphaBySort = fc
  .record({ limit: fc.constant(false), store: fc.boolean() })
  .chain((s) => sortOptions({ ...s, alpha: true, by: 'pattern' }))
  .map((o) => ['SORT', 'sl', ...o]);

const readOnlySort = fc
  .record({ alpha: fc.boolean(), by: fc.constantFrom<SortShape['by']>('none', 'pattern', 'constant'), limit: fc.boolean(), store: fc.constant(false) })
  .chain((s) => fc.tuple(sourceArb, sortOptions(s)))
  .map(([src, o]) => ['SORT_RO', src, ...o]);

export const sortCommandArb: fc.Arbitrary<string[]> = fc.oneof(
  { weight: 3, arbitrary: fc.array(elementArb, { minLength: 1, maxLength: 5 }).map((es) => ['RPUSH', 'sl', ...es]) },
  { weight: 2, arbitrary: fc.array(elementArb, { minLength: 1, maxLength: 5 }).map((es) => ['SADD', 'ss', ...es]) },
  { weight: 2, arbitrary: fc.array(fc.tuple(fc.constantFrom('1', '2', '0', '-1', '2.5'), elementArb), { minLength: 1, maxLength: 4 }).map((ps) => ['ZADD', 'sz', ...ps.flat()]) },
  { weight: 4, arbitrary: fc.tuple(elementArb, weightArb).map(([e, w]) => ['SET', `w_${e}`, w]) },
  { weight: 3, arbitrary: fc.tuple(elementArb, weightArb, weightArb).map(([e, f, g]) => ['HSET', `h_${e}`, 'f', f, 'g', g]) },
  { weight: 1, arbitrary: elementArb.map((e) => ['DEL', `w_${e}`]) },
  { weight: 6, arbitrary: numericSort },
  { weight: 3, arbitrary: alphaSort },
  { weight: 2, arbitrary: alphaBySort },
  { weight: 2, arbitrary: readOnlySort },
  { weight: 2, arbitrary: fc.constantFrom<string[]>(['LRANGE', 'dst', '0', '-1'], ['OBJECT', 'ENCODING', 'sz'], ['DEBUG', 'OBJECT', 'dst'], ['TYPE', 'dst'], ['PTTL', 'dst']) },
  { weight: 1, arbitrary: fc.constantFrom<string[]>(['CONFIG', 'SET', 'list-max-listpack-size', '1'], ['SET', 'dst', 'x', 'EX', '1000'], ['SADD', 'ss', ...Array.from({ length: 70 }, (_, i) => `m${i}`)]) },
  {
    weight: 1,
    arbitrary: fc.constantFrom<string[]>(
      ['SORT', 'sl', 'LIMIT', 'x', '1'],
      ['SORT', 'sl', 'LIMIT', '1'],
      ['SORT', 'sl', 'BY'],
      ['SORT', 'sl', 'GET'],
      ['SORT', 'sl', 'FOO'],
      ['SORT_RO', 'sl', 'STORE', 'dst'],
      ['SORT', 'sl', 'STORE'],
      ['SORT', 'sl', 'BY', 'nosort', 'BY', 'w_*', 'STORE', 'd1', 'STORE', 'dst'],
      ['SORT', 'ss', 'BY', 'nosort', 'STORE', 'dst'],
      ['SORT', 'ss', 'BY', 'nosort', 'DESC', 'LIMIT', '0', '3', 'STORE', 'dst'],
      ['SORT'],
    ),
  },
);

/**
 * How much of the reply redis decides alone (see the file's comment): all of it, the elements
 * but not their order, or (a LIMIT over such an order) only how many there are.
 */
function determinism(argv: readonly string[], lab: LabHandle): 'ordered' | 'multiset' | 'count' {
  const upper = argv.map((a) => a.toUpperCase());
  const bys = argv.filter((_, i) => i > 1 && upper[i - 1] === 'BY');
  const source = argv.length > 1 ? lab.engine.dbs[lab.client.db]!.dict.get(argv[1]!) : undefined;
  const limited = upper.includes('LIMIT');
  let free = false;
  if (bys.some((b) => !b.includes('*'))) free = !upper.includes('STORE') && source instanceof SetValue && source.encoding === 'hashtable';
  else if (bys.length > 0 && upper.includes('ALPHA')) free = !(source instanceof ListValue) || limited;
  if (!free) return 'ordered';
  return limited ? 'count' : 'multiset';
}

/** GET patterns turn one element into several replies: compare the groups, not the items. */
function sortGroups(argv: readonly string[], reply: Reply): Reply {
  if (reply.kind !== 'array' || !reply.value) return reply;
  const width = Math.max(1, argv.filter((a) => a.toUpperCase() === 'GET').length);
  const groups: Reply[] = [];
  for (let i = 0; i < reply.value.length; i += width) groups.push({ kind: 'array', value: reply.value.slice(i, i + width) });
  return sortArray({ kind: 'array', value: groups });
}

function sortRule() {
  return {
    reconcile(argv: readonly string[], redisReply: Reply, labReply: Reply, lab: LabHandle): string | void {
      const how = determinism(argv, lab);
      const norm = (r: Reply): Reply => {
        if (how === 'multiset') return sortGroups(argv, r);
        if (how === 'count' && r.kind === 'array') return { kind: 'int', value: r.value?.length ?? -1 };
        return r;
      };
      const a = JSON.stringify(norm(redisReply));
      const b = JSON.stringify(norm(labReply));
      if (a !== b) return `redis ${a}\n  lab   ${b}`;
    },
  };
}

export const sortRules: Rules = { sort: sortRule(), sort_ro: sortRule() };
