// Generators for generic key and expiry commands in the differential suites.
import fc from 'fast-check';
import type { CommandRule, Rules } from '../../support/differential.js';
import { keyArb, sortArray, scanElements } from '../../support/differential.js';

const patternArb = fc.constantFrom('*', 'k*', 'k?', '*:*', '[a-k]*', '[^k]*', 'nul*', '\\*', '*e*', 'k[12]', '[', 'a\r\nb', '');
const timeArb = fc.constantFrom('1000', '100000', '0', '-1', 'x', '9223372036854775807', '-9223372036854775808', '4102444800', '1');
const expireFlagArb = fc.constantFrom<string[]>([], [], ['NX'], ['XX'], ['GT'], ['LT'], ['NX', 'XX'], ['GT', 'LT'], ['FOO']);

export const keyCommandArb: fc.Arbitrary<string[]> = fc.oneof(
  fc.array(keyArb, { minLength: 1, maxLength: 3 }).map((ks) => ['DEL', ...ks]),
  fc.array(keyArb, { minLength: 1, maxLength: 3 }).map((ks) => ['UNLINK', ...ks]),
  fc.array(keyArb, { minLength: 1, maxLength: 3 }).map((ks) => ['EXISTS', ...ks]),
  fc.array(keyArb, { minLength: 1, maxLength: 2 }).map((ks) => ['TOUCH', ...ks]),
  keyArb.map((k) => ['TYPE', k]),
  fc.tuple(keyArb, keyArb).map(([a, b]) => ['RENAME', a, b]),
  fc.tuple(keyArb, keyArb).map(([a, b]) => ['RENAMENX', a, b]),
  patternArb.map((p) => ['KEYS', p]),
  fc.tuple(patternArb, fc.constantFrom<string[]>([], ['TYPE', 'string'], ['TYPE', 'list'], ['TYPE', 'hash'], ['TYPE', 'stream'], ['COUNT', '100'], ['COUNT', '0'], ['COUNT', 'x'], ['FOO', 'x'])).map(([p, o]) => ['SCAN', '0', 'MATCH', p, ...o]),
  fc.constantFrom<string[]>(['SCAN', '0'], ['SCAN', 'x'], ['SCAN', '0', 'COUNT']),
  fc.tuple(keyArb, keyArb, fc.constantFrom<string[]>([], ['REPLACE'], ['DB', '1'], ['DB', '0', 'REPLACE'], ['DB', '16'], ['DB', 'x'], ['FOO'])).map(([a, b, o]) => ['COPY', a, b, ...o]),
  fc.tuple(fc.constantFrom('ENCODING', 'REFCOUNT', 'FREQ', 'NOPE'), keyArb).map(([s, k]) => ['OBJECT', s, k]),
  // GT/LT between two relative expiries depend on the milliseconds between them: NX/XX only here.
  fc.tuple(fc.constantFrom('EXPIRE', 'PEXPIRE'), keyArb, timeArb, fc.constantFrom<string[]>([], ['NX'], ['XX'], ['NX', 'XX'], ['FOO'])).map(([c, k, t, f]) => [c, k, t === '1' ? '100000' : t, ...f]),
  fc.tuple(fc.constantFrom('EXPIREAT', 'PEXPIREAT'), keyArb, timeArb, expireFlagArb).map(([c, k, t, f]) => [c, k, t === '1000' || t === '100000' ? '4102444800000' : t, ...f]),
  fc.tuple(fc.constantFrom('TTL', 'PTTL', 'EXPIRETIME', 'PEXPIRETIME', 'PERSIST'), keyArb).map(([c, k]) => [c, k]),
  fc.constantFrom<string[]>(['RANDOMKEY'], ['OBJECT'], ['OBJECT', 'HELP'], ['EXPIRE', 'k1'], ['KEYS']),
);

/** PTTL of a relative expiry can differ by the milliseconds between the two runs. */
/**
 * Times relative to "now" (or set from it) differ by the few ms between redis running a command
 * and the lab running it: equal within `tolerance`, and negative codes (-1, -2) exactly.
 */
function nearTime(tolerance: bigint): CommandRule {
  return {
    reconcile(_argv, redisReply, labReply) {
      if (redisReply.kind !== 'int' || labReply.kind !== 'int') return JSON.stringify(redisReply) === JSON.stringify(labReply) ? undefined : `redis ${JSON.stringify(redisReply)} lab ${JSON.stringify(labReply)}`;
      const r = BigInt(redisReply.value);
      const l = BigInt(labReply.value);
      const close = r < 0n || l < 0n ? r === l : (r > l ? r - l : l - r) <= tolerance;
      return close ? undefined : `redis ${r} lab ${l}`;
    },
  };
}

export const keyRules: Rules = {
  keys: { normalize: (_, r) => sortArray(r) },
  scan: { reconcile: scanElements(false) },
  pttl: nearTime(100n),
  pexpiretime: nearTime(100n),
  ttl: nearTime(1n),
  expiretime: nearTime(1n),
  randomkey: {
    // Redis deletes the expired keys RANDOMKEY samples, at random.
    unmirrorable: (lab) => lab.engine.dbs.some((db) => [...db.expires.values()].some((when) => when <= Date.now())),
    reconcile(_, redisReply, labReply, lab) {
      if ((redisReply.kind === 'bulk' && redisReply.value === null) !== (labReply.kind === 'bulk' && labReply.value === null)) {
        return `one side had no keys: ${JSON.stringify([redisReply, labReply])}`;
      }
      if (labReply.kind === 'bulk' && labReply.value !== null && lab.run('EXISTS', labReply.value).kind !== 'int') return 'lab returned a missing key';
    },
  },
};
