// Generators for stream commands in the differential suites. IDs are explicit (or "<ms>-*"),
// so both sides hold the same entries; times (idle, delivery and seen times) come from each
// side's clock, so replies carry them as zeros. Idle thresholds are 0 or far beyond anything
// this run creates, except for entries claimed with an old TIME or a huge IDLE.
import fc from 'fast-check';
import type { Reply } from '../../../src/engine/resp/reply.js';
import type { Rules } from '../../support/differential.js';
import { keyArb, valueArb } from '../../support/differential.js';

const msArb = fc.integer({ min: 0, max: 6 }).map(String);
const idArb = fc.oneof(
  fc.tuple(msArb, fc.integer({ min: 0, max: 3 })).map(([ms, seq]) => `${ms}-${seq}`),
  msArb,
  fc.constantFrom('0-0', '18446744073709551615-18446744073709551615', '18446744073709551615', '-1', 'x', '1-x', ' 1', '+1', '01-1', ''),
);
const boundArb = fc.oneof(idArb, fc.constantFrom('-', '+', '(1-0', '(3', '(-', '(+', '('));
const addIdArb = fc.oneof({ weight: 4, arbitrary: fc.tuple(msArb, fc.integer({ min: 0, max: 3 })).map(([ms, seq]) => `${ms}-${seq}`) }, { weight: 3, arbitrary: msArb.map((ms) => `${ms}-*`) }, { weight: 1, arbitrary: idArb });
const fieldArb = fc.oneof(fc.constantFrom('f', 'g', 'h', '1'), valueArb);
const groupArb = fc.constantFrom('g1', 'g2', 'nogroup');
const consumerArb = fc.constantFrom('alice', 'bob', '', 'carol');
const countArb = fc.constantFrom('0', '1', '2', '10', '-1', 'x');
const trimArb = fc.constantFrom<string[]>(
  [], [], ['MAXLEN', '2'], ['MAXLEN', '~', '1'], ['MAXLEN', '=', '0'], ['MINID', '3'], ['MINID', '~', '4-0'], ['MAXLEN', '~', '2', 'LIMIT', '1'],
  ['MAXLEN', '2', 'LIMIT', '1'], ['MAXLEN', '-1'], ['MAXLEN', 'x'], ['MINID', '+'], ['LIMIT', '2'], ['MAXLEN', '1', 'MINID', '1'], ['MAXLEN', '~', '0', 'LIMIT', '-1'],
);
const minIdleArb = fc.constantFrom('0', '100000000000', '-5', 'x');
const claimOptionsArb = fc.subarray(['JUSTID', 'FORCE', 'IDLE', '200000000000', 'TIME', '0', 'RETRYCOUNT', '7', 'LASTID', '5-0', 'NOPE'], { maxLength: 4 });

export const streamCommandArb: fc.Arbitrary<string[]> = fc.oneof(
  { weight: 6, arbitrary: fc.tuple(keyArb, fc.constantFrom<string[]>([], [], ['NOMKSTREAM']), trimArb, addIdArb, fc.array(fc.tuple(fieldArb, valueArb), { minLength: 1, maxLength: 3 })).map(([k, n, t, id, pairs]) => ['XADD', k, ...n, ...t, id, ...pairs.flat()]) },
  fc.constantFrom<string[]>(['XADD', 'k1', '1-1'], ['XADD', 'k1', '1-1', 'f'], ['XADD', 'k1', 'NOMKSTREAM']),
  fc.tuple(fc.constantFrom('XRANGE', 'XREVRANGE'), keyArb, boundArb, boundArb, fc.constantFrom<string[]>([], [], ['COUNT', '1'], ['COUNT', '0'], ['COUNT', '-3'], ['COUNT'], ['LIMIT', '1'])).map(([c, k, a, b, o]) => [c, k, a, b, ...o]),
  keyArb.map((k) => ['XLEN', k]),
  fc.tuple(keyArb, fc.array(idArb, { minLength: 1, maxLength: 3 })).map(([k, ids]) => ['XDEL', k, ...ids]),
  fc.tuple(keyArb, trimArb).map(([k, t]) => ['XTRIM', k, ...t]),
  fc.tuple(keyArb, idArb, fc.constantFrom<string[]>([], ['ENTRIESADDED', '9'], ['MAXDELETEDID', '1-0'], ['ENTRIESADDED', '-1'], ['MAXDELETEDID', '99-0'], ['FOO'])).map(([k, id, o]) => ['XSETID', k, id, ...o]),
  fc.tuple(countArb, fc.array(fc.tuple(keyArb, fc.oneof(idArb, fc.constant('$'), fc.constant('>'))), { minLength: 1, maxLength: 2 })).map(([n, streams]) => ['XREAD', 'COUNT', n, 'STREAMS', ...streams.map((s) => s[0]), ...streams.map((s) => s[1])]),
  fc.constantFrom<string[]>(['XREAD', 'STREAMS', 'k1'], ['XREAD', 'GROUP', 'g', 'c', 'STREAMS', 'k1', '0'], ['XREAD', 'NOACK', 'STREAMS', 'k1', '0'], ['XREAD', 'k1']),
  { weight: 2, arbitrary: fc.tuple(keyArb, groupArb, fc.oneof(idArb, fc.constant('$')), fc.constantFrom<string[]>([], [], ['MKSTREAM'], ['ENTRIESREAD', '3'], ['ENTRIESREAD', '-2'], ['MKSTREAM', 'ENTRIESREAD', '-1'], ['FOO'])).map(([k, g, id, o]) => ['XGROUP', 'CREATE', k, g, id, ...o]) },
  fc.tuple(keyArb, groupArb, fc.oneof(idArb, fc.constant('$')), fc.constantFrom<string[]>([], ['ENTRIESREAD', '2'], ['ENTRIESREAD'])).map(([k, g, id, o]) => ['XGROUP', 'SETID', k, g, id, ...o]),
  fc.tuple(fc.constantFrom('CREATECONSUMER', 'DELCONSUMER'), keyArb, groupArb, consumerArb).map(([s, k, g, c]) => ['XGROUP', s, k, g, c]),
  fc.tuple(keyArb, groupArb).map(([k, g]) => ['XGROUP', 'DESTROY', k, g]),
  fc.constantFrom<string[]>(['XGROUP', 'HELP'], ['XGROUP', 'NOPE', 'k1', 'g'], ['XGROUP'], ['XGROUP', 'CREATE', 'k1']),
  { weight: 3, arbitrary: fc.tuple(groupArb, consumerArb, fc.constantFrom<string[]>([], [], ['COUNT', '1'], ['NOACK'], ['COUNT', '2', 'NOACK']), keyArb, fc.oneof(fc.constant('>'), fc.constant('>'), idArb, fc.constant('$'))).map(([g, c, o, k, id]) => ['XREADGROUP', 'GROUP', g, c, ...o, 'STREAMS', k, id]) },
  fc.tuple(keyArb, groupArb, fc.array(idArb, { minLength: 1, maxLength: 3 })).map(([k, g, ids]) => ['XACK', k, g, ...ids]),
  fc.tuple(keyArb, groupArb, fc.constantFrom<string[]>([], [], ['-', '+', '10'], ['-', '+', '1', 'bob'], ['IDLE', '100000000000', '-', '+', '5'], ['IDLE', '0', '(1-0', '+', '5', 'alice'], ['-', '+'], ['-', '+', 'x'], ['IDLE', 'x', '-', '+', '1'])).map(([k, g, o]) => ['XPENDING', k, g, ...o]),
  fc.tuple(keyArb, groupArb, consumerArb, minIdleArb, fc.array(idArb, { minLength: 1, maxLength: 3 }), claimOptionsArb).map(([k, g, c, m, ids, o]) => ['XCLAIM', k, g, c, m, ...ids, ...o]),
  fc.tuple(keyArb, groupArb, consumerArb, minIdleArb, boundArb, fc.constantFrom<string[]>([], ['COUNT', '1'], ['JUSTID'], ['COUNT', '0'], ['COUNT', '2', 'JUSTID'], ['FOO'])).map(([k, g, c, m, s, o]) => ['XAUTOCLAIM', k, g, c, m, s, ...o]),
  fc.tuple(keyArb, fc.constantFrom<string[]>([], ['FULL'], ['FULL', 'COUNT', '1'], ['FULL', 'COUNT', '0'], ['FULL', 'COUNT', '-1'], ['FULL', 'x'], ['PARTIAL'])).map(([k, o]) => ['XINFO', 'STREAM', k, ...o]),
  fc.tuple(keyArb, groupArb).map(([k, g]) => ['XINFO', 'CONSUMERS', k, g]),
  keyArb.map((k) => ['XINFO', 'GROUPS', k]),
  fc.constantFrom<string[]>(['XINFO', 'HELP'], ['XINFO', 'NOPE', 'k1'], ['XINFO', 'GROUPS']),
);

/** Unix ms in a reply (delivery and seen times) or idle ms: each side's own clock. */
function zeroTimes(reply: Reply, idleAt: ((items: readonly Reply[]) => number | null) | null): Reply {
  if (reply.kind === 'int' && Number(reply.value) >= 1e12) return { kind: 'int', value: 0 };
  if (reply.kind !== 'array' || !reply.value) return reply;
  const items = reply.value.map((item) => zeroTimes(item, idleAt));
  const idle = idleAt?.(items) ?? null;
  if (idle !== null) items[idle] = { kind: 'int', value: 0 };
  return { kind: 'array', value: items };
}

const bulkAt = (items: readonly Reply[], i: number): string | null => {
  const item = items[i];
  return item?.kind === 'bulk' ? item.value : null;
};

export const streamRules: Rules = {
  // [id, consumer, idle, deliveries] entries of the extended form.
  xpending: { normalize: (_, reply) => zeroTimes(reply, (items) => (items.length === 4 && items[2]?.kind === 'int' && items[0]?.kind === 'bulk' && items[1]?.kind === 'bulk' ? 2 : null)) },
  // XINFO CONSUMERS: [name, n, pending, n, idle, ms]; XINFO STREAM FULL: times as unix ms.
  xinfo: { normalize: (_, reply) => zeroTimes(reply, (items) => (bulkAt(items, 4) === 'idle' ? 5 : null)) },
};
