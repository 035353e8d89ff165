// Generators for set commands in the differential suites.
import fc from 'fast-check';
import type { Reply } from '../../../src/engine/resp/reply.js';
import type { LabHandle, Rules } from '../../support/differential.js';
import { HUGE_COUNTS, keyArb, sortArray, valueArb, scanElements } from '../../support/differential.js';

const memberArb = fc.oneof(fc.constantFrom('1', '2', '3', '-5', 'a', 'b', '10'), valueArb);

function sameShape(redisReply: Reply, labReply: Reply): string | void {
  if (redisReply.kind !== labReply.kind) return `different kinds: ${JSON.stringify([redisReply, labReply])}`;
  if (redisReply.kind === 'array' && labReply.kind === 'array' && redisReply.value?.length !== labReply.value?.length) return 'different counts';
  if (redisReply.kind === 'error' && JSON.stringify(redisReply) !== JSON.stringify(labReply)) return `different errors ${JSON.stringify([redisReply, labReply])}`;
}

/** SPOP removes random members: after checking the shapes, the lab's set is made equal to redis's. */
function reconcileSpop(argv: readonly string[], redisReply: Reply, labReply: Reply, lab: LabHandle): string | void {
  const problem = sameShape(redisReply, labReply);
  if (problem) return problem;
  const popped = (r: Reply): string[] =>
    r.kind === 'bulk' && r.value !== null ? [r.value] : r.kind === 'array' && r.value ? r.value.map((x) => (x.kind === 'bulk' ? x.value ?? '' : '')) : [];
  const redisPopped = popped(redisReply);
  const labPopped = popped(labReply);
  if (redisPopped.length === 0) return;
  // Put back what the lab popped and pop what redis popped, keeping the encoding history simple:
  // both sides started from the same set, so the result is the same members.
  const key = argv[1]!;
  const { engine, client } = lab;
  const wasMulti = client.multi;
  client.multi = null;
  if (labPopped.length > 0) engine.execute(client, ['SADD', key, ...labPopped]);
  engine.execute(client, ['SREM', key, ...redisPopped]);
  client.multi = wasMulti;
}

export const setCommandArb: fc.Arbitrary<string[]> = fc.oneof(
  fc.tuple(fc.constantFrom('SADD', 'SREM', 'SMISMEMBER'), keyArb, fc.array(memberArb, { minLength: 1, maxLength: 5 })).map(([c, k, ms]) => [c, k, ...ms]),
  fc.tuple(fc.constantFrom('SMEMBERS', 'SCARD'), keyArb).map(([c, k]) => [c, k]),
  fc.tuple(keyArb, memberArb).map(([k, m]) => ['SISMEMBER', k, m]),
  fc.tuple(keyArb, keyArb, memberArb).map(([a, b, m]) => ['SMOVE', a, b, m]),
  fc.tuple(fc.constantFrom('SINTER', 'SUNION', 'SDIFF'), fc.array(keyArb, { minLength: 1, maxLength: 3 })).map(([c, ks]) => [c, ...ks]),
  fc.tuple(fc.constantFrom('SINTERSTORE', 'SUNIONSTORE', 'SDIFFSTORE'), keyArb, fc.array(keyArb, { minLength: 1, maxLength: 3 })).map(([c, d, ks]) => [c, d, ...ks]),
  fc.tuple(keyArb, keyArb, fc.constantFrom<string[]>([], ['LIMIT', '1'], ['LIMIT', '0'], ['LIMIT', '-1'], ['FOO'])).map(([a, b, o]) => ['SINTERCARD', '2', a, b, ...o]),
  fc.constantFrom<string[]>(['SINTERCARD', '0', 'k1'], ['SINTERCARD', '3', 'k1'], ['SINTERCARD', 'x', 'k1']),
  fc.tuple(keyArb, fc.constantFrom<string[]>([], ['1'], ['2'], ['0'], ['100'], ['-1'], ['x'], ['1', '2'], ['-0'], ['9223372036854775807'], ['9223372036854775808'])).map(([k, o]) => ['SPOP', k, ...o]),
  fc.tuple(keyArb, fc.constantFrom<string[]>([], ['1'], ['3'], ['-4'], ['0'], ['100'], ['x'], ['1', '2'], ...HUGE_COUNTS.map((n) => [n]))).map(([k, o]) => ['SRANDMEMBER', k, ...o]),
  fc.tuple(keyArb, fc.constantFrom<string[]>(['0'], ['0', 'MATCH', '1*'], ['0', 'COUNT', '100'], ['x'])).map(([k, o]) => ['SSCAN', k, ...o]),
);

export const setRules: Rules = {
  smembers: { normalize: (_, r) => sortArray(r) },
  sinter: { normalize: (_, r) => sortArray(r) },
  sunion: { normalize: (_, r) => sortArray(r) },
  sdiff: { normalize: (_, r) => sortArray(r) },
  sscan: { reconcile: scanElements(false) },
  spop: { reconcile: reconcileSpop },
  srandmember: { reconcile: (_, a, b) => sameShape(a, b) },
};
