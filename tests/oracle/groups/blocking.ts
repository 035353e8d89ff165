// Generators for blocking commands in the (single-client) differential suites. The lab's client
// cannot block, so it answers at once as Redis does inside MULTI; redis-server, which does block,
// gets timeouts short enough to answer nil soon after. Only BLMOVE and BRPOPLPUSH word the two
// nils differently (a nil bulk when they cannot block, a nil array when they time out).
import fc from 'fast-check';
import type { Reply } from '../../../src/engine/resp/reply.js';
import type { Rules } from '../../support/differential.js';
import { keyArb } from '../../support/differential.js';

const timeoutArb = fc.constantFrom('0.01', '0.01', '0.001', '-1', 'x', 'inf', '1e-5');
const endArb = fc.constantFrom('LEFT', 'RIGHT', 'left', 'UP');

export const blockingCommandArb: fc.Arbitrary<string[]> = fc.oneof(
  fc.tuple(fc.constantFrom('BLPOP', 'BRPOP', 'BZPOPMIN', 'BZPOPMAX'), fc.array(keyArb, { minLength: 1, maxLength: 3 }), timeoutArb).map(([c, ks, t]) => [c, ...ks, t]),
  fc.tuple(keyArb, keyArb, endArb, endArb, timeoutArb).map(([a, b, f, t, to]) => ['BLMOVE', a, b, f, t, to]),
  fc.tuple(keyArb, keyArb, timeoutArb).map(([a, b, t]) => ['BRPOPLPUSH', a, b, t]),
  fc.tuple(timeoutArb, fc.array(keyArb, { minLength: 1, maxLength: 2 }), fc.constantFrom('LEFT', 'RIGHT', 'MIDDLE'), fc.constantFrom<string[]>([], ['COUNT', '2'], ['COUNT', '0'], ['COUNT', '1', 'COUNT', '2'])).map(([t, ks, w, o]) => ['BLMPOP', t, String(ks.length), ...ks, w, ...o]),
  fc.tuple(fc.array(keyArb, { minLength: 1, maxLength: 2 }), fc.constantFrom('LEFT', 'RIGHT'), fc.constantFrom<string[]>([], ['COUNT', '3'], ['COUNT', 'x'])).map(([ks, w, o]) => ['LMPOP', String(ks.length), ...ks, w, ...o]),
  fc.tuple(timeoutArb, fc.array(keyArb, { minLength: 1, maxLength: 2 }), fc.constantFrom('MIN', 'MAX', 'max', 'MID'), fc.constantFrom<string[]>([], ['COUNT', '2'], ['COUNT', '-1'])).map(([t, ks, w, o]) => ['BZMPOP', t, String(ks.length), ...ks, w, ...o]),
  fc.tuple(fc.array(keyArb, { minLength: 1, maxLength: 2 }), fc.constantFrom('MIN', 'MAX'), fc.constantFrom<string[]>([], ['COUNT', '5'])).map(([ks, w, o]) => ['ZMPOP', String(ks.length), ...ks, w, ...o]),
  fc.tuple(keyArb, fc.constantFrom('$', '0', '5-0')).map(([k, id]) => ['XREAD', 'BLOCK', '10', 'STREAMS', k, id]),
  fc.tuple(keyArb, fc.constantFrom('>', '0')).map(([k, id]) => ['XREADGROUP', 'GROUP', 'g1', 'alice', 'BLOCK', '10', 'STREAMS', k, id]),
  fc.constantFrom<string[]>(['BLMPOP', '0.01', '0', 'k1', 'LEFT'], ['BLMPOP', '0.01', '5', 'k1', 'LEFT'], ['XREAD', 'BLOCK', '-1', 'STREAMS', 'k1', '$'], ['XREAD', 'BLOCK', 'x', 'STREAMS', 'k1', '$'], ['LMPOP', '1', 'k1']),
);

const NIL_BULK: Reply = { kind: 'bulk', value: null };
const nilAsBulk = (_: readonly string[], reply: Reply): Reply => (reply.kind === 'array' && reply.value === null ? NIL_BULK : reply);

export const blockingRules: Rules = {
  blmove: { normalize: nilAsBulk },
  brpoplpush: { normalize: nilAsBulk },
};
